import { connectContainerEngine, decideReaper, reaperImage, type ContainerEngine } from './container-engine';
import { baseUrl, probe } from './http-probe';
import type { EmulatorFlavour, EmulatorKind } from './integration-environment';
import { DEFAULT_LOCALSTACK_IMAGE, startLocalStack } from './localstack';
import { DEFAULT_MOTO_IMAGE, startMotoContainer } from './moto-container';
import { startMotoServer } from './moto-server';

export interface SelectedEndpoint {
  readonly endpoint: string;
  readonly kind: EmulatorKind;
  readonly flavour: EmulatorFlavour;
  /** One line for the test log: what was chosen, and what started it. */
  readonly description: string;
  /** Stops what the suite started; a no-op for an external endpoint. */
  stop(): Promise<void>;
}

/** What a container starter returns. */
export interface StartedContainer {
  readonly endpoint: string;
  readonly containerId: string;
  stop(): Promise<void>;
}

/**
 * The paths ORDERS_IT_EMULATOR can force: one path (no fallback: it starts or the run fails),
 * or `moto` for either moto path (container first). Unset: every path, in order.
 */
export const EMULATOR_PREFERENCES = ['localstack', 'moto-container', 'moto-process', 'moto'] as const;
export type EmulatorPreference = (typeof EMULATOR_PREFERENCES)[number];

/** How long a missing image's pull may take before the path is given up (ORDERS_IT_PULL_TIMEOUT_SECONDS). */
export const DEFAULT_PULL_TIMEOUT_MS = 120_000;

export interface SelectionInputs {
  readonly awsEndpointUrl?: string;
  /** ORDERS_IT_EMULATOR, unchecked: an unknown value is an error that lists the known ones. */
  readonly prefer?: string;
  readonly python: string;
  readonly localstackImage: string;
  readonly localstackAuthToken?: string;
  readonly motoImage: string;
  readonly pullTimeoutMs: number;
  /** Connects to the container engine, or throws saying why none answers. */
  readonly connectEngine: () => Promise<ContainerEngine>;
  readonly startLocalStack: (image: string, authToken: string | undefined) => Promise<StartedContainer>;
  readonly startMotoContainer: (image: string) => Promise<StartedContainer>;
  readonly startMotoServer: typeof startMotoServer;
  /** One line per path given up on, and the reaper decision: the run's log says why a path was not taken. */
  readonly log: (line: string) => void;
}

export function selectionInputsFrom(env: NodeJS.ProcessEnv): SelectionInputs {
  const endpoint = env['AWS_ENDPOINT_URL'];
  const prefer = env['ORDERS_IT_EMULATOR'];
  const token = env['LOCALSTACK_AUTH_TOKEN'];
  const log = (line: string): void => void process.stdout.write(`[integration] ${line}\n`);
  const pullTimeoutMs = pullTimeoutMsFrom(env['ORDERS_IT_PULL_TIMEOUT_SECONDS']);
  let engine: ContainerEngine | undefined;
  let reaperDecided: Promise<void> | undefined;
  // Just before the first container starts (testcontainers reads it then), and only if one does.
  const decideReaperOnce = (): Promise<void> => {
    reaperDecided ??= (async () => {
      const connected = engine;
      if (connected === undefined) return;
      // process.env, whatever env the inputs were read from: it is what testcontainers reads.
      const decision = await decideReaper(process.env, await reaperImage(), connected, pullTimeoutMs);
      if (decision.reaper === 'off') log(`testcontainers' reaper (Ryuk) is off: ${decision.reason}.`);
    })();
    return reaperDecided;
  };
  return {
    ...(endpoint ? { awsEndpointUrl: endpoint } : {}),
    ...(prefer ? { prefer } : {}),
    ...(token ? { localstackAuthToken: token } : {}),
    python: env['ORDERS_IT_PYTHON'] || 'python3',
    localstackImage: env['LOCALSTACK_IMAGE'] || DEFAULT_LOCALSTACK_IMAGE,
    motoImage: env['ORDERS_IT_MOTO_IMAGE'] || DEFAULT_MOTO_IMAGE,
    pullTimeoutMs,
    connectEngine: async () => {
      engine = await connectContainerEngine();
      return engine;
    },
    startLocalStack: async (image, authToken) => {
      await decideReaperOnce();
      return startLocalStack(image, authToken);
    },
    startMotoContainer: async (image) => {
      await decideReaperOnce();
      return startMotoContainer(image);
    },
    startMotoServer,
    log,
  };
}

function pullTimeoutMsFrom(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_PULL_TIMEOUT_MS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(`ORDERS_IT_PULL_TIMEOUT_SECONDS must be a number of seconds >= 0; got "${text}".`);
  return seconds * 1000;
}

/** Which emulator answers at an endpoint someone else runs: it decides how state can be reset. */
export async function probeFlavour(endpoint: string): Promise<EmulatorFlavour> {
  const base = baseUrl(endpoint);
  const localstack = await probe(`${base}/_localstack/health`);
  if (localstack?.status === 200 && /"services"/.test(localstack.body)) return 'localstack';
  const moto = await probe(`${base}/moto-api/data.json`);
  if (moto?.status === 200) return 'moto';
  return 'unknown';
}

const noop = async (): Promise<void> => undefined;

/**
 * The endpoint for the integration tests, in this order:
 * 1. AWS_ENDPOINT_URL, when set (it must answer: a typo is a failure, not a reason to try others);
 * 2. LocalStack through testcontainers, when LOCALSTACK_AUTH_TOKEN is set or its image
 *    (LOCALSTACK_IMAGE, default the pinned free tag) is present locally;
 * 3. moto's image through testcontainers (ORDERS_IT_MOTO_IMAGE), when a container engine answers;
 * 4. a moto process started here on a free loopback port.
 * A container path whose image is missing tries one pull, bounded; a path that cannot start is
 * given up with one log line. ORDERS_IT_EMULATOR forces one path. No endpoint at all is an error
 * that says what was tried and how to fix it; never a pass.
 */
export async function selectEndpoint(inputs: SelectionInputs): Promise<SelectedEndpoint> {
  if (inputs.awsEndpointUrl !== undefined) return externalEndpoint(inputs.awsEndpointUrl);

  const prefer = parsePreference(inputs.prefer);
  const allows = (path: Exclude<EmulatorPreference, 'moto'>): boolean =>
    prefer === undefined || prefer === path || (prefer === 'moto' && path !== 'localstack');
  const forced = prefer !== undefined && prefer !== 'moto' ? ` (ORDERS_IT_EMULATOR=${prefer})` : '';
  const tried: string[] = ['AWS_ENDPOINT_URL: not set.'];
  const giveUp = (path: string, why: string): void => {
    tried.push(`${path}: ${why}`);
    inputs.log(
      `${path}: ${why}; ${prefer === undefined || prefer === 'moto' ? 'trying the next path' : 'no other path allowed'}.`,
    );
  };
  const engine = lazyEngine(inputs.connectEngine);

  if (allows('localstack')) {
    const path = `LocalStack via testcontainers (${inputs.localstackImage})`;
    const started = await tryContainer(path, inputs.localstackImage, engine, inputs, tried, giveUp, {
      // Without a token only a free image that is already here is worth a try; asked for by name, always.
      worthPulling: inputs.localstackAuthToken !== undefined || prefer === 'localstack',
      skipReason: 'skipped: LOCALSTACK_AUTH_TOKEN is not set and the image is not present locally.',
      start: () => inputs.startLocalStack(inputs.localstackImage, inputs.localstackAuthToken),
    });
    if (started !== undefined)
      return containerEndpoint(
        'localstack',
        `LocalStack ${inputs.localstackImage}`,
        started,
        await engine.description(),
      );
  } else {
    tried.push(`LocalStack: skipped${forced || ' (ORDERS_IT_EMULATOR=moto)'}.`);
  }

  if (allows('moto-container')) {
    const path = `moto container via testcontainers (${inputs.motoImage})`;
    const started = await tryContainer(path, inputs.motoImage, engine, inputs, tried, giveUp, {
      worthPulling: true,
      skipReason: '',
      start: () => inputs.startMotoContainer(inputs.motoImage),
    });
    if (started !== undefined)
      return containerEndpoint(
        'moto-container',
        `moto container ${inputs.motoImage}`,
        started,
        await engine.description(),
      );
  } else {
    tried.push(`moto container: skipped${forced}.`);
  }

  if (allows('moto-process')) {
    try {
      const started = await inputs.startMotoServer(inputs.python);
      return {
        endpoint: started.endpoint,
        kind: 'moto',
        flavour: 'moto',
        description: `moto process at ${started.endpoint} (pid ${started.pid ?? '?'}, started by the suite)`,
        stop: () => started.stop(),
      };
    } catch (error) {
      tried.push(`moto process (${inputs.python} -m moto.server): ${reason(error)}`);
    }
  } else {
    tried.push(`moto process: skipped${forced}.`);
  }

  throw new Error(
    [
      'No AWS endpoint for the integration tests. Tried:',
      ...tried.map((line, i) => `  ${i + 1}. ${line}`),
      'Fix one of these:',
      '  - point AWS_ENDPOINT_URL at a running LocalStack or moto (e.g. AWS_ENDPOINT_URL=http://127.0.0.1:4566);',
      "  - start a container engine (scripts/containers/engine.sh start) and have moto's image locally",
      '    (scripts/containers/build-images.sh, then ORDERS_IT_MOTO_IMAGE=orders-local/moto:<version>);',
      "  - pip install 'moto[server]' so the suite can start moto itself (ORDERS_IT_PYTHON picks the interpreter).",
    ].join('\n'),
  );
}

async function externalEndpoint(endpoint: string): Promise<SelectedEndpoint> {
  const answer = await probe(endpoint, {}, 5_000);
  if (answer === undefined) {
    throw new Error(
      [
        `AWS_ENDPOINT_URL is set to ${endpoint}, but nothing answers there.`,
        'Start the emulator it points at (LocalStack: docker run -p 127.0.0.1:4566:4566 localstack/localstack:4.4; moto: python3 -m moto.server -p 5000),',
        'or unset AWS_ENDPOINT_URL to let the suite start one itself (a container when an engine answers, else a moto process).',
      ].join('\n'),
    );
  }
  const flavour = await probeFlavour(endpoint);
  return { endpoint, kind: 'external', flavour, description: `AWS_ENDPOINT_URL ${endpoint} (${flavour})`, stop: noop };
}

function parsePreference(value: string | undefined): EmulatorPreference | undefined {
  if (value === undefined || value === '') return undefined;
  const known: readonly string[] = EMULATOR_PREFERENCES;
  if (known.includes(value)) return value as EmulatorPreference;
  throw new Error(
    `ORDERS_IT_EMULATOR=${value} is not a path the suite knows; use one of ${EMULATOR_PREFERENCES.join(', ')}, or unset it to try them in order.`,
  );
}

interface LazyEngine {
  /** The engine, or the reason none answers (asked once, whichever path asks first). */
  get(): Promise<ContainerEngine | string>;
  description(): Promise<string>;
  /** True the first time only: whether the caller is the first to hear that no engine answers. */
  firstToHear(): boolean;
}

function lazyEngine(connect: () => Promise<ContainerEngine>): LazyEngine {
  let answer: Promise<ContainerEngine | string> | undefined;
  let heard = false;
  const get = (): Promise<ContainerEngine | string> => {
    answer ??= connect().catch((error: unknown) => `no container engine answers (${reason(error)})`);
    return answer;
  };
  return {
    get,
    firstToHear: () => {
      const first = !heard;
      heard = true;
      return first;
    },
    description: async () => {
      const engine = await get();
      return typeof engine === 'string' ? 'no engine' : engine.description;
    },
  };
}

interface ContainerAttempt {
  /** Whether a missing image is worth one bounded pull. */
  readonly worthPulling: boolean;
  /** Said, quietly, when the image is missing and not worth pulling. */
  readonly skipReason: string;
  readonly start: () => Promise<StartedContainer>;
}

async function tryContainer(
  path: string,
  image: string,
  engine: LazyEngine,
  inputs: SelectionInputs,
  tried: string[],
  giveUp: (path: string, why: string) => void,
  attempt: ContainerAttempt,
): Promise<StartedContainer | undefined> {
  const connected = await engine.get();
  if (typeof connected === 'string') {
    // Logged once, by the first container path: the next one would only repeat it.
    if (engine.firstToHear()) giveUp(path, connected);
    else tried.push(`${path}: ${connected}`);
    return undefined;
  }
  try {
    if (!(await connected.hasImage(image))) {
      if (!attempt.worthPulling) {
        tried.push(`${path}: ${attempt.skipReason}`);
        return undefined;
      }
      try {
        await connected.pull(image, inputs.pullTimeoutMs);
      } catch (error) {
        giveUp(path, `the image is not present locally, and pulling it failed (${reason(error)})`);
        return undefined;
      }
    }
    return await attempt.start();
  } catch (error) {
    giveUp(path, `could not start (${reason(error)})`);
    return undefined;
  }
}

function containerEndpoint(
  kind: 'localstack' | 'moto-container',
  what: string,
  started: StartedContainer,
  engine: string,
): SelectedEndpoint {
  return {
    endpoint: started.endpoint,
    kind,
    flavour: kind === 'localstack' ? 'localstack' : 'moto',
    description: `${what} at ${started.endpoint} (started by testcontainers on ${engine}, container ${started.containerId})`,
    stop: () => started.stop(),
  };
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'failed';
}
