/**
 * SIGINT/SIGTERM ask for a graceful stop (the returned signal aborts); a second one exits at once
 * with 130. Messages not yet deleted are redelivered after their visibility timeout either way.
 */
export function stopOnSignals(
  command: string,
  options: {
    /** What the first signal lets finish, e.g. "in-flight messages". */
    readonly finishing?: string;
    /** Called before a message is written (e.g. to clear a status line). */
    readonly beforeMessage?: () => void;
  } = {},
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    options.beforeMessage?.();
    if (controller.signal.aborted) {
      process.stderr.write(`${command}: second ${name}, exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(
      `${command}: ${name} received, finishing ${options.finishing ?? 'the batch in flight'} (send again to exit at once)\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
