import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's root, from this file's place in it. */
export const REPOSITORY_ROOT = resolve(__dirname, '../../../..');

/** The library packages whose public API is tracked: every package with a `src/index.ts`. */
export function libraryEntryPoints(): string[] {
  const packages = join(REPOSITORY_ROOT, 'packages');
  return readdirSync(packages)
    .map((name) => join(packages, name, 'src', 'index.ts'))
    .filter((entryPoint) => existsSync(entryPoint))
    .sort();
}
