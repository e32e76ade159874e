import { TemplateError } from '../errors';
import { resourcesOfType, type SynthesizedStack } from './cloud-assembly';
import type { FunctionDefinition } from './function-definition';

/** An SQS event source mapping of a function, with Lambda's defaults filled in. */
export interface SqsEventSourceDefinition {
  readonly logicalId: string;
  readonly queue: QueueDefinition;
  /** Records per invocation (Lambda: 1–10,000; above 10 needs a batching window). */
  readonly batchSize: number;
  /** How long Lambda gathers records before invoking with fewer than batchSize, in seconds. */
  readonly maximumBatchingWindowSeconds: number;
  /** `FunctionResponseTypes: [ReportBatchItemFailures]`: only then does a partial batch response count. */
  readonly reportBatchItemFailures: boolean;
  /** ScalingConfig.MaximumConcurrency, when set. */
  readonly maximumConcurrency?: number;
  readonly enabled: boolean;
}

/** The SQS queue an event source reads, as the template creates it. */
export interface QueueDefinition {
  readonly logicalId: string;
  readonly queueName: string;
  /** SQS's default is 30 s. */
  readonly visibilityTimeoutSeconds: number;
  /** From the RedrivePolicy, when the queue has a dead-letter queue. */
  readonly maxReceiveCount?: number;
  readonly deadLetterQueueName?: string;
}

/** The function's one SQS event source mapping (an error if it has none or several). */
export function readSqsEventSource(stack: SynthesizedStack, fn: FunctionDefinition): SqsEventSourceDefinition {
  const mappings = resourcesOfType(stack.template, 'AWS::Lambda::EventSourceMapping').filter(([, resource]) => {
    const target = resource.Properties?.['FunctionName'];
    return target === fn.functionName || refersTo(target, fn.logicalId);
  });
  const sqs = mappings.flatMap(([logicalId, resource]) => {
    const source = resource.Properties?.['EventSourceArn'];
    const queueId = getAttArnOf(source);
    const queue = queueId === undefined ? undefined : stack.template.Resources?.[queueId];
    return queue?.Type === 'AWS::SQS::Queue' && queueId !== undefined
      ? [{ logicalId, properties: resource.Properties ?? {}, queue: readQueue(stack, queueId) }]
      : [];
  });
  if (sqs.length !== 1) {
    throw new TemplateError(
      sqs.length === 0 ? 'event_source_missing' : 'event_source_ambiguous',
      `${stack.templatePath}: function ${fn.logicalId} has ${sqs.length} SQS event source mappings whose queue the template creates; exactly one is needed`,
    );
  }
  const [{ logicalId, properties, queue }] = sqs as [(typeof sqs)[number]];
  const scaling = properties['ScalingConfig'] as { MaximumConcurrency?: unknown } | undefined;
  const responseTypes = properties['FunctionResponseTypes'];
  return {
    logicalId,
    queue,
    batchSize: typeof properties['BatchSize'] === 'number' ? properties['BatchSize'] : 10,
    maximumBatchingWindowSeconds:
      typeof properties['MaximumBatchingWindowInSeconds'] === 'number'
        ? properties['MaximumBatchingWindowInSeconds']
        : 0,
    reportBatchItemFailures: Array.isArray(responseTypes) && responseTypes.includes('ReportBatchItemFailures'),
    ...(typeof scaling?.MaximumConcurrency === 'number' ? { maximumConcurrency: scaling.MaximumConcurrency } : {}),
    enabled: properties['Enabled'] !== false,
  };
}

export function readQueue(stack: SynthesizedStack, logicalId: string): QueueDefinition {
  const properties = stack.template.Resources?.[logicalId]?.Properties ?? {};
  const queueName = properties['QueueName'];
  if (typeof queueName !== 'string') {
    throw new TemplateError(
      'queue_unnamed',
      `${stack.templatePath}: queue ${logicalId} has no QueueName, so its name is only known once deployed`,
    );
  }
  const redrive = properties['RedrivePolicy'] as
    | { maxReceiveCount?: unknown; deadLetterTargetArn?: unknown }
    | undefined;
  const dlqId = getAttArnOf(redrive?.deadLetterTargetArn);
  const dlqName = dlqId === undefined ? undefined : stack.template.Resources?.[dlqId]?.Properties?.['QueueName'];
  const maxReceiveCount = Number(redrive?.maxReceiveCount);
  return {
    logicalId,
    queueName,
    visibilityTimeoutSeconds:
      typeof properties['VisibilityTimeout'] === 'number' ? properties['VisibilityTimeout'] : 30,
    ...(Number.isInteger(maxReceiveCount) && maxReceiveCount > 0 ? { maxReceiveCount } : {}),
    ...(typeof dlqName === 'string' ? { deadLetterQueueName: dlqName } : {}),
  };
}

function refersTo(value: unknown, logicalId: string): boolean {
  return (value as { Ref?: unknown } | null)?.Ref === logicalId || getAttArnOf(value) === logicalId;
}

function getAttArnOf(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | null)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}
