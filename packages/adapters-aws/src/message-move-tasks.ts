import { ListMessageMoveTasksCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InfrastructureError } from '@orders/core';
import { awsErrorName, toInfrastructureError } from './aws-error-translation';

/**
 * SQS's message move tasks (StartMessageMoveTask) as the redrive needs them: whether one is still
 * at work on a DLQ, and what a failed call means. SQS allows one active task per source queue and
 * moves the messages in the background, so anything else that reads the DLQ meanwhile — a second
 * task, a receive → send → delete copy — races it: a message can reach the source queue twice.
 */

/** A move task SQS has not finished: RUNNING, or CANCELLING (it may still move a few). */
export interface ActiveMoveTask {
  readonly status: 'RUNNING' | 'CANCELLING';
  /** What CancelMessageMoveTask takes; SQS lists it while the task runs. */
  readonly taskHandle?: string;
  /** When SQS started it (ms since the epoch). */
  readonly startedAt?: number;
  readonly approximateMoved?: number;
  readonly approximateToMove?: number;
}

export type MoveTaskLookup =
  | { readonly available: true; readonly active: ActiveMoveTask | undefined }
  /** The endpoint has no message move tasks (an emulator such as moto): none can be running. */
  | { readonly available: false; readonly reason: string };

/**
 * The task at work on the queue `dlqArn`, if any: ListMessageMoveTasks, newest first. An endpoint
 * that does not implement the API (moto answers it with an HTML 500 page) is told apart from one
 * that failed to answer: only the first may be read as "no task is running", and only where the
 * API may be missing at all (`apiMayBeMissing`: not on AWS itself). Any other failure is thrown —
 * a redrive must not go on without knowing.
 */
export async function findActiveMoveTask(
  client: SQSClient,
  dlqArn: string,
  dlqName: string,
  apiMayBeMissing: boolean,
): Promise<MoveTaskLookup> {
  try {
    const result = await client.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    for (const task of result.Results ?? []) {
      if (task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') continue;
      return {
        available: true,
        active: {
          status: task.Status,
          ...(task.TaskHandle === undefined ? {} : { taskHandle: task.TaskHandle }),
          ...(task.StartedTimestamp === undefined ? {} : { startedAt: task.StartedTimestamp }),
          ...(task.ApproximateNumberOfMessagesMoved === undefined
            ? {}
            : { approximateMoved: task.ApproximateNumberOfMessagesMoved }),
          ...(task.ApproximateNumberOfMessagesToMove === undefined
            ? {}
            : { approximateToMove: task.ApproximateNumberOfMessagesToMove }),
        },
      };
    }
    return { available: true, active: undefined };
  } catch (error) {
    const translated = toInfrastructureError(error, {
      service: 'SQS',
      operation: 'ListMessageMoveTasks',
      resource: { type: 'SQS queue', name: dlqName },
    });
    if (apiMayBeMissing && isMoveTaskApiMissing(error))
      return { available: false, reason: `${translated.code}: ${translated.message}` };
    throw translated;
  }
}

/**
 * Another move task is at work on the DLQ: one sentence that says how far it got and how to follow
 * or cancel it. Nothing was moved by this run.
 */
export class MoveTaskRunningError extends InfrastructureError {
  override readonly name = 'MoveTaskRunningError';
  readonly dlqArn: string;
  readonly task: ActiveMoveTask | undefined;

  constructor(dlqName: string, dlqArn: string, task: ActiveMoveTask | undefined, options: { cause?: unknown } = {}) {
    const follow = `aws sqs list-message-move-tasks --source-arn ${dlqArn}`;
    const cancel = `aws sqs cancel-message-move-task --task-handle ${task?.taskHandle ?? '<its TaskHandle>'}`;
    const what =
      task?.status === 'CANCELLING'
        ? `A message move task on ${dlqName} is being cancelled${progress(task)}; wait for it to end (follow it with \`${follow}\`)`
        : `A message move task is already running for ${dlqName}${progress(task)}; follow it with \`${follow}\`, or cancel it with \`${cancel}\``;
    super('move_task_running', `${what}, then run the redrive again.`, { retryable: true, cause: options.cause });
    this.dlqArn = dlqArn;
    this.task = task;
  }
}

function progress(task: ActiveMoveTask | undefined): string {
  if (task === undefined) return '';
  const parts = [
    ...(task.startedAt === undefined ? [] : [`started ${new Date(task.startedAt).toISOString()}`]),
    ...(task.approximateMoved === undefined
      ? []
      : [
          `about ${task.approximateMoved}${task.approximateToMove === undefined ? '' : ` of ${task.approximateToMove}`} messages moved so far`,
        ]),
  ];
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/**
 * SQS refused StartMessageMoveTask because a task is already active on the source queue. AWS
 * answers InvalidParameterValue (HTTP 400) "There is already a task running. Only one active task
 * is allowed for a source queue arn at a given time."; emulators word it alike under other codes
 * (UnsupportedOperation, for one), so the sentence decides, not the code.
 */
export function isMoveTaskAlreadyRunning(error: unknown): boolean {
  const message = messageOf(error);
  return /\balready\b.*\b(?:running|active)\b|\bonly one active\b/i.test(message);
}

// The names under which an endpoint says it does not know the operation at all.
const MISSING_OPERATION_NAMES = new Set([
  'UnsupportedOperation',
  'AWS.SimpleQueueService.UnsupportedOperation',
  'InvalidAction',
  'UnknownOperation',
  'UnknownOperationException',
  'NotImplemented',
  'NotImplementedException',
]);

/**
 * Statuses of an answer the SDK could not read that still mean "no such operation here": moto
 * answers an unimplemented action with an HTML 500 page. A gateway's 502/503/504 page is left out
 * on purpose: the request may have reached SQS and started a task.
 */
const MISSING_OPERATION_PAGE_STATUSES = new Set([400, 404, 405, 500, 501]);

/**
 * Whether the endpoint does not implement message move tasks (an emulator without them), as
 * opposed to having refused or failed this one call. Only this answer lets a redrive copy the
 * messages by hand: after any other failure a task may be running, or may even have started (an
 * answer lost on the way back), and a copy beside it would send messages twice.
 */
export function isMoveTaskApiMissing(error: unknown): boolean {
  if (isMoveTaskAlreadyRunning(error)) return false;
  const name = awsErrorName(error);
  const status = httpStatusOf(error);
  if (name !== undefined && MISSING_OPERATION_NAMES.has(name)) return true;
  if (status === 501) return true;
  return name === 'SyntaxError' && status !== undefined && MISSING_OPERATION_PAGE_STATUSES.has(status);
}

/**
 * Whether a queue URL is AWS's own (`https://sqs.<region>.amazonaws.com/…`, or the China and
 * dual-stack domains). SQS itself implements message move tasks, so there no answer is read as a
 * missing API: an unreadable page comes from something in between (a proxy), and any refusal is
 * better told than copied around (`--strategy manual` copies on purpose).
 */
export function isAwsQueueUrl(queueUrl: string): boolean {
  let host: string;
  try {
    host = new URL(queueUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host.endsWith('.amazonaws.com') || host.endsWith('.amazonaws.com.cn') || host.endsWith('.api.aws');
}

function messageOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : '';
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}
