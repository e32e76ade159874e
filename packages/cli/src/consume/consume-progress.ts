import type { BatchMetrics, ConsumerObserver, DeletesFailed, MetricsRecorder, ReceiveFailing } from '@orders/core';
import { CountingMetrics } from '../demo/counting-metrics';

const REFRESH_MS = 1_000;
/** Draws the rate is measured over: about the last five seconds. */
const RATE_WINDOW_DRAWS = 6;
const CLEAR_LINE = '\r\u001b[K';
/** The same delete failure is said again at most this often (every failed delete is counted on the status line). */
const DELETE_LINE_EVERY_MS = 10_000;

/** A stream that may be a terminal: stderr. */
export interface StatusStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ConsumeProgressOptions {
  /** `--exit-after-failing`: said on the status line while receives fail (0: never). */
  readonly exitAfterFailingSeconds?: number;
  /** The clock (tests pass their own). */
  readonly now?: () => number;
}

/**
 * What `orders consume` shows a person on a terminal: one status line on stderr, redrawn every
 * second — what came in, what happened to it, the rate — instead of a JSON line per message. It
 * counts through the metrics port the use case already reports every batch to.
 *
 * When receives or deletes fail, it says so as it happens: a line above the status line with the
 * cause (when receives start failing, when the cause changes, when they work again; a failed delete
 * at most every 10 s for the same cause), and the status line shows for how long every receive has
 * failed, and the counts of failed receives and deletes — the consumer's own, as its report will say.
 */
export class ConsumeProgress implements MetricsRecorder, ConsumerObserver {
  private readonly counts = new CountingMetrics();
  private received = 0;
  /** (time, received) at recent draws: the rate is over the last few seconds, not the whole run. */
  private readonly samples: { at: number; received: number }[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private shown = false;
  private rate = 0;
  private readonly now: () => number;
  private receiveErrors = 0;
  private deleteFailures = 0;
  private failing: ReceiveFailing | undefined;
  private lastDeleteLine: { readonly at: number; readonly message: string } | undefined;

  constructor(
    private readonly queueName: string,
    private readonly stream: StatusStream,
    private readonly options: ConsumeProgressOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  recordBatch(batch: BatchMetrics): void {
    this.counts.recordBatch(batch);
    this.received += batch.batchSize;
  }

  receiveFailed(failing: ReceiveFailing): void {
    this.receiveErrors++;
    const before = this.failing;
    this.failing = failing;
    if (before !== undefined && before.lastError.message === failing.lastError.message) {
      this.redraw();
      return;
    }
    const bound = this.options.exitAfterFailingSeconds ?? 0;
    const exits = bound > 0 ? `; exits if every receive fails for ${bound} s` : '';
    this.say(`receive failed (retrying${exits}): ${failing.lastError.message}`);
  }

  receiveRecovered(failing: ReceiveFailing): void {
    this.failing = undefined;
    const seconds = Math.round((this.now() - failing.sinceMs) / 1000);
    this.say(
      `receiving again after ${seconds} s (${failing.failures} failed receive${failing.failures === 1 ? '' : 's'}).`,
    );
  }

  deletesFailed(failed: DeletesFailed): void {
    this.deleteFailures += failed.count;
    const now = this.now();
    const last = this.lastDeleteLine;
    if (last !== undefined && last.message === failed.message && now - last.at < DELETE_LINE_EVERY_MS) {
      this.redraw();
      return;
    }
    this.lastDeleteLine = { at: now, message: failed.message };
    this.say(
      `${failed.count} delete${failed.count === 1 ? '' : 's'} failed (the messages come back and are applied again, harmlessly): ${failed.message}`,
    );
  }

  start(): void {
    this.draw();
    this.timer = setInterval(() => this.draw(), REFRESH_MS);
    this.timer.unref();
  }

  /** Clears the line (before another message is written, or at the end). */
  clear(): void {
    if (this.shown) this.stream.write(CLEAR_LINE);
    this.shown = false;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  /** The line as it reads now, the rate measured anew (exported for tests). */
  line(now = this.now()): string {
    this.samples.push({ at: now, received: this.received });
    while (this.samples.length > RATE_WINDOW_DRAWS) this.samples.shift();
    const oldest = this.samples[0] ?? { at: now, received: this.received };
    this.rate = now > oldest.at ? ((this.received - oldest.received) * 1000) / (now - oldest.at) : 0;
    return this.render(now);
  }

  /** The line with the rate last measured: a redraw between the timer's draws does not skew it. */
  private render(now: number): string {
    const t = this.counts.totals;
    const parts = [
      `${this.received} received (${Math.round(this.rate)}/s)`,
      `${t.created + t.updated} stored`,
      `${t.duplicate + t.stale + t.conflict} already stored or older`,
      ...(t.invalid > 0 ? [`${t.invalid} rejected as invalid`] : []),
      ...(t.failed > 0 ? [`${t.failed} failed (retried later)`] : []),
      ...this.troubleParts(now),
    ];
    return `consuming ${this.queueName} · ${parts.join(' · ')} · Ctrl-C stops`;
  }

  private troubleParts(now: number): string[] {
    const parts: string[] = [];
    const failing = this.failing;
    if (failing !== undefined) {
      const seconds = Math.max(0, Math.round((now - failing.sinceMs) / 1000));
      const bound = this.options.exitAfterFailingSeconds ?? 0;
      const exits = bound > 0 ? `, exits at ${bound} s` : '';
      parts.push(`receives failing for ${seconds} s (${failing.failures} in a row${exits}): ${failing.lastError.code}`);
    } else if (this.receiveErrors > 0) {
      parts.push(`${this.receiveErrors} receive error${this.receiveErrors === 1 ? '' : 's'}`);
    }
    if (this.deleteFailures > 0)
      parts.push(`${this.deleteFailures} delete failure${this.deleteFailures === 1 ? '' : 's'}`);
    return parts;
  }

  /** A line of its own above the status line, which is drawn again under it. */
  private say(text: string): void {
    const drawn = this.shown;
    this.clear();
    this.stream.write(`orders consume: ${text}\n`);
    if (drawn) this.redraw(true);
  }

  /** Draws the line again at once, when it is shown (or `evenIfHidden`): its counts are never behind what happened. */
  private redraw(evenIfHidden = false): void {
    if (!this.shown && !evenIfHidden) return;
    this.stream.write(`${CLEAR_LINE}${this.render(this.now())}`);
    this.shown = true;
  }

  private draw(): void {
    this.stream.write(`${CLEAR_LINE}${this.line()}`);
    this.shown = true;
  }
}
