import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildCapacityTables } from './capacity-tables';
import { CAPACITY_DOC, renderCapacityTables, spliceCapacityTables } from './capacity-tables-markdown';

/** Where `--capacity-tables --write` cannot write. */
export class CapacityDocMissingError extends Error {
  override readonly name = 'CapacityDocMissingError';
  readonly code = 'capacity_doc_missing';
}

/**
 * `orders simulate --capacity-tables [--write]`: runs the seeded scenarios, then prints the generated
 * part of docs/capacity.md, or with `write` puts it between the document's markers (run from the
 * repository root). Says on stderr which run is going (the whole takes seconds to a minute).
 */
export async function capacityTablesCommand(options: { readonly write: boolean }): Promise<void> {
  const path = resolve(CAPACITY_DOC);
  // Before minutes of simulation, not after: a --write that cannot write says so at once.
  if (options.write && !existsSync(path))
    throw new CapacityDocMissingError(
      `there is no ${CAPACITY_DOC} in ${process.cwd()}: run --capacity-tables --write from the repository root`,
    );
  const tables = await buildCapacityTables((what) => process.stderr.write(`simulate: ${what}\n`));
  const generated = renderCapacityTables(tables);
  if (!options.write) {
    process.stdout.write(`${generated}\n`);
    return;
  }
  const before = readFileSync(path, 'utf8');
  const after = spliceCapacityTables(before, generated);
  if (after === before) {
    process.stderr.write(`simulate: ${CAPACITY_DOC} is up to date\n`);
    return;
  }
  writeFileSync(path, after);
  process.stderr.write(`simulate: ${CAPACITY_DOC}: tables rewritten\n`);
}
