import { takeSelectedEndpoint } from './global-setup';
import { removeScratch } from '../scratch-directory';

/** Jest globalTeardown for the `integration` project: stops the moto process or the container global setup started. */
export default async function globalTeardown(): Promise<void> {
  const selected = takeSelectedEndpoint();
  if (selected !== undefined) await selected.stop();
  removeScratch();
}
