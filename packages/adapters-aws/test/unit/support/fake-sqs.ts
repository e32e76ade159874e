import {
  type ListMessageMoveTasksResultEntry,
  type MessageAttributeValue,
  SQSServiceException,
  UnsupportedOperation,
} from '@aws-sdk/client-sqs';
import { connectionRefused, type SentCommand } from './fake-client';

export const DLQ_URL = 'http://127.0.0.1:5000/000000000000/OrderDLQ';
export const SOURCE_URL = 'http://127.0.0.1:5000/000000000000/OrderQueue';

export interface FakeMessage {
  readonly id: string;
  readonly body: string;
  /** Message attributes it carries (default: one String attribute naming it). */
  readonly attributes?: Record<string, MessageAttributeValue>;
  readonly traceHeader?: string;
  receiveCount: number;
  visible: boolean;
  handle?: string;
}

/**
 * Just enough of SQS for the DLQ tools: a DLQ with visibility, a source queue that records
 * what it was sent, and switches to make individual calls fail.
 */
export class FakeSqs {
  readonly dlq: FakeMessage[];
  readonly sent: { body: string; attributes: unknown; systemAttributes?: unknown }[] = [];
  /** Called as each call is answered (a test moves a manual clock here). */
  onCall: (name: string) => void = () => undefined;
  /**
   * How the message move task API answers. `unsupported`: as on moto, neither ListMessageMoveTasks
   * nor StartMessageMoveTask exists (an HTML 500 page). The others list {@link moveTasks}; then
   * StartMessageMoveTask starts `task-1` (`ok`), meets a refused connection (`unreachable`), is
   * refused as AWS refuses a second task on one source (`already-running`), or answers
   * UnsupportedOperation (`unsupported-operation`).
   */
  moveTask: 'unsupported' | 'ok' | 'unreachable' | 'already-running' | 'unsupported-operation' = 'unsupported';
  /** What ListMessageMoveTasks answers when the API exists, newest first. */
  moveTasks: ListMessageMoveTasksResultEntry[] = [];
  rejectSendOf = new Set<string>();
  /** Entries per SendMessageBatch call, in order. */
  readonly sendBatches: number[] = [];
  failDeleteOf = new Set<string>();
  private handles = 0;

  constructor(bodies: (string | Omit<FakeMessage, 'id' | 'receiveCount' | 'visible'>)[]) {
    this.dlq = bodies.map((body, i) => ({
      id: `dlq-${i}`,
      ...(typeof body === 'string' ? { body } : body),
      receiveCount: 3,
      visible: true,
    }));
  }

  handle = (command: SentCommand): unknown => {
    this.onCall(command.name);
    const input = command.input;
    switch (command.name) {
      case 'GetQueueAttributesCommand':
        return {
          $metadata: {},
          Attributes: { QueueArn: `arn:aws:sqs:us-east-1:000000000000:${String(input['QueueUrl']).split('/').pop()}` },
        };
      case 'ListMessageMoveTasksCommand':
        if (this.moveTask === 'unsupported') throw motoMissingAction();
        return { $metadata: {}, Results: this.moveTasks };
      case 'StartMessageMoveTaskCommand':
        switch (this.moveTask) {
          case 'ok':
            return { $metadata: {}, TaskHandle: 'task-1' };
          case 'unreachable':
            throw connectionRefused();
          case 'already-running':
            throw secondTaskRefusal();
          case 'unsupported-operation':
            throw new UnsupportedOperation({ message: 'Unsupported operation.', $metadata: { httpStatusCode: 400 } });
          default:
            throw motoMissingAction();
        }
      case 'ReceiveMessageCommand': {
        const max = Number(input['MaxNumberOfMessages']);
        const picked = this.dlq.filter((m) => m.visible).slice(0, max);
        return {
          $metadata: {},
          Messages: picked.map((m) => {
            m.visible = false;
            m.receiveCount++;
            m.handle = `h-${++this.handles}`;
            return {
              MessageId: m.id,
              ReceiptHandle: m.handle,
              Body: m.body,
              Attributes: {
                ApproximateReceiveCount: String(m.receiveCount),
                SentTimestamp: '1746273601000',
                ...(m.traceHeader === undefined ? {} : { AWSTraceHeader: m.traceHeader }),
              },
              MessageAttributes: m.attributes ?? {
                origin: { DataType: 'String', StringValue: m.id, StringListValues: [], BinaryListValues: [] },
              },
            };
          }),
        };
      }
      case 'ChangeMessageVisibilityBatchCommand': {
        const entries = input['Entries'] as { Id: string; ReceiptHandle: string }[];
        for (const entry of entries) {
          const message = this.dlq.find((m) => m.handle === entry.ReceiptHandle);
          if (message) message.visible = true;
        }
        return { $metadata: {}, Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
      }
      case 'SendMessageBatchCommand': {
        const entries = input['Entries'] as {
          Id: string;
          MessageBody: string;
          MessageAttributes?: unknown;
          MessageSystemAttributes?: unknown;
        }[];
        this.sendBatches.push(entries.length);
        const rejected = entries.filter((e) => this.rejectSendOf.has(e.MessageBody));
        for (const e of entries)
          if (!rejected.includes(e))
            this.sent.push({
              body: e.MessageBody,
              attributes: e.MessageAttributes,
              ...(e.MessageSystemAttributes === undefined ? {} : { systemAttributes: e.MessageSystemAttributes }),
            });
        return {
          $metadata: {},
          Successful: entries.filter((e) => !rejected.includes(e)).map((e) => ({ Id: e.Id, MessageId: `new-${e.Id}` })),
          Failed: rejected.map((e) => ({
            Id: e.Id,
            Code: 'InvalidMessageContents',
            Message: 'rejected',
            SenderFault: true,
          })),
        };
      }
      case 'DeleteMessageBatchCommand': {
        const entries = input['Entries'] as { Id: string; ReceiptHandle: string }[];
        const failed: { Id: string; Code: string; Message: string; SenderFault: boolean }[] = [];
        for (const entry of entries) {
          const index = this.dlq.findIndex((m) => m.handle === entry.ReceiptHandle);
          const message = this.dlq[index];
          if (message && this.failDeleteOf.has(message.body))
            failed.push({ Id: entry.Id, Code: 'InternalError', Message: 'try later', SenderFault: false });
          else if (index >= 0) this.dlq.splice(index, 1);
        }
        return { $metadata: {}, Successful: [], Failed: failed };
      }
      default:
        throw new Error(`unexpected ${command.name}`);
    }
  };
}

/** What moto answers an action it does not implement: an HTML 500 page the SDK cannot parse. */
export function motoMissingAction(): Error {
  return Object.assign(new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'), {
    $metadata: { httpStatusCode: 500, attempts: 3 },
  });
}

/** AWS's answer to StartMessageMoveTask while a task is active on the same source queue (recorded by LocalStack's AWS-validated tests). */
export function secondTaskRefusal(): Error {
  return new SQSServiceException({
    name: 'InvalidParameterValue',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
  });
}
