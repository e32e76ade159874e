/** A JSON Pointer (RFC 6901) from its tokens: `~` is written `~0` and `/` is written `~1` inside one. */
export const jsonPointer = (tokens: readonly string[]): string =>
  tokens.map((token) => `/${token.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
