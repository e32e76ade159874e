import { Presets, SingleBar } from 'cli-progress';
import type { SoakProgress } from './soak-hooks';

export interface ProgressReporter {
  readonly update: (progress: SoakProgress) => void;
  readonly stop: () => void;
}

const PHASE_LABELS = { publish: 'publish', drain: 'drain  ', redrive: 'redrive' } as const;

/**
 * A progress bar on stderr (stdout is kept for the JSON summary). cli-progress draws nothing when
 * the stream is not a terminal, so piping or redirecting stderr gives a clean log.
 */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const bar = new SingleBar(
    {
      stream,
      format:
        'soak {phase} [{bar}] {percentage}% | {value}/{total} settled | {invocations} invocations | DLQ {deadLetters}',
      hideCursor: true,
      barsize: 30,
      fps: 10,
    },
    Presets.shades_classic,
  );
  let phase: SoakProgress['phase'] | undefined;
  return {
    update: (progress) => {
      const payload = {
        phase: PHASE_LABELS[progress.phase],
        invocations: progress.invocations,
        deadLetters: progress.deadLetters,
      };
      if (progress.phase !== phase) {
        if (phase !== undefined) bar.stop();
        phase = progress.phase;
        bar.start(Math.max(progress.total, 1), progress.settled, payload);
        return;
      }
      bar.setTotal(Math.max(progress.total, 1));
      bar.update(progress.settled, payload);
    },
    stop: () => {
      if (phase !== undefined) bar.stop();
      phase = undefined;
    },
  };
}
