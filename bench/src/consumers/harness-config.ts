/**
 * What the parent tells a reference consumer process (one JSON argument), and the lines the process
 * writes back on stdout. Ours (`orders consume`) takes the same settings as command-line options.
 */
export interface HarnessConfig {
  readonly queueUrl: string;
  readonly region: string;
  readonly sqsEndpoint: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  /** Receive loops: sqs-consumer's Consumer instances in the one process (each holds one batch); the bare loops. */
  readonly pollers: number;
  readonly waitTimeSeconds: number;
  /** The queue's visibility timeout: sqs-consumer asks for it on each receive and its heartbeat renews it. */
  readonly visibilityTimeoutSeconds: number;
  /** sqs-consumer's heartbeatInterval (seconds): a third of the visibility timeout, at least 1. */
  readonly heartbeatIntervalSeconds: number;
}

/** A line `empty <epoch ms>`: the consumer saw an empty receive (its own sign of a drained queue). */
export const EMPTY_LINE = 'empty';

export function emptyLine(): string {
  return `${EMPTY_LINE} ${performance.timeOrigin + performance.now()}\n`;
}
