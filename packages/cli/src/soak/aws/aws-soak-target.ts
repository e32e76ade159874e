import { performance } from 'node:perf_hooks';
import {
  createDynamoDbClient,
  createSnsClient,
  createSqsClient,
  DlqTools,
  DynamoDbOrderRepository,
  SnsOrderPublisher,
  SqsMessageQueue,
  type AwsClientOptions,
  type ResourceNames,
} from '@orders/adapters-aws';
import type { SoakOptions } from '../soak-options';
import type { SoakTarget, SoakTargetFactory } from '../soak-target';
import { SoakDeadLetters } from './aws-dead-letters';
import { SoakNetworkFaults } from './aws-network-faults';
import { AwsDrainQueue } from './aws-drain-queue';
import { reachesRealAws } from './aws-endpoint';
import { readStoredOrders } from './aws-end-state';
import { AwsSoakPublisher } from './aws-soak-publisher';
import { deleteProvisioned, provisionSoakResources, soakResourceNames } from './aws-soak-resources';
import { MessageIdentities, unwrapSnsEnvelope } from './message-identities';

export interface AwsSoakSettings {
  /** The endpoint (moto, LocalStack); undefined means AWS itself. */
  readonly endpoint: string | undefined;
  readonly region: string | undefined;
  /** Must be true to run against AWS itself: the soak creates (billed) resources there. */
  readonly allowRealAws?: boolean;
  /** Default: fresh `…-soak-<time><random>` names. */
  readonly names?: ResourceNames;
  /** Leave the resources in place at the end (default: delete them). */
  readonly keep?: boolean;
  /** OrderQueue's visibility timeout: how soon a failed message comes back. Default 1 s. */
  readonly visibilityTimeoutSeconds?: number;
  /** The use case's ORDERS_CONCURRENCY. Default: 1 on an emulator (see below), the function's default on AWS. */
  readonly handlerConcurrency?: number;
  /**
   * Publish this many messages before the drain starts, and the rest while it runs, keeping about
   * that many unsettled on OrderQueue. 0: publish everything first, as the in-memory soak does.
   * Default: 100 on an emulator (see below), 0 on AWS.
   */
  readonly publishWindow?: number;
  /** Give up on a drain when OrderQueue holds messages but none was received for this long. Default 30 s + 2 visibility timeouts. */
  readonly idleTimeoutMs?: number;
  /** Told what the operator should know (resources kept or left behind, redrive failures). */
  readonly onNotice?: (message: string) => void;
  /**
   * Probability that one of the function's DynamoDB calls meets a network fault (a reset, a lost
   * answer, a 5xx, throttling, a late answer, a hang, a stalled body), through a fault-injecting
   * proxy in front of the emulator; off for the redrive, like the store faults. Default 0.
   */
  readonly networkFaultRate?: number;
  /** Client settings of the function's DynamoDB client (e.g. a shorter request timeout for a quick soak). */
  readonly storeClientOptions?: Pick<AwsClientOptions, 'requestTimeoutMs' | 'maxAttempts'>;
}

export const DEFAULT_AWS_SOAK_VISIBILITY_TIMEOUT_SECONDS = 1;
export const DEFAULT_EMULATOR_PUBLISH_WINDOW = 100;

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
 */
export function awsSoakTarget(settings: AwsSoakSettings): SoakTargetFactory {
  return async (options: SoakOptions): Promise<SoakTarget> => {
    const realAws = reachesRealAws(settings.endpoint);
    if (realAws && settings.allowRealAws !== true) {
      throw new Error(
        'refusing to soak AWS itself (no emulator endpoint is set): it creates billed resources; pass --i-know-this-is-real-aws to do it anyway',
      );
    }
    const provisioningStarted = performance.now();
    const clientOptions: AwsClientOptions = {
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
      ...(settings.region === undefined ? {} : { region: settings.region }),
    };
    const clients = {
      sqs: createSqsClient(clientOptions),
      sns: createSnsClient(clientOptions),
      dynamodb: createDynamoDbClient(clientOptions),
    };
    const destroyClients = (): void => {
      for (const client of Object.values(clients)) client.destroy();
    };
    const networkFaultRate = settings.networkFaultRate ?? 0;
    if (!(networkFaultRate >= 0 && networkFaultRate <= 1))
      throw new RangeError(`networkFaultRate must be from 0 to 1, got ${networkFaultRate}`);
    const visibilityTimeoutSeconds = settings.visibilityTimeoutSeconds ?? DEFAULT_AWS_SOAK_VISIBILITY_TIMEOUT_SECONDS;
    const concurrency = settings.handlerConcurrency ?? (realAws ? undefined : 1);
    const window = settings.publishWindow ?? (realAws ? 0 : DEFAULT_EMULATOR_PUBLISH_WINDOW);
    const notice = settings.onNotice ?? (() => undefined);

    const resources = await provisionSoakResources(
      {
        names: settings.names ?? soakResourceNames(),
        maxReceiveCount: options.maxReceiveCount,
        visibilityTimeoutSeconds,
        rawDelivery: options.rawDelivery,
        clients,
      },
      clientOptions,
    ).catch((error: unknown) => {
      destroyClients();
      throw error;
    });
    const provisioningMs = Math.round(performance.now() - provisioningStarted);
    const { main } = resources;
    const queue = new SqsMessageQueue({ queueUrl: main.queueUrl, client: clients.sqs });
    const deadLetterQueue = new SqsMessageQueue({ queueUrl: main.dlqUrl, client: clients.sqs });
    // The end state is read directly; the function's store goes through the fault proxy when there is one.
    const endStateStore = new DynamoDbOrderRepository({ client: clients.dynamodb, tableName: main.names.tableName });
    const storeClientOptions = { ...clientOptions, ...settings.storeClientOptions };
    const networkFaults =
      networkFaultRate > 0
        ? await SoakNetworkFaults.start(settings.endpoint, networkFaultRate, options.seed, storeClientOptions).catch(
            async (error: unknown) => {
              await deleteProvisioned(resources, clientOptions);
              destroyClients();
              throw error;
            },
          )
        : undefined;
    const storeClient =
      networkFaults === undefined
        ? clients.dynamodb
        : createDynamoDbClient({ ...storeClientOptions, endpoint: networkFaults.endpoint });
    const store = new DynamoDbOrderRepository({ client: storeClient, tableName: main.names.tableName });

    let identities: MessageIdentities | undefined;
    let publisher: AwsSoakPublisher | undefined;
    const started = (): { identities: MessageIdentities; publisher: AwsSoakPublisher } => {
      if (identities === undefined || publisher === undefined) throw new Error('soak bug: nothing was published yet');
      return { identities, publisher };
    };
    const deadLetters = new SoakDeadLetters(
      new DlqTools({ dlqUrl: main.dlqUrl, sourceQueueUrl: main.queueUrl, client: clients.sqs }),
      deadLetterQueue,
      () => started().identities,
      notice,
    );

    const drainQueue = new AwsDrainQueue(queue, {
      window,
      idleTimeoutMs: settings.idleTimeoutMs ?? 30_000 + 2_000 * visibilityTimeoutSeconds,
      notice,
      run: started,
    });

    return {
      kind: 'aws',
      deterministic: false,
      entryEnvironment: {
        ORDERS_TABLE_NAME: main.names.tableName,
        ...(settings.region === undefined ? {} : { AWS_REGION: settings.region }),
        ...(settings.endpoint === undefined ? {} : { AWS_ENDPOINT_URL: settings.endpoint }),
        ...(concurrency === undefined ? {} : { ORDERS_CONCURRENCY: String(concurrency) }),
        // Paced retries scaled to the soak's short visibility timeout: the same shape, in seconds, not hours.
        ORDERS_RETRY_BASE_DELAY_SECONDS: String(visibilityTimeoutSeconds),
        ORDERS_RETRY_BACKOFF_FACTOR: '1',
        ORDERS_RETRY_JITTER: '0',
        ORDERS_MAX_RECEIVE_COUNT: String(options.maxReceiveCount),
      },
      store,
      queue: drainQueue,
      queueArn: main.queueArn,
      now: () => Date.now(),
      // A long poll ends as soon as a message is there, and asks every SQS server when none is.
      waitTimeSeconds: 1,
      onIdle: drainQueue.onIdle,
      publish: async (messages) => {
        identities = new MessageIdentities(messages, options.rawDelivery ? (body) => body : unwrapSnsEnvelope);
        publisher = new AwsSoakPublisher(messages, {
          publisher: new SnsOrderPublisher({ topicArn: main.topicArn, client: clients.sns }),
          queue,
          tap:
            resources.tap === undefined
              ? undefined
              : new SqsMessageQueue({ queueUrl: resources.tap.queueUrl, client: clients.sqs }),
          rawDelivery: options.rawDelivery,
        });
        await publisher.publishNext(window === 0 ? messages.length : window);
      },
      counts: async () => {
        const [onQueue, dead] = await Promise.all([queue.depth(), deadLetterQueue.depth()]);
        const unpublished = publisher?.remaining ?? 0;
        return {
          onQueue: onQueue.visible + onQueue.inFlight + onQueue.delayed + unpublished,
          inDeadLetterQueue: dead.visible + dead.inFlight,
        };
      },
      deadLetters: () => deadLetters.list(),
      redrive: () => {
        // The soak redrives with its faults off: the network's too.
        networkFaults?.stop();
        return deadLetters.redrive();
      },
      storedOrders: (expected) => readStoredOrders(endStateStore, clients.dynamodb, expected),
      identify: (observed) => started().identities.identify(observed),
      describe: () => ({
        kind: 'aws',
        endpoint: settings.endpoint ?? 'AWS (no custom endpoint)',
        region: settings.region ?? null,
        resources: { ...main.names, ...(resources.tap ? { tapQueueName: resources.tap.names.queueName } : {}) },
        resources_kept: settings.keep === true,
        provisioning_ms: provisioningMs,
        visibility_timeout_seconds: visibilityTimeoutSeconds,
        handler_concurrency: concurrency ?? 'default',
        pollers: 1,
        publish_window: window === 0 ? 'everything before the drain' : window,
        deterministic: false,
        published_to_topic: publisher?.publishedToTopic ?? 0,
        sent_to_queue_as_sns_redelivery: publisher?.sentToQueue ?? 0,
        extra_deliveries: identities?.extraDeliveries ?? 0,
        never_delivered: identities?.neverDelivered ?? 0,
        dead_letters: deadLetters.describe(),
        ...(networkFaults === undefined ? {} : { network_faults: networkFaults.describe() }),
      }),
      close: async () => {
        try {
          if (settings.keep === true) {
            const queues = [
              main.queueUrl,
              main.dlqUrl,
              ...(resources.tap ? [resources.tap.queueUrl, resources.tap.dlqUrl] : []),
            ];
            notice(`kept: table ${main.names.tableName}, topic ${main.topicArn}, queues ${queues.join(', ')}`);
            return;
          }
          const report = await deleteProvisioned(resources, clientOptions);
          for (const failure of report.failed)
            notice(`could not delete ${failure.resource}: ${failure.message} — delete it by hand`);
        } finally {
          await networkFaults?.close();
          if (storeClient !== clients.dynamodb) storeClient.destroy();
          destroyClients();
        }
      },
    };
  };
}
