import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { LAMBDA_BUILD_SETTINGS, lambdaCredentialsPlugin } from '@orders/lambda-entry/bundle-settings';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUNDLE_DIR, OURS_BUNDLE, OURS_BUNDLE_SCRIPT, OURS_METAFILE, REFERENCES_DIR, REPO_DIR } from './paths';

/**
 * The product's own esbuild settings (packages/lambda-entry/scripts/lambda-bundle-settings.cjs,
 * which scripts/bundle.mjs builds the deployable bundle with), so every reference is built exactly
 * the same way: ESM for node22, minified, module-first main fields, `module` kept among the
 * conditions, the createRequire banner. Not applied to the references: ours' plugin that swaps the
 * SDK's default credential chain for an environment-only provider — that is ours' own design
 * choice, not a build setting; `whatif-default-credential-chain` measures what it is worth.
 */
export const SAME_AS_OURS: BuildOptions = LAMBDA_BUILD_SETTINGS;

export interface BuiltBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

export const REFERENCE_NAMES = ['seed-style', 'powertools-style', 'floor'] as const;
export type ReferenceName = (typeof REFERENCE_NAMES)[number];

async function bundle(name: string, options: BuildOptions): Promise<BuiltBundle> {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const file = join(BUNDLE_DIR, `${name}.mjs`);
  const result = await build({ ...SAME_AS_OURS, ...options, outfile: file });
  const metafile = result.metafile as Metafile;
  writeFileSync(join(BUNDLE_DIR, `${name}.meta.json`), JSON.stringify(metafile));
  return { name, file, bytes: statSync(file).size, metafile };
}

/** `<name>.lambda` (as deployed) and `<name>.memory` (on the in-memory DynamoDB) for each reference. */
export async function buildReferenceBundles(): Promise<Map<string, BuiltBundle>> {
  const built = new Map<string, BuiltBundle>();
  for (const name of REFERENCE_NAMES) {
    for (const flavour of ['lambda', 'memory'] as const) {
      const entry = join(REFERENCES_DIR, `${name}.${flavour}.ts`);
      built.set(`${name}.${flavour}`, await bundle(`${name}.${flavour}`, { entryPoints: [entry] }));
    }
  }
  return built;
}

/** A bundle from source text, resolved as if it lived in `resolveDir` (to reach that package's dependencies). */
export function bundleSnippet(
  name: string,
  contents: string,
  resolveDir: string,
  extra: BuildOptions = {},
): Promise<BuiltBundle> {
  return bundle(name, { ...extra, stdin: { contents, resolveDir, sourcefile: `${name}.ts`, loader: 'ts' } });
}

/**
 * Ours' one plugin, as the product's build uses it: for the probes that stand for parts of ours,
 * so they are built exactly as ours is.
 */
export const OURS_CREDENTIALS_PLUGIN: Plugin = lambdaCredentialsPlugin;

/**
 * Ours, rebuilt with the product's own script (unless `rebuild` is false), then read from
 * packages/lambda-entry/dist — the artifact that ships.
 */
export function loadOursBundle(rebuild: boolean): BuiltBundle & { rebuilt: boolean; buildError?: string } {
  let rebuilt = false;
  let buildError: string | undefined;
  if (rebuild) {
    try {
      execFileSync(process.execPath, [OURS_BUNDLE_SCRIPT], { cwd: REPO_DIR, stdio: 'pipe' });
      rebuilt = true;
    } catch (error) {
      buildError = String((error as { stderr?: Buffer }).stderr ?? error)
        .trim()
        .split('\n')
        .slice(0, 5)
        .join(' | ');
    }
  }
  if (!existsSync(OURS_BUNDLE) || !existsSync(OURS_METAFILE)) {
    throw new Error(
      `ours is not built (${relative(REPO_DIR, OURS_BUNDLE)}): run \`pnpm build\`${buildError ? `; the bundle script failed: ${buildError}` : ''}`,
    );
  }
  const metafile = JSON.parse(readFileSync(OURS_METAFILE, 'utf8')) as Metafile;
  return {
    name: 'ours',
    file: OURS_BUNDLE,
    bytes: statSync(OURS_BUNDLE).size,
    metafile,
    rebuilt,
    ...(buildError ? { buildError } : {}),
  };
}

/** Which package an input path belongs to: the last `node_modules/<pkg>` in it, or the workspace folder. */
export function packageOf(inputPath: string): string {
  const parts = inputPath.split('/');
  const last = parts.lastIndexOf('node_modules');
  if (last >= 0) {
    const first = parts[last + 1] ?? '?';
    return first.startsWith('@') ? `${first}/${parts[last + 2] ?? '?'}` : first;
  }
  const packages = parts.indexOf('packages');
  if (packages >= 0 && parts[packages + 1]) return `@orders/${parts[packages + 1]}`;
  if (parts.includes('bench')) return 'bench (reference code)';
  return inputPath.startsWith('<stdin>') || inputPath.endsWith('.ts') ? '(entry)' : inputPath;
}

export interface Contributor {
  readonly name: string;
  readonly bytes: number;
  readonly share: number;
}

/** Bytes in the output per package, largest first (esbuild metafile `bytesInOutput`). */
export function topContributors(metafile: Metafile, count = 8): Contributor[] {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.mjs') || path.endsWith('.js'));
  if (!output) return [];
  const totals = new Map<string, number>();
  for (const [path, input] of Object.entries(output[1].inputs)) {
    const name = packageOf(path);
    totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
  }
  const total = output[1].bytes;
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => ({ name, bytes, share: bytes / total }));
}
