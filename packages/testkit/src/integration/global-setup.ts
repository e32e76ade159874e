import { selectEndpoint, selectionInputsFrom, type SelectedEndpoint } from './endpoint-selection';
import { createScratch } from '../scratch-directory';
import { ENV, TEST_REGION } from './integration-environment';

/**
 * Jest globalSetup for the `integration` project: picks the endpoint (AWS_ENDPOINT_URL, else
 * LocalStack, else a moto container, else a moto process: endpoint-selection.ts), then publishes
 * it to the test workers through process.env, which they inherit. The started emulator is kept on
 * globalThis, shared with globalTeardown (same process).
 */
export const SELECTED_ENDPOINT_KEY = Symbol.for('orders.integration.selectedEndpoint');

type GlobalWithEndpoint = typeof globalThis & { [SELECTED_ENDPOINT_KEY]?: SelectedEndpoint };

export default async function globalSetup(): Promise<void> {
  createScratch();
  const env = process.env;
  const selected = await selectEndpoint(selectionInputsFrom(env));
  (globalThis as GlobalWithEndpoint)[SELECTED_ENDPOINT_KEY] = selected;

  env[ENV.endpoint] = selected.endpoint;
  env[ENV.kind] = selected.kind;
  env[ENV.flavour] = selected.flavour;
  // Emulators accept any region and any credentials; set them only when the user has not.
  env[ENV.region] ||= TEST_REGION;
  env['AWS_DEFAULT_REGION'] ||= env[ENV.region];
  env['AWS_ACCESS_KEY_ID'] ||= 'test';
  env['AWS_SECRET_ACCESS_KEY'] ||= 'test';
  process.stdout.write(`\n[integration] endpoint: ${selected.description}\n`);
}

/** The endpoint global setup started, if any: for global teardown. */
export function takeSelectedEndpoint(): SelectedEndpoint | undefined {
  const holder = globalThis as GlobalWithEndpoint;
  const selected = holder[SELECTED_ENDPOINT_KEY];
  delete holder[SELECTED_ENDPOINT_KEY];
  return selected;
}
