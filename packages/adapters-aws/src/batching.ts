/** SQS and SNS batch calls take at most 10 entries. */
export const MAX_BATCH_ENTRIES = 10;

/** One entry of a batch, with its position in the caller's input so failures can point back to it. */
export interface Indexed<T> {
  readonly index: number;
  readonly item: T;
}

/**
 * Splits items into batches of at most `maxEntries` whose summed `sizeOf` stays within
 * `maxBytes`, keeping input order. An item that is too large on its own gets a batch of its own,
 * so the service rejects just that entry instead of the batch around it.
 */
export function chunkForBatch<T>(
  items: readonly T[],
  maxEntries: number = MAX_BATCH_ENTRIES,
  maxBytes: number = Number.POSITIVE_INFINITY,
  sizeOf: (item: T) => number = () => 0,
): Indexed<T>[][] {
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const batches: Indexed<T>[][] = [];
  let current: Indexed<T>[] = [];
  let currentBytes = 0;
  items.forEach((item, index) => {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= maxEntries || currentBytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push({ index, item });
    currentBytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
