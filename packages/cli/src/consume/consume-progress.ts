import type { BatchMetrics, MetricsRecorder } from '@orders/core';
import { CountingMetrics } from '../demo/counting-metrics';

const REFRESH_MS = 1_000;
/** Draws the rate is measured over: about the last five seconds. */
const RATE_WINDOW_DRAWS = 6;
const CLEAR_LINE = '\r\u001b[K';

/** A stream that may be a terminal: stderr. */
export interface StatusStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * What `orders consume` shows a person on a terminal: one status line on stderr, redrawn every
 * second — what came in, what happened to it, the rate — instead of a JSON line per message. It
 * counts through the metrics port the use case already reports every batch to.
 */
export class ConsumeProgress implements MetricsRecorder {
  private readonly counts = new CountingMetrics();
  private received = 0;
  /** (time, received) at recent draws: the rate is over the last few seconds, not the whole run. */
  private readonly samples: { at: number; received: number }[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private shown = false;

  constructor(
    private readonly queueName: string,
    private readonly stream: StatusStream,
  ) {}

  recordBatch(batch: BatchMetrics): void {
    this.counts.recordBatch(batch);
    this.received += batch.batchSize;
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

  /** The line as it reads now (exported for tests). */
  line(now = Date.now()): string {
    const t = this.counts.totals;
    this.samples.push({ at: now, received: this.received });
    while (this.samples.length > RATE_WINDOW_DRAWS) this.samples.shift();
    const oldest = this.samples[0] ?? { at: now, received: this.received };
    const rate = now > oldest.at ? ((this.received - oldest.received) * 1000) / (now - oldest.at) : 0;
    const parts = [
      `${this.received} received (${Math.round(rate)}/s)`,
      `${t.created + t.updated} stored`,
      `${t.duplicate + t.stale + t.conflict} already stored or older`,
      ...(t.invalid > 0 ? [`${t.invalid} rejected as invalid`] : []),
      ...(t.failed > 0 ? [`${t.failed} failed (retried later)`] : []),
    ];
    return `consuming ${this.queueName} · ${parts.join(' · ')} · Ctrl-C stops`;
  }

  private draw(): void {
    this.stream.write(`${CLEAR_LINE}${this.line()}`);
    this.shown = true;
  }
}
