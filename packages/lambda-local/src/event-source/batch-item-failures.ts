/**
 * Lambda's reading of an SQS function's response when `ReportBatchItemFailures` is on:
 * - null, undefined, an empty object or an empty `batchItemFailures` list: every record succeeded;
 * - a `batchItemFailures` list: exactly those records failed; one entry whose `itemIdentifier` is
 *   missing, empty or not a message id of the batch fails the whole batch;
 * - anything else (not an object, `batchItemFailures` not a list): the whole batch failed.
 * Without `ReportBatchItemFailures` the response is ignored: a successful invocation deletes all.
 */
export type BatchVerdict =
  | { readonly kind: 'partial'; readonly failedIds: ReadonlySet<string> }
  | { readonly kind: 'whole-batch-failed'; readonly reason: string };

export function readBatchItemFailures(
  response: unknown,
  batchIds: ReadonlySet<string>,
  reportBatchItemFailures: boolean,
): BatchVerdict {
  const none: BatchVerdict = { kind: 'partial', failedIds: new Set() };
  if (!reportBatchItemFailures || response === undefined || response === null) return none;
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { kind: 'whole-batch-failed', reason: 'the response is not an object' };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return none;
  if (!Array.isArray(failures)) return { kind: 'whole-batch-failed', reason: 'batchItemFailures is not a list' };
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'whole-batch-failed', reason: 'a batchItemFailures entry has no itemIdentifier' };
    }
    if (!batchIds.has(id)) {
      return { kind: 'whole-batch-failed', reason: `itemIdentifier ${JSON.stringify(id)} is not in the batch` };
    }
    failedIds.add(id);
  }
  return { kind: 'partial', failedIds };
}
