import type { LogFields, Logger, LogLevel } from '@orders/core';

export interface LogCall {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

/** A Logger that keeps every call (child fields merged in), for assertions on what was logged. */
export class RecordingLogger implements Logger {
  constructor(
    readonly calls: LogCall[] = [],
    private readonly bound: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.record('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.record('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.record('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.record('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new RecordingLogger(this.calls, { ...this.bound, ...fields });
  }

  /** Every call as one JSON text: what a leak check searches. */
  serialized(): string {
    return this.calls.map((call) => JSON.stringify(call)).join('\n');
  }

  private record(level: LogLevel, message: string, fields: LogFields = {}): void {
    this.calls.push({ level, message, fields: { ...this.bound, ...fields } });
  }
}
