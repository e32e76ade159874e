import { DEFAULT_RESOURCE_NAMES } from '@orders/adapters-aws';
import type { JsonObject } from './json-value';
import { majorOf, orderSchemaId, orderSchemaPath } from './order-json-schema';

/**
 * The queues' settings as the stack (infra/src/stack) and `orders provision` create them; a unit
 * test holds these against both, so the document cannot describe a setup nobody deploys.
 */
export const DELIVERY_FACTS = {
  maxReceiveCount: 3,
  /** 6 × the function's 30 s timeout (+ a 0 s batching window). */
  queueVisibilityTimeoutSeconds: 180,
  /** SQS's default, and the stack's queueRetention. */
  queueRetentionSeconds: 4 * 24 * 60 * 60,
  /** The most SQS keeps a message: dead letters wait for an operator. */
  deadLetterRetentionSeconds: 14 * 24 * 60 * 60,
} as const;

const ref = (path: string): JsonObject => ({ $ref: path });

/** The SNS message attributes a publisher sets (adapters-aws' SnsOrderPublisher), for filter policies. */
function messageAttributes(statuses: readonly string[]): JsonObject {
  return {
    type: 'object',
    description:
      'SNS message attributes (DataType String), set by the publisher so subscriptions can filter without ' +
      'parsing the body. Optional: the body is the truth, and consumers never require them.',
    properties: {
      orderId: { type: 'string', description: "The body's orderId." },
      status: { type: 'string', enum: [...statuses], description: "The body's status." },
    },
  };
}

/** The body SNS puts on a queue when raw message delivery is off (the default here). */
const SNS_ENVELOPE_SCHEMA: JsonObject = {
  type: 'object',
  description:
    'The SNS notification envelope: the order is the Message string. Consumers read Type, MessageId and ' +
    'Message; the rest is what SNS always sends.',
  required: ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp'],
  properties: {
    Type: { type: 'string', const: 'Notification' },
    MessageId: { type: 'string', description: 'SNS keeps it across its own retries: a duplicate has the same one.' },
    TopicArn: { type: 'string' },
    Message: {
      type: 'string',
      contentMediaType: 'application/json',
      description: 'The order JSON (components.schemas.Order), as a string.',
    },
    Timestamp: { type: 'string', format: 'date-time' },
    SignatureVersion: { type: 'string' },
    Signature: { type: 'string' },
    SigningCertURL: { type: 'string' },
    UnsubscribeURL: { type: 'string' },
    MessageAttributes: {
      type: 'object',
      description: 'The message attributes, each as {"Type": "String", "Value": …}.',
      additionalProperties: {
        type: 'object',
        properties: { Type: { type: 'string' }, Value: { type: 'string' } },
      },
    },
  },
};

/** A standard queue as the sqs channel binding (0.2.0) describes one. */
function queueBinding(name: string, retentionSeconds: number, extra: JsonObject = {}): JsonObject {
  return { name, fifoQueue: false, messageRetentionPeriod: retentionSeconds, ...extra };
}

/**
 * The AsyncAPI 3.0 document for the order path, built around the order schema: OrderTopic (SNS),
 * OrderQueue (SQS, SNS envelope or raw delivery) with OrderDLQ after maxReceiveCount receives, and
 * OrderSubscriptionDLQ for what SNS could not deliver.
 */
export function buildOrderAsyncApi(orderSchema: JsonObject): JsonObject {
  const version = String(orderSchema['version']);
  const major = majorOf(version);
  const names = DEFAULT_RESOURCE_NAMES;
  const statuses = (orderSchema['properties'] as { status: { enum: string[] } }).status.enum;
  // The payload inline (what a reader of this one file needs), without the keywords that would
  // make it a separate resource: AsyncAPI's schema dialect is its own, and the file is the $id's home.
  const { $schema: _dialect, $id: _id, ...inlineSchema } = orderSchema;
  const { maxReceiveCount } = DELIVERY_FACTS;
  const redrive = { deadLetterQueue: { name: names.dlqName }, maxReceiveCount };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Order events',
      version,
      description:
        `How producers publish orders and what the OrderProcessor consumes. The order payload is the JSON Schema ` +
        `${orderSchemaPath(major)} (${orderSchemaId(major)}), inlined here as components.schemas.Order. ` +
        'Generated from @orders/core by `pnpm contract:update`; do not edit by hand.',
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    channels: {
      OrderTopic: {
        address: names.topicName,
        title: 'Order topic',
        description:
          'Producers publish one order per message. Every subscriber receives every order; OrderQueue is the ' +
          "OrderProcessor's subscription.",
        messages: { order: ref('#/components/messages/Order') },
        bindings: { sns: { name: names.topicName, ordering: { type: 'standard' }, bindingVersion: '0.1.0' } },
      },
      OrderQueue: {
        address: names.queueName,
        title: 'Order queue',
        description:
          'Subscribed to OrderTopic. A body is the SNS envelope (raw message delivery off, the default) or, ' +
          `with raw delivery, the order itself. After ${maxReceiveCount} receives without success a message ` +
          `moves to ${names.dlqName}. Delivery is at least once and unordered: consumers must be idempotent.`,
        messages: {
          orderNotification: ref('#/components/messages/OrderNotification'),
          order: ref('#/components/messages/Order'),
        },
        bindings: {
          sqs: {
            queue: queueBinding(names.queueName, DELIVERY_FACTS.queueRetentionSeconds, {
              visibilityTimeout: DELIVERY_FACTS.queueVisibilityTimeoutSeconds,
              redrivePolicy: redrive,
            }),
            deadLetterQueue: queueBinding(names.dlqName, DELIVERY_FACTS.deadLetterRetentionSeconds),
            bindingVersion: '0.2.0',
          },
        },
      },
      OrderDLQ: {
        address: names.dlqName,
        title: 'Order dead-letter queue',
        description:
          `What OrderQueue gave up on after ${maxReceiveCount} receives, unchanged (the body as it was on ` +
          'OrderQueue, valid or not). An operator inspects and redrives it (`orders dlq`).',
        messages: {
          orderNotification: ref('#/components/messages/OrderNotification'),
          order: ref('#/components/messages/Order'),
        },
        bindings: {
          sqs: {
            queue: queueBinding(names.dlqName, DELIVERY_FACTS.deadLetterRetentionSeconds),
            bindingVersion: '0.2.0',
          },
        },
      },
      OrderSubscriptionDLQ: {
        address: names.subscriptionDlqName,
        title: "The subscription's dead-letter queue",
        description:
          'Notifications SNS could not deliver to OrderQueue (a broken queue policy, a deleted queue), kept instead ' +
          'of dropped after SNS gives up.',
        messages: { orderNotification: ref('#/components/messages/OrderNotification') },
        bindings: {
          sqs: {
            queue: queueBinding(names.subscriptionDlqName, DELIVERY_FACTS.deadLetterRetentionSeconds),
            bindingVersion: '0.2.0',
          },
        },
      },
    },
    operations: {
      publishOrder: {
        action: 'send',
        channel: ref('#/channels/OrderTopic'),
        title: 'Publish an order',
        summary: 'A producer publishes an order event (a new order, or a later status of it).',
        messages: [ref('#/channels/OrderTopic/messages/order')],
        bindings: {
          sns: {
            topic: { name: names.topicName },
            consumers: [
              {
                protocol: 'sqs',
                endpoint: { name: names.queueName },
                rawMessageDelivery: false,
                redrivePolicy: { deadLetterQueue: { name: names.subscriptionDlqName } },
              },
            ],
            bindingVersion: '0.1.0',
          },
        },
      },
      processOrder: {
        action: 'receive',
        channel: ref('#/channels/OrderQueue'),
        title: 'Store an order',
        summary:
          'The OrderProcessor stores each order in DynamoDB (the newest event per orderId wins); an invalid ' +
          `message is reported failed and reaches ${names.dlqName}.`,
        messages: [
          ref('#/channels/OrderQueue/messages/orderNotification'),
          ref('#/channels/OrderQueue/messages/order'),
        ],
      },
      inspectDeadLetters: {
        action: 'receive',
        channel: ref('#/channels/OrderDLQ'),
        title: 'Inspect and redrive dead letters',
        messages: [ref('#/channels/OrderDLQ/messages/orderNotification'), ref('#/channels/OrderDLQ/messages/order')],
      },
    },
    components: {
      schemas: {
        Order: inlineSchema,
        OrderAttributes: messageAttributes(statuses),
        SnsNotificationEnvelope: SNS_ENVELOPE_SCHEMA,
      },
      messages: {
        Order: {
          name: 'Order',
          title: 'Order event',
          summary: 'One order event: the body a producer publishes, and the SQS body with raw delivery.',
          contentType: 'application/json',
          headers: ref('#/components/schemas/OrderAttributes'),
          payload: ref('#/components/schemas/Order'),
        },
        OrderNotification: {
          name: 'OrderNotification',
          title: 'Order event in an SNS envelope',
          summary: "The SQS body with raw message delivery off: the order is the envelope's Message.",
          contentType: 'application/json',
          payload: ref('#/components/schemas/SnsNotificationEnvelope'),
        },
      },
    },
  };
}
