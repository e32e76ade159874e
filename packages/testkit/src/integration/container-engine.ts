import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
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

/**
 * Removes (forcibly) the container one failed start left behind, and says what it saw first: its
 * state, where its ports were published and its last log lines, so that "not accessible after
 * 60000ms" comes with the reason (an emulator that exited, a port on an address nobody probed).
 * Best effort: a failure here is not the one to report, so it gives undefined instead.
 */
export async function removeStartedBy(startId: string): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await withDeadline(getContainerRuntimeClient(), CONNECT_TIMEOUT_MS, 'no engine');
    // One start makes at most one container; a created-but-never-started one counts too.
    const statuses = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'] as const;
    const leftover = await client.container.fetchByLabel(START_ID_LABEL, startId, { status: [...statuses] });
    if (leftover === undefined) return undefined;
    const seen = await withDeadline(
      Promise.all([leftover.inspect(), leftover.logs({ stdout: true, stderr: true, tail: LOG_LINES })]),
      CONNECT_TIMEOUT_MS,
      'no answer',
    ).then(
      ([inspected, logs]) =>
        describeLeftover(inspected, Buffer.isBuffer(logs) ? logs : Buffer.alloc(0), client.info.containerRuntime.host),
      () => undefined,
    );
    await leftover.remove({ force: true, v: true });
    return seen;
  } catch {
    // `scripts/containers/engine.sh stop` removes it by the shared labels.
    return undefined;
  }
}

const START_ID_LABEL = 'org.orders.start-id';
/** How many of a failed container's last log lines its description carries. */
const LOG_LINES = 5;

/** A failed start's error with what was seen of its container on the same (first) line, the one the selection log prints. */
export function withLeftover(error: unknown, seen: string | undefined): unknown {
  if (seen === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  const [first = '', ...rest] = message.split('\n');
  return new Error([`${first}; ${seen}`, ...rest].join('\n'), { cause: error });
}

/** What `docker inspect` says of a container, as far as a failed start's description reads it. */
export interface InspectedContainer {
  readonly Id: string;
  readonly State?: { readonly Status?: string; readonly ExitCode?: number };
  readonly NetworkSettings?: { readonly Ports?: Readonly<Record<string, readonly PortBinding[] | null>> };
}

/**
 * One line: `container 6ded1b70fd35 running, 5000/tcp published on 127.0.0.1:32781 (testcontainers
 * probed 172.17.0.1), last log lines: ...`. LOGS is the engine's log stream for a container
 * without a terminal (8-byte frame headers) or plain text.
 */
export function describeLeftover(inspected: InspectedContainer, logs: Buffer, probedHost: string): string {
  const status = inspected.State?.Status ?? 'in an unknown state';
  const exit = status === 'exited' ? ` (exit code ${inspected.State?.ExitCode ?? '?'})` : '';
  const published = Object.entries(inspected.NetworkSettings?.Ports ?? {})
    .flatMap(([port, bindings]) =>
      (bindings ?? []).map((binding) => `${port} on ${binding.HostIp}:${binding.HostPort}`),
    )
    .join(', ');
  const lines = logText(logs)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return (
    `container ${inspected.Id.slice(0, 12)} ${status}${exit}, ` +
    `${published === '' ? 'no port published' : `published ${published}`} (testcontainers probed ${probedHost}), ` +
    `${lines.length === 0 ? 'no log lines' : `last log lines: ${lines.slice(-LOG_LINES).join(' | ')}`}`
  );
}

/** The text of a Docker log stream: frames of [stream, 0, 0, 0, length (4 bytes, big-endian), payload], or plain text. */
function logText(logs: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= logs.length) {
    const stream = logs[offset];
    const length = logs.readUInt32BE(offset + 4);
    const framed =
      (stream === 0 || stream === 1 || stream === 2) && logs.readUInt16BE(offset + 1) === 0 && logs[offset + 3] === 0;
    if (!framed || offset + 8 + length > logs.length) return logs.toString('utf8');
    parts.push(logs.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return offset === logs.length ? Buffer.concat(parts).toString('utf8') : logs.toString('utf8');
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
  /**
   * The one address of this machine the port is published on; undefined for a remote engine,
   * whose own default binding is kept (this process cannot bind anything on that machine).
   */
  readonly bindAddress: string | undefined;
  /** The host in the endpoint URL. */
  readonly endpointHost: string;
}

/**
 * Publishes on the address testcontainers will look at (its wait strategies probe
 * `containerRuntime.host`), and only there when that is this machine:
 * - `localhost` (an engine on this machine): 127.0.0.1, reached there (not `localhost`, which may
 *   resolve to ::1 first);
 * - an address of this machine (this network namespace): what testcontainers resolves when it
 *   runs inside a container (`/.dockerenv`) next to an engine in the same network namespace, e.g.
 *   in a sandbox that is itself a container: the engine's bridge gateway (172.17.0.1). A port
 *   published on 127.0.0.1 is not reachable there, and dockerd's `--ip=127.0.0.1` puts it there
 *   (docs/containers.md); the bridge address is reached over this machine's loopback route and is
 *   on no outside network;
 * - anything else (DOCKER_HOST on another machine, or the host of a container this one runs in):
 *   the engine's default binding, reached at that address.
 */
export function portPlacementFor(engineHost: string, hostIsThisMachine: boolean): PortPlacement {
  if (['localhost', '127.0.0.1', '::1'].includes(engineHost))
    return { bindAddress: '127.0.0.1', endpointHost: '127.0.0.1' };
  const endpointHost = engineHost.includes(':') ? `[${engineHost}]` : engineHost;
  return { bindAddress: hostIsThisMachine ? engineHost : undefined, endpointHost };
}

/**
 * Whether ADDRESS is one of this machine's (this network namespace's): a socket can be bound to
 * it. Not `os.networkInterfaces()`: it leaves out an interface without carrier, which the
 * engine's bridge is until a container is attached to it.
 */
export async function isAddressOfThisMachine(address: string): Promise<boolean> {
  const family = isIP(address);
  if (family === 0) return false;
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(0, address, () => {
      socket.close();
      resolve(true);
    });
  });
}

/** The placement for the engine testcontainers connects to. */
export async function portPlacement(): Promise<PortPlacement> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await withDeadline(getContainerRuntimeClient(), CONNECT_TIMEOUT_MS, 'no container engine answered');
  const host = client.info.containerRuntime.host;
  return portPlacementFor(host, await isAddressOfThisMachine(host));
}

/**
 * Publishes every exposed port on ADDRESS only. testcontainers asks for `HostPort: "0"` on every
 * interface; an emulator that accepts any credentials has no business on the machine's network.
 */
export function portBindingsOn(address: string, bindings: unknown): PortBindings {
  const result: Record<string, PortBinding[]> = {};
  if (typeof bindings !== 'object' || bindings === null) return result;
  for (const [port, hostPorts] of Object.entries(bindings)) {
    const list: unknown[] = Array.isArray(hostPorts) && hostPorts.length > 0 ? hostPorts : [{}];
    result[port] = list.map((binding) => ({ HostIp: address, HostPort: hostPortOf(binding) }));
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
