import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One scratch directory per Jest run as the system temp folder (TMPDIR), removed at the
 * end: temporary files of the tests, of CDK's synths and of the emulator's log land there instead
 * of littering the machine. Set in global setup, so the tests (integration: in band, in this process) and
 * the processes they start see it; in the unit project, the workers forked afterwards inherit it (a
 * test file's own process.env is a copy that Node's os.tmpdir() never reads).
 */
const KEY = 'ORDERS_TEST_SCRATCH';

export function createScratch(): void {
  const scratch = mkdtempSync(join(tmpdir(), 'orders-test-'));
  process.env[KEY] = scratch;
  process.env['TMPDIR'] = scratch;
}

export function removeScratch(): void {
  const scratch = process.env[KEY];
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
}
