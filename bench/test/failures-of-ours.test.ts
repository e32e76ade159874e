import { summarizeScenario } from '../src/consumers/consumer-report';
import { failuresOfOurs } from '../src/report/failures-of-ours';
import { fabricatedResults } from './support/fabricated-results';

// pnpm bench (and CI's smoke run) exits 1 when ours could not be measured: an "n/a" where our own
// figure should be is a defect in what we ship, not noise.

it('finds nothing when every run of ours finished', () => {
  expect(failuresOfOurs(fabricatedResults())).toEqual([]);
});

it('names a failed consumer run of ours and a throughput mode that did not run', () => {
  const results = fabricatedResults();
  const drain = results.consumers.drain;
  const failedOurs = summarizeScenario(drain.scenario, [
    {
      config: 'ours',
      kind: 'ours',
      round: 0,
      messages: 200,
      ok: false,
      note: 'exited early',
      requests: {},
      complete: false,
    },
  ]);
  expect(
    failuresOfOurs({
      consumers: { ...results.consumers, drain: failedOurs },
      throughput: {
        results: [{ mode: 'lambda-esm', available: false, note: 'failed: the bundle threw' }],
        notes: [],
      },
    }),
  ).toEqual([
    'orders consume (ours) failed 1 of 1 run(s) in the drain scenario',
    'throughput (lambda-esm): failed: the bundle threw',
  ]);
});

it('does not blame ours for a reference that failed', () => {
  const results = fabricatedResults();
  const referenceFailed = summarizeScenario(results.consumers.drain.scenario, [
    {
      config: 'sqs-consumer×6',
      kind: 'sqs-consumer',
      round: 0,
      messages: 200,
      ok: false,
      note: 'timed out',
      requests: {},
      complete: false,
    },
  ]);
  expect(failuresOfOurs({ ...results, consumers: { ...results.consumers, drain: referenceFailed } })).toEqual([]);
});
