/**
 * What global setup tells the test workers, through environment variables (the only channel
 * from Jest's globalSetup to its workers): the endpoint, and what kind of emulator answers there.
 */

/**
 * What started the endpoint: `moto`, a moto process the suite started; `moto-container` and
 * `localstack`, a container testcontainers started; `external`, AWS_ENDPOINT_URL set by the user.
 */
export type EmulatorKind = 'moto' | 'moto-container' | 'localstack' | 'external';

/** What answers at an external endpoint, as probed: decides how state can be reset. */
export type EmulatorFlavour = 'moto' | 'localstack' | 'unknown';

export const ENV = {
  endpoint: 'AWS_ENDPOINT_URL',
  region: 'AWS_REGION',
  kind: 'ORDERS_IT_EMULATOR_KIND',
  flavour: 'ORDERS_IT_EMULATOR_FLAVOUR',
  /**
   * Optional input: `localstack`, `moto-container` or `moto-process` forces that one path; `moto`
   * either moto path. Unset, the paths are tried in order (see endpoint-selection.ts).
   */
  prefer: 'ORDERS_IT_EMULATOR',
  /** Optional input: the Python interpreter that runs moto (default python3). */
  python: 'ORDERS_IT_PYTHON',
  /** Optional input: the LocalStack image (default localstack.ts's pinned free tag). */
  localstackImage: 'LOCALSTACK_IMAGE',
  /** Optional input: moto's image (default moto-container.ts's pinned motoserver/moto tag). */
  motoImage: 'ORDERS_IT_MOTO_IMAGE',
} as const;

export const TEST_REGION = 'us-east-1';

export interface IntegrationEnvironment {
  readonly endpoint: string;
  readonly region: string;
  readonly kind: EmulatorKind;
  readonly flavour: EmulatorFlavour;
}

const KINDS: readonly string[] = ['moto', 'moto-container', 'localstack', 'external'];
const FLAVOURS: readonly string[] = ['moto', 'localstack', 'unknown'];

/**
 * The endpoint global setup chose, read in a test. Throws (never skips) when the suite runs
 * without the integration project's global setup, e.g. a file run with the wrong --selectProjects.
 */
export function integrationEnvironment(env: NodeJS.ProcessEnv = process.env): IntegrationEnvironment {
  const endpoint = env[ENV.endpoint];
  const kind = env[ENV.kind];
  const flavour = env[ENV.flavour];
  if (
    !endpoint ||
    kind === undefined ||
    !KINDS.includes(kind) ||
    flavour === undefined ||
    !FLAVOURS.includes(flavour)
  ) {
    throw new Error(
      'No integration endpoint: this test must run in the jest "integration" project, whose global setup ' +
        'chooses AWS_ENDPOINT_URL, LocalStack, a moto container or a moto process (npx jest --selectProjects integration).',
    );
  }
  return {
    endpoint,
    region: env[ENV.region] ?? TEST_REGION,
    kind: kind as EmulatorKind,
    flavour: flavour as EmulatorFlavour,
  };
}
