/**
 * @orders/core — the order-processing domain, free of AWS, of any DI framework and of I/O,
 * so that any service (a Lambda, a container, a test) can reuse it. Start from `ProcessOrderBatch`:
 * give it an `OrderRepository` (the DynamoDB or in-memory adapter, or your own, checked by
 * @orders/testkit's contract suite) and a batch of messages; it says what became of each.
 */

// The order: its fields and limits, validation, and its canonical JSON.
export {
  type Order,
  ORDER_FIELDS,
  ORDER_LIMITS,
  ORDER_STATUSES,
  type OrderStatus,
  pickOrderFields,
  sameOrderFields,
  type TimedOrder,
} from './domain/order';
export { ORDER_FIELD_RULES, type OrderFieldRule } from './domain/order-field-rules';
export { type OrderValidationResult, validateOrder } from './domain/validate-order';
export type { ProblemCode, ValidationProblem } from './domain/validation-problem';
export { serializeOrder } from './domain/serialize-order';

// Time: RFC 3339 instants to the nanosecond, compared as instants, never as text.
export {
  compareInstants,
  type Instant,
  instantFromDecimalSeconds,
  type InstantParseResult,
  instantToDecimalSeconds,
  MAX_FRACTION_DIGITS,
  parseRfc3339Instant,
} from './domain/instant';

// Which event wins: one total order over events (time, then status, quantity, user, item, spelling).
export {
  compareCodePoints,
  compareOrderEvents,
  CONTENT_FIELDS,
  type ContentField,
  differingContentFields,
  greatestEvent,
  statusesRankedBelow,
  TIE_BREAK_FIELDS,
  type TieBreakField,
} from './domain/event-order';
export {
  decideSave,
  legacyOrderState,
  type SaveDecision,
  type SaveOutcome,
  type SaveResult,
  type StoredOrderState,
} from './domain/save-decision';

// Messages: an SQS body decoded (SNS envelope or raw), and what became of it.
export type { InboundMessage } from './messages/inbound-message';
export {
  decodeOrderMessage,
  type DecodeResult,
  type Delivery,
  MAX_BODY_BYTES,
  MAX_ORDER_BYTES,
} from './messages/decode-message';
export { type SnsEnvelopeOptions, type SnsNotificationEnvelope, wrapInSnsNotification } from './messages/sns-envelope';
export { type FailureTally, MESSAGE_STATUSES, type MessageStatus } from './messages/message-status';

// Trace context: the producer's trace a record continues (W3C from SNS or SQS attributes, X-Ray's
// AWSTraceHeader), parsed strictly, with no tracing library.
export {
  extractProducerTraceContext,
  type IgnoredTraceContext,
  isTraceId,
  MAX_TRACESTATE_LENGTH,
  parseAwsTraceHeader,
  parseTraceparent,
  type ProducerTraceContext,
  TRACEPARENT,
  TRACESTATE,
  type TraceContextSource,
  type TraceHeaderParse,
  type W3cTraceFields,
} from './messages/trace-context';

// Ports: what the use case needs of the world, each an interface (the container's ones with a token).
export { ORDER_REPOSITORY, type OrderRepository, type SaveOptions } from './ports/order-repository';
export { type LogFields, type Logger, LOGGER, type LogLevel, type LogValue, silentLogger } from './ports/logger';
export { type BatchMetrics, METRICS_RECORDER, type MetricsRecorder } from './ports/metrics';
export { type Clock, CLOCK, systemClock } from './ports/clock';
export type { AbortSignalLike } from './ports/abort-signal';
export type {
  DeleteFailure,
  MessageQueue,
  MessageVisibility,
  QueueDepth,
  ReceivedMessage,
  ReceiveOptions,
  VisibilityChange,
  VisibilityChangeFailure,
} from './ports/message-queue';
export type { Scheduler } from './ports/scheduler';
export {
  noRecordTracing,
  type RecordTrace,
  type RecordTraceEnd,
  type RecordTraceStart,
  type RecordTracing,
} from './ports/record-tracing';
export type { OrderEventPublisher, OutboundOrderMessage, PublishFailure } from './ports/order-event-publisher';

// Errors: a stable code, a failure class (transient or systemic), a message that never echoes input.
export {
  describeError,
  type ErrorDescription,
  type ErrorLogFields,
  errorLogFields,
  type FailureClass,
  InfrastructureError,
  type InfrastructureErrorOptions,
  type InfrastructureFailureClass,
  isThrottled,
  RepositoryUnavailableError,
  THROTTLED_ERROR_CODE,
} from './errors/infrastructure-error';

// The use case: a batch decoded, validated and stored, one outcome per message.
export {
  type BatchContext,
  type BatchResult,
  type Deferral,
  DEFAULT_CONCURRENCY,
  ProcessOrderBatch,
  type ProcessOrderBatchDependencies,
  type ProcessOrderBatchOptions,
  type WriteConcurrency,
} from './application/process-order-batch';
export {
  type AcknowledgedOutcome,
  type FailedOutcome,
  failureClassOf,
  type InvalidOutcome,
  isDeferred,
  isFailure,
  type MessageOutcome,
  outcomeErrorCode,
  tallyFailures,
} from './application/message-outcome';

// Writes under pressure: AIMD on the saves in flight, so a throttling store is not hammered.
export {
  AdaptiveConcurrency,
  type AdaptiveConcurrencyOptions,
  type ConcurrencyChange,
  DEFAULT_CONCURRENCY_INCREASE_INTERVAL_MS,
} from './application/adaptive-concurrency';

// Retries paced by why they failed, so an outage outlasts the DLQ's receive count.
export {
  deadLetterTimeline,
  type DeadLetterTimeline,
  DEFAULT_RETRY_PACING,
  fixedRetryDelay,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
  type MaxDelayBeyondSqs,
  maxDelayBeyondSqs,
  pacingWithinVisibilityLimit,
  RETRY_PACING_ENVIRONMENT,
  retryDelaySeconds,
  retryPacingFromEnvironment,
  type RetryPacingOptions,
  retryPacingProblems,
  type RetryPacingSettings,
  VISIBILITY_LIMIT_SAFETY_SECONDS,
  visibilityLeftSeconds,
} from './application/retry-pacing';
export {
  type FailedDelivery,
  paceRetries,
  type PaceRetriesOptions,
  type PacingReport,
} from './application/pace-retries';

// The long-running consumer: the same use case on a queue outside Lambda (`orders consume`).
export { DRAINING_WAIT_SECONDS, messagesLeft } from './application/messages-left';
export type { ConsumerObserver, DeletesFailed } from './application/consumer/consumer-observer';
export type { ReceiveFailing } from './application/consumer/receive-failures';
export {
  type ConsumerReport,
  QueueConsumer,
  type QueueConsumerDependencies,
  type QueueConsumerOptions,
} from './application/queue-consumer';
