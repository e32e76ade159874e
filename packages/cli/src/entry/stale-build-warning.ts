import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `orders` runs from its build. In a checkout, a source file edited after the last `pnpm build`
 * would silently not count: say so, once, on stderr. Outside a checkout (no sources beside the
 * build) this does nothing. Costs a few milliseconds of `stat`.
 */
export function staleBuildWarning(packagesDirectory: string): string | undefined {
  let packages: string[];
  try {
    packages = readdirSync(packagesDirectory);
  } catch {
    return undefined;
  }
  const stale = packages.filter((name) => {
    const builtAt = mtimeOf(join(packagesDirectory, name, 'dist', '.tsbuildinfo'));
    return builtAt !== undefined && newestSource(join(packagesDirectory, name, 'src')) > builtAt;
  });
  return stale.length === 0
    ? undefined
    : `orders: ${stale.map((name) => `packages/${name}/src`).join(', ')} changed after the last build, which is what runs; run \`pnpm build\` to include the change.`;
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestSource(directory: string): number {
  let newest = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, mtimeOf(path) ?? 0);
  }
  return newest;
}
