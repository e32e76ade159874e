import { randomUUID } from 'node:crypto';
import { withDeadline } from './deadline';

/**
 * The container engine as the endpoint selection sees it: whether an image is here, and a pull
 * that gives up. testcontainers is imported lazily, so a machine without an engine pays for the
 * check only when a container path is tried, and unit tests never load it.
 */
export interface ContainerEngine {
  /** e.g. `engine 20.10.24 at /var/run/docker.sock`. */
  readonly description: string;
  hasImage(image: string): Promise<boolean>;
  /** Pulls IMAGE, giving up after timeoutMs. Throws, with the engine's reason, when it cannot. */
  pull(image: string, timeoutMs: number): Promise<void>;
}

/** How long finding the engine may take (testcontainers tries several strategies in turn). */
const CONNECT_TIMEOUT_MS = 15_000;

/** Every container the suite starts carries these; `scripts/containers/engine.sh stop` removes leftovers by them. */
export const ORDERS_CONTAINER_LABELS: Readonly<Record<string, string>> = {
  'org.orders.local': 'true',
  'org.orders.role': 'integration-emulator',
};

/**
 * Labels for one container start: the shared ones plus an id of this start. When testcontainers
 * fails after creating the container (a network error, a wait that timed out), it leaves the
 * container behind; `removeStartedBy` removes it by that id.
 */
export function labelsForOneStart(): { readonly labels: Record<string, string>; readonly startId: string } {
  const startId = randomUUID();
  return { labels: { ...ORDERS_CONTAINER_LABELS, [START_ID_LABEL]: startId }, startId };
}

const START_ID_LABEL = 'org.orders.start-id';

/** Removes (forcibly) the containers one failed start left behind. Best effort: a failure here is not the one to report. */
export async function removeStartedBy(startId: string): Promise<void> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await withDeadline(getContainerRuntimeClient(), CONNECT_TIMEOUT_MS, 'no engine');
    // One start makes at most one container; a created-but-never-started one counts too.
    const statuses = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'] as const;
    const leftover = await client.container.fetchByLabel(START_ID_LABEL, startId, { status: [...statuses] });
    if (leftover !== undefined) await leftover.remove({ force: true, v: true });
  } catch {
    // `scripts/containers/engine.sh stop` removes it by the shared labels.
  }
}

/** Connects to the engine testcontainers finds (DOCKER_HOST, the default socket, ...). Throws when none answers. */
export async function connectContainerEngine(): Promise<ContainerEngine> {
  const { getContainerRuntimeClient, ImageName } = await import('testcontainers');
  const client = await withDeadline(
    getContainerRuntimeClient(),
    CONNECT_TIMEOUT_MS,
    `no container engine answered within ${CONNECT_TIMEOUT_MS / 1000} s`,
  );
  const runtime = client.info.containerRuntime;
  return {
    description: `engine ${runtime.serverVersion} at ${runtime.remoteSocketPath}`,
    hasImage: (image) => client.image.exists(ImageName.fromString(image)),
    pull: async (image, timeoutMs) => {
      const name = ImageName.fromString(image);
      // A pull that never finishes is left behind, not awaited: the suite moves on.
      await withDeadline(
        client.image.pull(name, { force: true, platform: undefined }),
        timeoutMs,
        `the pull did not finish within ${Math.round(timeoutMs / 1000)} s`,
      );
      // The engine's stream can end without an image (a registry error inside the stream).
      if (!(await client.image.exists(name))) throw new Error('the pull ended without the image');
    },
  };
}

/** The image testcontainers' resource reaper (Ryuk) runs, as testcontainers itself resolves it. */
export async function reaperImage(): Promise<string> {
  const { getReaperImage } = await import('testcontainers/build/reaper/reaper.js');
  return getReaperImage();
}

export type ReaperDecision =
  | { readonly reaper: 'on'; readonly image: string }
  | { readonly reaper: 'off'; readonly reason: string };

/**
 * Ryuk removes a run's containers when the process that started them dies. It is an image too,
 * and where no registry answers and nobody built it, testcontainers would fail every container
 * start trying to pull it. So: present locally, or pulled (bounded), it stays on; otherwise the
 * suite turns it off (TESTCONTAINERS_RYUK_DISABLED=true, read by testcontainers when it starts its
 * first container) and says why, once. Global teardown stops the emulator container, and
 * `scripts/containers/engine.sh stop` removes any a killed run left (docs/containers.md).
 */
export async function decideReaper(
  env: NodeJS.ProcessEnv,
  image: string,
  engine: Pick<ContainerEngine, 'hasImage' | 'pull'>,
  pullTimeoutMs: number,
): Promise<ReaperDecision> {
  if (env['TESTCONTAINERS_RYUK_DISABLED'] === 'true')
    return { reaper: 'off', reason: 'TESTCONTAINERS_RYUK_DISABLED=true was set' };
  if (await engine.hasImage(image)) return { reaper: 'on', image };
  try {
    await engine.pull(image, pullTimeoutMs);
    return { reaper: 'on', image };
  } catch (error) {
    env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
    const why = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim();
    return {
      reaper: 'off',
      reason:
        `its image ${image} is not present locally and could not be pulled (${why}): TESTCONTAINERS_RYUK_DISABLED=true; ` +
        'global teardown stops the container, scripts/containers/engine.sh stop removes any a killed run left',
    };
  }
}

/** Where a container's published port goes, and the address the tests use to reach it. */
export interface PortPlacement {
  /** Publish on 127.0.0.1 only (the engine runs on this machine). */
  readonly loopbackOnly: boolean;
  /** The host in the endpoint URL. */
  readonly endpointHost: string;
}

/**
 * For an engine on this machine (testcontainers' host is `localhost`): loopback only, reached at
 * 127.0.0.1 (not `localhost`, which may resolve to ::1 first). For a remote engine (DOCKER_HOST
 * on another machine): its default binding, reached at that machine's address.
 */
export function portPlacementFor(engineHost: string): PortPlacement {
  const local = ['localhost', '127.0.0.1', '::1'].includes(engineHost);
  if (local) return { loopbackOnly: true, endpointHost: '127.0.0.1' };
  return { loopbackOnly: false, endpointHost: engineHost.includes(':') ? `[${engineHost}]` : engineHost };
}

/** The placement for the engine testcontainers connects to. */
export async function portPlacement(): Promise<PortPlacement> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await withDeadline(getContainerRuntimeClient(), CONNECT_TIMEOUT_MS, 'no container engine answered');
  return portPlacementFor(client.info.containerRuntime.host);
}

/**
 * Publishes every exposed port on 127.0.0.1 only. testcontainers asks for `HostPort: "0"` on every
 * interface; an emulator that accepts any credentials has no business on the machine's network.
 */
export function loopbackPortBindings(bindings: unknown): PortBindings {
  const result: Record<string, PortBinding[]> = {};
  if (typeof bindings !== 'object' || bindings === null) return result;
  for (const [port, hostPorts] of Object.entries(bindings)) {
    const list: unknown[] = Array.isArray(hostPorts) && hostPorts.length > 0 ? hostPorts : [{}];
    result[port] = list.map((binding) => ({ HostIp: '127.0.0.1', HostPort: hostPortOf(binding) }));
  }
  return result;
}

/** Docker's `HostConfig.PortBindings`: container port (`5000/tcp`) to host addresses and ports. */
export type PortBindings = Readonly<Record<string, readonly PortBinding[]>>;
export interface PortBinding {
  readonly HostIp: string;
  /** `0` (or empty): any free port. */
  readonly HostPort: string;
}

function hostPortOf(binding: unknown): string {
  const port =
    typeof binding === 'object' && binding !== null ? (binding as { HostPort?: unknown }).HostPort : undefined;
  return typeof port === 'string' && port !== '' ? port : '0';
}
