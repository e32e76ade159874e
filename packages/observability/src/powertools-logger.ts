import { Logger as PowertoolsLogger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type { LogFields, Logger, LogLevel } from '@orders/core';

/**
 * The core's Logger port on Powertools Logger: JSON lines with level, timestamp, service and,
 * once `addContext` has run, the Lambda request id (`function_request_id`) and cold-start flag.
 * Powertools rather than our own writer: it is what AWS teams already parse and alert on.
 */
export class PowertoolsLoggerAdapter implements Logger {
  constructor(
    readonly powertools: PowertoolsLogger,
    private readonly fields: LogFields = {},
  ) {}

  // Each method returns before merging fields when its level is off: the merge is a visible
  // share of per-record CPU at volume (measured in docs/benchmarks.md).
  debug(message: string, fields?: LogFields): void {
    if (this.powertools.level <= LogLevelThreshold.DEBUG) this.powertools.debug(message, this.merge(fields));
  }
  info(message: string, fields?: LogFields): void {
    if (this.powertools.level <= LogLevelThreshold.INFO) this.powertools.info(message, this.merge(fields));
  }
  warn(message: string, fields?: LogFields): void {
    if (this.powertools.level <= LogLevelThreshold.WARN) this.powertools.warn(message, this.merge(fields));
  }
  error(message: string, fields?: LogFields): void {
    if (this.powertools.level <= LogLevelThreshold.ERROR) this.powertools.error(message, this.merge(fields));
  }
  child(fields: LogFields): Logger {
    return new PowertoolsLoggerAdapter(this.powertools, { ...this.fields, ...fields });
  }

  private merge(fields: LogFields | undefined): Record<string, unknown> {
    // Drop undefined values so lines stay compact and keys mean "known".
    const merged: Record<string, unknown> = {};
    for (const [key, value] of Object.entries({ ...this.fields, ...fields }))
      if (value !== undefined) merged[key] = value;
    return merged;
  }
}

export function createPowertoolsLogger(options: { serviceName: string; logLevel: LogLevel }): PowertoolsLoggerAdapter {
  const levels = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;
  return new PowertoolsLoggerAdapter(
    new PowertoolsLogger({ serviceName: options.serviceName, logLevel: levels[options.logLevel] }),
  );
}
