/**
 * @orders/testkit — what the tests share: the OrderRepository contract suite every adapter runs,
 * order histories for property tests, Lambda-shaped SQS records and events, and a logger that
 * records. The integration harness (moto or LocalStack) is `src/integration`, which Jest's global
 * setup loads and integration suites import by path. Order generators and the fault proxy, which
 * the CLI runs too, are in @orders/simulation; a Lambda context is @orders/lambda-local's.
 */
export { sampleOrder } from './orders';
export { rawBody, snsEnvelopeBody, sqsEvent, sqsRecord, TEST_QUEUE_ARN, TEST_TOPIC_ARN } from './sqs-events';
export {
  describeOrderRepositoryContract,
  type LegacyOrderItem,
  permutations,
  type RepositoryUnderTest,
  timed,
} from './order-repository-contract';
export { type LogCall, RecordingLogger } from './recording-logger';
export { acceptingDynamoDb, type RecordedDynamoDbItem } from './accepting-dynamodb';
export { recordSpansPerTest, type SpanRecording, startSpanRecording } from './span-recording';
export { type ChildRun, type ChildRunOptions, runToExit } from './child-process';
export { deliveryPlan, expectedFinalTable, orderEventHistories, spellInstant } from './order-histories';
export {
  type OtlpCollector,
  type OtlpCollectorOptions,
  type OtlpExportRequest,
  startOtlpCollector,
} from './otlp/otlp-collector';
export {
  decodeTraceRequest,
  type ExportedAttributes,
  type ExportedLink,
  type ExportedSpan,
  type ExportedSpanKind,
  type ExportedValue,
  type OtlpEncoding,
} from './otlp/exported-spans';
