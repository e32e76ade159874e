/**
 * What the first Ctrl-C / SIGTERM on `orders consume` says it lets finish (stopOnSignals' "finishing
 * …"): what the consumer really does. No new receive starts; the messages in hand are stored and
 * deleted, and the idle long polls are cut rather than waited out (up to 20 s); after
 * `--stop-timeout`, what is still in hand is handed back to the queue and the process exits.
 */
export function stopAnnouncement(stopTimeoutSeconds: number): string {
  if (stopTimeoutSeconds <= 0) return 'nothing: the messages in hand go back to the queue at once';
  return `the messages in hand for at most ${stopTimeoutSeconds} s, then handing back what is left`;
}
