import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/** The instrumentation scope of the repository's spans. */
export const DYNAMODB_TRACER_NAME = '@orders/adapters-aws/dynamodb-order-repository';

/** What the end of one PutItem says about it. */
export type PutItemEnd =
  | { readonly result: 'written' }
  /** The ordering condition refused the write (a duplicate, stale or lost event): an answer, not an error. */
  | { readonly result: 'condition_failed' }
  | { readonly result: 'failed'; readonly code: string };

/** The PutItem span, when there is one: told of throttled attempts, then ended once. */
export interface PutItemSpan {
  /** Whether a span is being recorded (false: every call is a no-op). */
  readonly recording: boolean;
  throttledAttempt(): void;
  end(how: PutItemEnd): void;
}

const NO_SPAN: PutItemSpan = { recording: false, throttledAttempt: () => undefined, end: () => undefined };

/**
 * A CLIENT span `PutItem <table>` for one conditional write, with OpenTelemetry's database and AWS
 * SDK attributes (`db.system.name` `aws.dynamodb`, operation `PutItem`, the table). Only as the
 * child of a span being recorded (the record's process span): a save outside one, or with tracing
 * off, costs nothing here. A refused condition is how the ordering rule answers (duplicate, stale,
 * conflict), so it is an attribute, not an error; any other failure sets status ERROR and
 * `error.type`; each attempt DynamoDB throttled is an event.
 */
export function startPutItemSpan(tableName: string): PutItemSpan {
  const parent = trace.getSpan(context.active());
  if (parent === undefined || !parent.isRecording()) return NO_SPAN;
  const span = trace.getTracer(DYNAMODB_TRACER_NAME).startSpan(`PutItem ${tableName}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'aws.dynamodb',
      // The attribute's name before the database conventions were stabilised, which many backends still read.
      'db.system': 'aws.dynamodb',
      'db.operation.name': 'PutItem',
      'db.collection.name': tableName,
      'aws.dynamodb.table_names': [tableName],
      'rpc.system': 'aws-api',
      'rpc.service': 'DynamoDB',
      'rpc.method': 'PutItem',
    },
  });
  return new RecordedPutItemSpan(span);
}

class RecordedPutItemSpan implements PutItemSpan {
  readonly recording = true;
  constructor(private readonly span: Span) {}

  throttledAttempt(): void {
    this.span.addEvent('throttled');
  }

  end(how: PutItemEnd): void {
    if (how.result === 'condition_failed') this.span.setAttribute('orders.write_condition_failed', true);
    if (how.result === 'failed') {
      this.span.setAttribute('error.type', how.code);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: how.code });
    }
    this.span.end();
  }
}
