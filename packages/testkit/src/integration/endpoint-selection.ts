import { baseUrl, probe } from './http-probe';
import type { EmulatorFlavour, EmulatorKind } from './integration-environment';
import { DEFAULT_LOCALSTACK_IMAGE, startLocalStack } from './localstack';
import { startMotoServer } from './moto-server';

export interface SelectedEndpoint {
  readonly endpoint: string;
  readonly kind: EmulatorKind;
  readonly flavour: EmulatorFlavour;
  /** One line for the test log: what was chosen and why. */
  readonly description: string;
  /** Stops what the suite started; a no-op for an external endpoint. */
  stop(): Promise<void>;
}

export interface SelectionInputs {
  readonly awsEndpointUrl?: string;
  /** `moto` or `localstack` to use only that path; anything else tries both in order. */
  readonly prefer?: string;
  readonly python: string;
  readonly localstackImage: string;
  readonly startLocalStack: typeof startLocalStack;
  readonly startMotoServer: typeof startMotoServer;
}

export function selectionInputsFrom(env: NodeJS.ProcessEnv): SelectionInputs {
  const endpoint = env['AWS_ENDPOINT_URL'];
  const prefer = env['ORDERS_IT_EMULATOR'];
  return {
    ...(endpoint ? { awsEndpointUrl: endpoint } : {}),
    ...(prefer ? { prefer } : {}),
    python: env['ORDERS_IT_PYTHON'] || 'python3',
    localstackImage: env['LOCALSTACK_IMAGE'] || DEFAULT_LOCALSTACK_IMAGE,
    startLocalStack,
    startMotoServer,
  };
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
 * 2. LocalStack through testcontainers, when a container runtime answers;
 * 3. a moto server started here on a free loopback port.
 * No endpoint at all is an error that says what was tried and how to fix it; never a pass.
 */
export async function selectEndpoint(inputs: SelectionInputs): Promise<SelectedEndpoint> {
  if (inputs.awsEndpointUrl !== undefined) {
    const endpoint = inputs.awsEndpointUrl;
    const answer = await probe(endpoint, {}, 5_000);
    if (answer === undefined) {
      throw new Error(
        [
          `AWS_ENDPOINT_URL is set to ${endpoint}, but nothing answers there.`,
          'Start the emulator it points at (LocalStack: docker run -p 4566:4566 localstack/localstack; moto: python3 -m moto.server -p 5000),',
          'or unset AWS_ENDPOINT_URL to let the suite start LocalStack (Docker) or moto itself.',
        ].join('\n'),
      );
    }
    const flavour = await probeFlavour(endpoint);
    return {
      endpoint,
      kind: 'external',
      flavour,
      description: `AWS_ENDPOINT_URL ${endpoint} (${flavour})`,
      stop: noop,
    };
  }

  const tried: string[] = ['AWS_ENDPOINT_URL: not set.'];
  const prefer = inputs.prefer === 'moto' || inputs.prefer === 'localstack' ? inputs.prefer : undefined;

  if (prefer !== 'moto') {
    try {
      const started = await inputs.startLocalStack(inputs.localstackImage);
      return {
        endpoint: started.endpoint,
        kind: 'localstack',
        flavour: 'localstack',
        description: `LocalStack ${inputs.localstackImage} at ${started.endpoint} (testcontainers)`,
        stop: () => started.stop(),
      };
    } catch (error) {
      tried.push(`LocalStack via testcontainers (${inputs.localstackImage}): ${reason(error)}`);
    }
  } else {
    tried.push('LocalStack: skipped (ORDERS_IT_EMULATOR=moto).');
  }

  if (prefer !== 'localstack') {
    try {
      const started = await inputs.startMotoServer(inputs.python);
      return {
        endpoint: started.endpoint,
        kind: 'moto',
        flavour: 'moto',
        description: `moto server at ${started.endpoint} (pid ${started.pid ?? '?'}, started by the suite)`,
        stop: () => started.stop(),
      };
    } catch (error) {
      tried.push(`moto server (${inputs.python} -m moto.server): ${reason(error)}`);
    }
  } else {
    tried.push('moto: skipped (ORDERS_IT_EMULATOR=localstack).');
  }

  throw new Error(
    [
      'No AWS endpoint for the integration tests. Tried:',
      ...tried.map((line, i) => `  ${i + 1}. ${line}`),
      'Fix one of these:',
      '  - point AWS_ENDPOINT_URL at a running LocalStack or moto (e.g. AWS_ENDPOINT_URL=http://127.0.0.1:4566);',
      '  - start Docker (or another container runtime testcontainers supports) so the suite can run LocalStack;',
      "  - pip install 'moto[server]' so the suite can start moto itself (ORDERS_IT_PYTHON picks the interpreter).",
    ].join('\n'),
  );
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'failed';
}
