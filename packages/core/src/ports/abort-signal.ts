/**
 * The part of the platform's AbortSignal a consumer, a queue or a repository needs (core declares it
 * structurally, since it compiles without DOM or Node types; a real AbortSignal fits).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
