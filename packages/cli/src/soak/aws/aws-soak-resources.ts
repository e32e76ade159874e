import { randomBytes } from 'node:crypto';
import {
  deleteOrderResources,
  findQueueUrl,
  findTopicArn,
  provisionResources,
  suffixedResourceNames,
  type AwsClientOptions,
  type AwsClients,
  type ProvisionResult,
  type ResourceNames,
  type TeardownReport,
} from '@orders/adapters-aws';

export interface SoakResources {
  readonly main: ProvisionResult;
  /** The tap queue (and the DLQ provisioning gives it); only under envelope delivery. */
  readonly tap: ProvisionResult | undefined;
}

export interface ProvisionSoakOptions {
  readonly names: ResourceNames;
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
  readonly rawDelivery: boolean;
  readonly clients: AwsClients;
}

/** Names no earlier run used: `Orders-soak-<time><random>` and so on, so a run never meets old data. */
export function soakResourceNames(): ResourceNames {
  return suffixedResourceNames(`soak-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
}

const tapNames = (names: ResourceNames): ResourceNames => ({
  ...names,
  queueName: `${names.queueName}-tap`,
  dlqName: `${names.dlqName}-tap`,
  subscriptionDlqName: `${names.subscriptionDlqName}-tap`,
});

/**
 * The system as `orders provision` builds it, with the soak's maxReceiveCount and a short
 * visibility timeout so that retries come within seconds. Under envelope delivery a tap queue
 * is subscribed to the topic too (see aws-soak-publisher). If anything fails half-way, what was
 * already created is deleted again before the error is passed on.
 */
export async function provisionSoakResources(
  options: ProvisionSoakOptions,
  clientOptions: AwsClientOptions,
): Promise<SoakResources> {
  const settings = {
    maxReceiveCount: options.maxReceiveCount,
    rawMessageDelivery: options.rawDelivery,
    clients: options.clients,
  };
  try {
    const main = await provisionResources({
      ...settings,
      names: options.names,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });
    // Provisioning is idempotent: for the tap it finds the table and topic and adds two queues and a subscription.
    const tap = options.rawDelivery
      ? undefined
      : await provisionResources({ ...settings, names: tapNames(options.names) });
    return { main, tap };
  } catch (error) {
    await deleteByName(options.names, options.clients, clientOptions);
    throw error;
  }
}

export function deleteProvisioned(resources: SoakResources, clientOptions: AwsClientOptions): Promise<TeardownReport> {
  const { main, tap } = resources;
  return deleteOrderResources(
    {
      tableName: main.names.tableName,
      topicArn: main.topicArn,
      queueUrls: [
        main.queueUrl,
        main.dlqUrl,
        main.subscriptionDlqUrl,
        ...(tap ? [tap.queueUrl, tap.dlqUrl, tap.subscriptionDlqUrl] : []),
      ],
    },
    { clientOptions },
  );
}

/** Best effort after a failed provisioning: whatever exists under the soak's names goes. */
async function deleteByName(names: ResourceNames, clients: AwsClients, clientOptions: AwsClientOptions): Promise<void> {
  try {
    const tap = tapNames(names);
    const topicArn = await findTopicArn(clients.sns, names.topicName);
    const queueUrls: string[] = [];
    const queueNames = [names.queueName, names.dlqName, names.subscriptionDlqName];
    for (const name of [...queueNames, tap.queueName, tap.dlqName, tap.subscriptionDlqName]) {
      const url = await findQueueUrl(clients.sqs, name);
      if (url !== undefined) queueUrls.push(url);
    }
    await deleteOrderResources(
      { tableName: names.tableName, ...(topicArn === undefined ? {} : { topicArn }), queueUrls },
      { clientOptions, clients },
    );
  } catch {
    // The provisioning error is the one worth reporting; this was only tidying up.
  }
}
