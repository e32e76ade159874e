import { type ResourceNames, suffixedResourceNames } from '@orders/adapters-aws';
import { baseUrl, isRealAws, probe } from './http-probe';
import { integrationEnvironment, type IntegrationEnvironment } from './integration-environment';
import { wipeAwsResources } from './resource-wipe';

export interface ResetReport {
  /**
   * - `moto-api`: POST /moto-api/reset cleared every backend;
   * - `localstack-state`: POST /_localstack/state/reset did;
   * - `wipe`: tables, queues and topics were deleted one by one (LocalStack without the reset API);
   * - `none`: the endpoint is neither moto nor LocalStack, so nothing was deleted. Suites that
   *   must not see each other's data use their own resource names (see `uniqueResourceNames`).
   */
  readonly method: 'moto-api' | 'localstack-state' | 'wipe' | 'none';
}

/**
 * Clears the emulator's state. Call it in each suite's `beforeAll` so suites start from nothing
 * and do not depend on the order they run in. Throws when a reset the emulator supports fails.
 */
export async function resetEmulator(
  environment: IntegrationEnvironment = integrationEnvironment(),
): Promise<ResetReport> {
  const { endpoint, flavour, region } = environment;
  if (isRealAws(endpoint)) return { method: 'none' };
  const base = baseUrl(endpoint);
  if (flavour === 'moto') {
    const answer = await probe(`${base}/moto-api/reset`, { method: 'POST' }, 10_000);
    if (answer?.status !== 200)
      throw new Error(`moto did not reset its state at ${base} (HTTP ${answer?.status ?? 'no answer'}).`);
    return { method: 'moto-api' };
  }
  if (flavour === 'localstack') {
    const answer = await probe(`${base}/_localstack/state/reset`, { method: 'POST' }, 30_000);
    if (answer !== undefined && answer.status >= 200 && answer.status < 300) return { method: 'localstack-state' };
    await wipeAwsResources(endpoint, region);
    return { method: 'wipe' };
  }
  return { method: 'none' };
}

let uniqueCounter = 0;

/**
 * Resource names no other suite or run uses: `<prefix>-<label>-<run>-<n>`. With them a suite is
 * isolated even on a shared endpoint that cannot be reset.
 */
export function uniqueResourceNames(label: string): ResourceNames {
  return suffixedResourceNames(`${label}-${Date.now().toString(36)}-${++uniqueCounter}`);
}
