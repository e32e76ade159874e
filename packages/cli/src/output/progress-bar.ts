import { SingleBar, Presets } from 'cli-progress';
import type { PublishProgress } from '../publish/publish-orders';

/**
 * A progress bar on stderr for long runs, only when stderr is a terminal (pipes and CI logs get
 * no control characters) and the work is large enough to be worth watching.
 */
export function terminalProgress(label: string, minimumTotal: number, unit = ''): PublishProgress | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total}${unit} | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let active = false;
  return {
    start(total) {
      if (total < minimumTotal) return;
      active = true;
      bar.start(total, 0);
    },
    update(done) {
      if (active) bar.update(done);
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}
