import { createScratch } from './scratch-directory';

/** Jest globalSetup of the `unit` project: the run's scratch directory as TMPDIR. */
export default async function unitGlobalSetup(): Promise<void> {
  createScratch();
}
