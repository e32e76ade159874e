import type { ConsumerReport } from '@orders/core';

/**
 * `orders consume`'s exit code when every receive failed for `--exit-after-failing`: sysexits'
 * EX_TEMPFAIL ("try again later"), distinct from 1 (a refusal or an error at start), for a
 * supervisor to restart the consumer.
 */
export const EXIT_RECEIVES_FAILING = 75;

/** The one sentence said on stderr as the consumer exits because it could not receive. */
export function failingExitSentence(report: ConsumerReport, exitAfterFailingSeconds: number): string {
  const failing = report.receiveFailing;
  const last = failing === undefined ? '' : `, the last of ${failing.failures}: ${failing.lastError.message}`;
  return `orders consume: exiting with code ${EXIT_RECEIVES_FAILING}, for a supervisor to restart it: every receive failed for ${exitAfterFailingSeconds} s${last}`;
}
