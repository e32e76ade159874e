import { performance } from 'node:perf_hooks';
import {
  createDynamoDbClient,
  createSnsClient,
  createSqsClient,
  DlqTools,
  DynamoDbOrderRepository,
  SnsOrderPublisher,
  SqsMessageQueue,
} from '@orders/adapters-aws';
import type { Order } from '@orders/core';
import type { DeadLetterRecord } from '../soak-invariants';
import type { SoakOptions } from '../soak-options';
import type {
  IdentifiedMessages,
  ObservedMessages,
  SoakQueueCounts,
  SoakTarget,
  SoakTargetFactory,
} from '../soak-target';
import type { PlannedMessage } from '../soak-workload';
import { SoakDeadLetters } from './aws-dead-letters';
import { AwsDrainQueue } from './aws-drain-queue';
import { readStoredOrders } from './aws-end-state';
import { SoakNetworkFaults } from './aws-network-faults';
import { AwsSoakPublisher } from './aws-soak-publisher';
import { deleteProvisioned, provisionSoakResources, type SoakResources } from './aws-soak-resources';
import { type AwsSoakSettings, type ResolvedAwsSoakSettings, resolveAwsSoakSettings } from './aws-soak-settings';
import { snakeCaseKeys } from '../summary-keys';
import { MessageIdentities, unwrapSnsEnvelope } from './message-identities';

export {
  type AwsSoakSettings,
  DEFAULT_AWS_SOAK_VISIBILITY_TIMEOUT_SECONDS,
  DEFAULT_EMULATOR_PUBLISH_WINDOW,
} from './aws-soak-settings';

/**
 * The soak on SNS → SQS → DynamoDB: `provisionResources` with the soak's names, a short visibility
 * timeout and its maxReceiveCount; `SnsOrderPublisher.publishBatch` for the producer; the real
 * handler over `SqsMessageQueue` through the local event source mapping, ONE poller; `DlqTools`
 * to list (receive counts) and redrive OrderDLQ; `DynamoDbOrderRepository.findById` for the
 * end state. Delivery order and timing come from the endpoint, so unlike the in-memory target
 * the same seed does not promise the same summary; the invariants hold either way.
 *
 * On an emulator (moto), by default:
 * - ORDERS_CONCURRENCY=1. moto's ReceiveMessage is not thread-safe (hence one poller anyway),
 *   and its conditional PutItem is not atomic for a new key: two concurrent puts of one new
 *   orderId can both pass `attribute_not_exists`, and the older event can win — a stale
 *   overwrite of the emulator's making, which the soak would rightly report. One record at a
 *   time, moto sees every write alone. DynamoDB decides each conditional write atomically, so
 *   against AWS the function's default concurrency stays.
 * - publishing in windows. moto's SQS calls walk the whole queue (receive, send, each delete:
 *   about 0.5 ms per queued message for a receive), so a soak that queues 1,000 messages before
 *   draining spends most of its time in that walk. A producer that runs alongside the consumer
 *   is also what happens in production; the order of the planned messages is kept either way.
 *
 * Setting up takes three steps, each undoing what came before when it fails: the clients, the
 * resources, the network fault proxy (only with a network fault rate).
 */
export function awsSoakTarget(settings: AwsSoakSettings): SoakTargetFactory {
  return async (options: SoakOptions): Promise<SoakTarget> => {
    const resolved = resolveAwsSoakSettings(settings);
    const provisioningStarted = performance.now();
    const clients = createSoakClients(resolved);
    const resources = await provisionSoakResources(
      {
        names: resolved.names,
        maxReceiveCount: options.maxReceiveCount,
        visibilityTimeoutSeconds: resolved.visibilityTimeoutSeconds,
        rawDelivery: options.rawDelivery,
        clients,
      },
      resolved.clientOptions,
    ).catch((error: unknown) => {
      clients.destroy();
      throw error;
    });
    const provisioningMs = Math.round(performance.now() - provisioningStarted);
    const networkFaults =
      resolved.networkFaultRate > 0
        ? await SoakNetworkFaults.start(
            resolved.endpoint,
            resolved.networkFaultRate,
            options.seed,
            resolved.storeClientOptions,
          ).catch(async (error: unknown) => {
            await deleteProvisioned(resources, resolved.clientOptions);
            clients.destroy();
            throw error;
          })
        : undefined;
    return new AwsSoakTarget({ settings: resolved, options, clients, resources, networkFaults, provisioningMs });
  };
}

type SoakClients = ReturnType<typeof createSoakClients>;

/** The soak's own clients; the function's DynamoDB client is another one when there is a fault proxy. */
function createSoakClients({ clientOptions }: ResolvedAwsSoakSettings) {
  const clients = {
    sqs: createSqsClient(clientOptions),
    sns: createSnsClient(clientOptions),
    dynamodb: createDynamoDbClient(clientOptions),
  };
  return {
    ...clients,
    destroy: (): void => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

interface AwsSoakTargetParts {
  readonly settings: ResolvedAwsSoakSettings;
  readonly options: SoakOptions;
  readonly clients: SoakClients;
  readonly resources: SoakResources;
  readonly networkFaults: SoakNetworkFaults | undefined;
  readonly provisioningMs: number;
}

/** The provisioned system as the soak drives it; the publisher and the identities exist once it published. */
class AwsSoakTarget implements SoakTarget {
  readonly kind = 'aws';
  readonly deterministic = false;
  readonly entryEnvironment: Readonly<Record<string, string>>;
  readonly store: DynamoDbOrderRepository;
  readonly queue: AwsDrainQueue;
  readonly queueArn: string;
  readonly now = (): number => Date.now();
  // A long poll ends as soon as a message is there, and asks every SQS server when none is.
  readonly waitTimeSeconds = 1;
  readonly onIdle: () => Promise<boolean>;

  private readonly orderQueue: SqsMessageQueue;
  private readonly deadLetterQueue: SqsMessageQueue;
  private readonly deadLetterListing: SoakDeadLetters;
  /** The end state is read directly; the function's store goes through the fault proxy when there is one. */
  private readonly endStateStore: DynamoDbOrderRepository;
  private readonly storeClient: ReturnType<typeof createDynamoDbClient>;
  private identities: MessageIdentities | undefined;
  private publisher: AwsSoakPublisher | undefined;

  constructor(private readonly parts: AwsSoakTargetParts) {
    const { settings, clients, resources, networkFaults } = parts;
    const { main } = resources;
    this.orderQueue = new SqsMessageQueue({ queueUrl: main.queueUrl, client: clients.sqs });
    this.deadLetterQueue = new SqsMessageQueue({ queueUrl: main.dlqUrl, client: clients.sqs });
    this.endStateStore = new DynamoDbOrderRepository({ client: clients.dynamodb, tableName: main.names.tableName });
    this.storeClient =
      networkFaults === undefined
        ? clients.dynamodb
        : createDynamoDbClient({ ...settings.storeClientOptions, endpoint: networkFaults.endpoint });
    this.store = new DynamoDbOrderRepository({ client: this.storeClient, tableName: main.names.tableName });
    this.deadLetterListing = new SoakDeadLetters(
      new DlqTools({ dlqUrl: main.dlqUrl, sourceQueueUrl: main.queueUrl, client: clients.sqs }),
      this.deadLetterQueue,
      () => this.started().identities,
      settings.notice,
    );
    this.queue = new AwsDrainQueue(this.orderQueue, {
      window: settings.publishWindow,
      idleTimeoutMs: settings.idleTimeoutMs,
      notice: settings.notice,
      run: () => this.started(),
    });
    this.onIdle = this.queue.onIdle;
    this.queueArn = main.queueArn;
    this.entryEnvironment = functionEnvironment(settings, main.names.tableName, parts.options);
  }

  async publish(messages: readonly PlannedMessage[]): Promise<void> {
    const { clients, resources, options, settings } = this.parts;
    this.identities = new MessageIdentities(messages, options.rawDelivery ? (body) => body : unwrapSnsEnvelope);
    this.publisher = new AwsSoakPublisher(messages, {
      publisher: new SnsOrderPublisher({ topicArn: resources.main.topicArn, client: clients.sns }),
      queue: this.orderQueue,
      tap:
        resources.tap === undefined
          ? undefined
          : new SqsMessageQueue({ queueUrl: resources.tap.queueUrl, client: clients.sqs }),
      rawDelivery: options.rawDelivery,
    });
    await this.publisher.publishNext(settings.publishWindow === 0 ? messages.length : settings.publishWindow);
  }

  async counts(): Promise<SoakQueueCounts> {
    const [onQueue, dead] = await Promise.all([this.orderQueue.depth(), this.deadLetterQueue.depth()]);
    const unpublished = this.publisher?.remaining ?? 0;
    return {
      onQueue: onQueue.visible + onQueue.inFlight + onQueue.delayed + unpublished,
      inDeadLetterQueue: dead.visible + dead.inFlight,
    };
  }

  deadLetters(): Promise<readonly DeadLetterRecord[]> {
    return this.deadLetterListing.list();
  }

  redrive(): Promise<number> {
    // The soak redrives with its faults off: the network's too.
    this.parts.networkFaults?.stop();
    return this.deadLetterListing.redrive();
  }

  storedOrders(expected: ReadonlyMap<string, Order>): Promise<ReadonlyMap<string, Order>> {
    return readStoredOrders(this.endStateStore, this.parts.clients.dynamodb, expected);
  }

  identify(observed: ObservedMessages): IdentifiedMessages {
    return this.started().identities.identify(observed);
  }

  describe(): Readonly<Record<string, unknown>> {
    const { settings, resources, networkFaults, provisioningMs } = this.parts;
    const { main, tap } = resources;
    return {
      kind: 'aws',
      endpoint: settings.endpoint ?? 'AWS (no custom endpoint)',
      region: settings.region ?? null,
      resources: snakeCaseKeys({ ...main.names, ...(tap ? { tapQueueName: tap.names.queueName } : {}) }),
      resources_kept: settings.keep,
      provisioning_ms: provisioningMs,
      visibility_timeout_seconds: settings.visibilityTimeoutSeconds,
      handler_concurrency: settings.handlerConcurrency ?? 'default',
      pollers: 1,
      publish_window: settings.publishWindow === 0 ? 'everything before the drain' : settings.publishWindow,
      deterministic: false,
      published_to_topic: this.publisher?.publishedToTopic ?? 0,
      sent_to_queue_as_sns_redelivery: this.publisher?.sentToQueue ?? 0,
      extra_deliveries: this.identities?.extraDeliveries ?? 0,
      never_delivered: this.identities?.neverDelivered ?? 0,
      dead_letters: this.deadLetterListing.describe(),
      ...(networkFaults === undefined ? {} : { network_faults: networkFaults.describe() }),
    };
  }

  /** Deletes what the soak created (or says what it kept), then releases the proxy and the clients. */
  async close(): Promise<void> {
    const { settings, clients, resources, networkFaults } = this.parts;
    try {
      if (settings.keep) {
        const { main, tap } = resources;
        const queues = [main.queueUrl, main.dlqUrl, ...(tap ? [tap.queueUrl, tap.dlqUrl] : [])];
        settings.notice(`kept: table ${main.names.tableName}, topic ${main.topicArn}, queues ${queues.join(', ')}`);
        return;
      }
      const report = await deleteProvisioned(resources, settings.clientOptions);
      for (const failure of report.failed)
        settings.notice(`could not delete ${failure.resource}: ${failure.message} — delete it by hand`);
    } finally {
      await networkFaults?.close();
      if (this.storeClient !== clients.dynamodb) this.storeClient.destroy();
      clients.destroy();
    }
  }

  private started(): { identities: MessageIdentities; publisher: AwsSoakPublisher } {
    if (this.identities === undefined || this.publisher === undefined) {
      throw new Error('soak bug: nothing was published yet');
    }
    return { identities: this.identities, publisher: this.publisher };
  }
}

/** The environment the function gets (`readEntryConfig`), as a deployed function would. */
function functionEnvironment(
  settings: ResolvedAwsSoakSettings,
  tableName: string,
  options: SoakOptions,
): Record<string, string> {
  return {
    ORDERS_TABLE_NAME: tableName,
    ...(settings.region === undefined ? {} : { AWS_REGION: settings.region }),
    ...(settings.endpoint === undefined ? {} : { AWS_ENDPOINT_URL: settings.endpoint }),
    ...(settings.handlerConcurrency === undefined ? {} : { ORDERS_CONCURRENCY: String(settings.handlerConcurrency) }),
    // Paced retries scaled to the soak's short visibility timeout: the same shape, in seconds, not hours.
    ORDERS_RETRY_BASE_DELAY_SECONDS: String(settings.visibilityTimeoutSeconds),
    ORDERS_RETRY_BACKOFF_FACTOR: '1',
    ORDERS_RETRY_JITTER: '0',
    ORDERS_MAX_RECEIVE_COUNT: String(options.maxReceiveCount),
  };
}
