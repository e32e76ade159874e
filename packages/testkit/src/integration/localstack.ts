import { labelsForOneStart, portBindingsOn, portPlacement, removeStartedBy, withLeftover } from './container-engine';

export interface StartedLocalStack {
  readonly endpoint: string;
  /** The container's short id, for the log line and for `docker logs`. */
  readonly containerId: string;
  stop(): Promise<void>;
}

/**
 * Pinned: LocalStack images from 2026-03-23 on are one image that requires an auth token; the
 * free community image stays at 4.x. LOCALSTACK_IMAGE overrides it (with a token, e.g.
 * `localstack/localstack:latest`), and LOCALSTACK_AUTH_TOKEN is passed through.
 */
export const DEFAULT_LOCALSTACK_IMAGE = 'localstack/localstack:4.4';

const LOCALSTACK_PORT = 4566;

/**
 * Starts LocalStack through `@testcontainers/localstack` (its wait strategy: the "Ready" log
 * line), with its port published only on the address testcontainers probes when that is this
 * machine (`portPlacementFor`), and the labels `scripts/containers/engine.sh stop` cleans up by.
 * The caller has checked the image is present (nothing is pulled here).
 */
export async function startLocalStack(
  image: string = DEFAULT_LOCALSTACK_IMAGE,
  authToken: string | undefined = undefined,
): Promise<StartedLocalStack> {
  const { LocalstackContainer } = await import('@testcontainers/localstack');
  const placement = await portPlacement();

  class OneAddressLocalstack extends LocalstackContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      await super.beforeContainerCreated();
      if (placement.bindAddress !== undefined)
        this.hostConfig.PortBindings = portBindingsOn(placement.bindAddress, this.hostConfig.PortBindings);
    }
  }

  const { labels, startId } = labelsForOneStart();
  const container = await new OneAddressLocalstack(image)
    .withEnvironment({ SERVICES: 'dynamodb,sqs,sns', ...(authToken ? { LOCALSTACK_AUTH_TOKEN: authToken } : {}) })
    .withLabels(labels)
    .start()
    .catch(async (error: unknown) => {
      throw withLeftover(error, await removeStartedBy(startId));
    });
  return {
    endpoint: `http://${placement.endpointHost}:${container.getMappedPort(LOCALSTACK_PORT)}`,
    containerId: container.getId().slice(0, 12),
    stop: async () => {
      await container.stop({ timeout: 5_000 });
    },
  };
}
