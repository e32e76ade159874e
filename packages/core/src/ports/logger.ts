/** A structured log value. Never put an order payload, a userId or an itemName in one. */
export type LogValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly LogValue[]
  | { readonly [key: string]: LogValue };
export type LogFields = { readonly [key: string]: LogValue };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. a request id) to every line. */
  child(fields: LogFields): Logger;
}

export const LOGGER: unique symbol = Symbol.for('orders.Logger');

/** Discards everything: for callers that have nowhere to log. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
