import { labelsForOneStart, portBindingsOn, portPlacement, removeStartedBy, withLeftover } from './container-engine';
import { motoLauncherProgram } from './moto-launcher';

/**
 * moto's own image, which needs no token. Pinned to the moto release the suite is checked against
 * (the Python package on CI machines); ORDERS_IT_MOTO_IMAGE overrides it, e.g. with the image
 * `scripts/containers/build-images.sh` builds locally (`orders-local/moto:<version>`).
 */
export const DEFAULT_MOTO_IMAGE = 'motoserver/moto:5.2.1';

/** moto's port inside its container (the image's EXPOSE). */
const MOTO_PORT = 5000;
/** moto answers within a few seconds; the first start on a cold machine compiles nothing (the image did). */
const STARTUP_TIMEOUT_MS = 60_000;

export interface StartedMotoContainer {
  readonly endpoint: string;
  /** The container's short id, for the log line and for `docker logs`. */
  readonly containerId: string;
  stop(): Promise<void>;
}

/**
 * Starts moto in a container through testcontainers: the launcher the moto process uses (same
 * DynamoDB write lock), moto's port published only on the address testcontainers probes when
 * that is this machine (127.0.0.1, or the engine's bridge address: `portPlacementFor`), an HTTP
 * wait on moto's own state endpoint, and labels that let `scripts/containers/engine.sh stop`
 * find a container a killed run left behind. The caller has checked the image is present
 * (nothing is pulled here).
 */
export async function startMotoContainer(image: string = DEFAULT_MOTO_IMAGE): Promise<StartedMotoContainer> {
  const { GenericContainer, PullPolicy, Wait } = await import('testcontainers');
  const placement = await portPlacement();

  class OneAddressContainer extends GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      if (placement.bindAddress !== undefined)
        this.hostConfig.PortBindings = portBindingsOn(placement.bindAddress, this.hostConfig.PortBindings);
    }
  }

  const { labels, startId } = labelsForOneStart();
  const container = await new OneAddressContainer(image)
    // `python3 -c <launcher> 5000`: works on this project's image and on motoserver/moto, whose
    // entrypoint would start moto without the write lock.
    .withEntrypoint([
      'python3',
      '-c',
      motoLauncherProgram({ host: '0.0.0.0', exitWhenStdinCloses: false }),
      String(MOTO_PORT),
    ])
    .withCommand([])
    .withExposedPorts(MOTO_PORT)
    .withLabels(labels)
    .withPullPolicy(PullPolicy.defaultPolicy())
    .withWaitStrategy(Wait.forHttp('/moto-api/data.json', MOTO_PORT).forStatusCode(200))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start()
    .catch(async (error: unknown) => {
      throw withLeftover(error, await removeStartedBy(startId));
    });
  const endpoint = `http://${placement.endpointHost}:${container.getMappedPort(MOTO_PORT)}`;
  return {
    endpoint,
    containerId: container.getId().slice(0, 12),
    stop: async () => {
      await container.stop({ timeout: 5_000 });
    },
  };
}
