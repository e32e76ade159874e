import fc from 'fast-check';
import {
  DEFAULT_RETRY_PACING,
  fixedRetryDelay,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
  pacingWithinVisibilityLimit,
  retryDelaySeconds,
  type RetryPacingOptions,
  retryPacingProblems,
  VISIBILITY_LIMIT_SAFETY_SECONDS,
  visibilityLeftSeconds,
} from '../../src';
import { FAILURE_CLASSES } from '../../src/errors/infrastructure-error';

// SQS keeps a message hidden at most 12 h after its receive and refuses a visibility change that
// reaches past that: paced delays are capped to what is left for the message.

describe('visibilityLeftSeconds', () => {
  it('is 12 h less the time since the receive and the safety margin, in whole seconds, never negative', () => {
    expect(visibilityLeftSeconds(0)).toBe(43_200 - VISIBILITY_LIMIT_SAFETY_SECONDS);
    expect(visibilityLeftSeconds(3_600.4)).toBe(43_200 - 3_601 - VISIBILITY_LIMIT_SAFETY_SECONDS);
    expect(visibilityLeftSeconds(43_200)).toBe(0);
    expect(visibilityLeftSeconds(-5)).toBe(visibilityLeftSeconds(0));
    expect(visibilityLeftSeconds(Number.NaN)).toBe(0);
  });
});

describe('pacingWithinVisibilityLimit', () => {
  it('caps a 12 h fixed delay to what SQS still accepts, and keeps a pacing that fits as it is', () => {
    expect(pacingWithinVisibilityLimit(fixedRetryDelay(43_200), 1_000)).toEqual(fixedRetryDelay(42_140));
    expect(pacingWithinVisibilityLimit(DEFAULT_RETRY_PACING, 1_000)).toBe(DEFAULT_RETRY_PACING);
  });

  const pacings = fc
    .record({
      baseDelaySeconds: fc.integer({ min: 0, max: MAX_VISIBILITY_TIMEOUT_SECONDS }),
      backoffFactor: fc.double({ min: 1, max: 1000, noNaN: true }),
      maxDelaySeconds: fc.integer({ min: 0, max: MAX_VISIBILITY_TIMEOUT_SECONDS }),
      jitterRatio: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .filter((pacing: RetryPacingOptions) => retryPacingProblems(pacing).length === 0);

  it('never lets a delay reach past 12 h after the receive, and shortens only the delays that would', () => {
    fc.assert(
      fc.property(
        pacings,
        fc.double({ min: 0, max: MAX_VISIBILITY_TIMEOUT_SECONDS, noNaN: true }),
        fc.constantFrom(...FAILURE_CLASSES),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (pacing, heldForSeconds, failureClass, receiveCount, draw) => {
          const capped = pacingWithinVisibilityLimit(pacing, heldForSeconds);
          expect(retryPacingProblems(capped)).toEqual([]);
          const delay = retryDelaySeconds(failureClass, receiveCount, capped, () => draw);
          const uncapped = retryDelaySeconds(failureClass, receiveCount, pacing, () => draw);
          expect(delay).toBeLessThanOrEqual(Math.max(0, MAX_VISIBILITY_TIMEOUT_SECONDS - heldForSeconds));
          expect(delay).toBe(Math.min(uncapped, visibilityLeftSeconds(heldForSeconds)));
        },
      ),
    );
  });
});
