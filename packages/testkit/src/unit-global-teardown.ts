import { removeScratch } from './scratch-directory';

/** Jest globalTeardown of the `unit` project: removes the run's scratch directory. */
export default async function unitGlobalTeardown(): Promise<void> {
  removeScratch();
}
