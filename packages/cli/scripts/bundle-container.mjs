// Builds the consumer image's one file: packages/cli/dist/container/orders.cjs (`orders consume`,
// the AWS SDK and every other dependency inside), which container/Dockerfile copies. Bundled here on
// the host because the image build may not reach a package registry (it needs no network at all).
// Usage: node scripts/bundle-container.mjs   (pnpm --filter @orders/cli run bundle:container)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(packageDir, 'dist', 'container');
const outfile = join(outdir, 'orders.cjs');
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

/** `0.1.0+abc1234` (`-dirty` when the checkout has changes), or the bare version outside git. */
function buildVersion() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: packageDir, encoding: 'utf8', timeout: 10_000 }).trim();
    const commit = git('rev-parse', '--short=12', 'HEAD');
    return `${version}+${commit}${git('status', '--porcelain') === '' ? '' : '-dirty'}`;
  } catch {
    return version;
  }
}

// Only what this build writes: a stale file left beside the bundle would not reach the image
// (.dockerignore admits orders.cjs alone) but would mislead whoever looks here.
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const started = performance.now();
const result = await build({
  entryPoints: [join(packageDir, 'src', 'entry', 'consumer-image-main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node24',
  // CommonJS, like the CLI's own build: no createRequire banner, and `require.main` keeps its meaning.
  format: 'cjs',
  // Workspace packages from their TypeScript sources; the SDK from its ES module builds, which
  // tree-shake (the Lambda bundle's settings, scripts/lambda-bundle-settings.cjs in lambda-entry).
  mainFields: ['module', 'main'],
  conditions: ['source', 'module'],
  // Whitespace and syntax only: identifiers stay, so a stack trace in the task's log reads without
  // a source map (the image ships none). keepNames for error names, as in the Lambda bundle.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  define: { ORDERS_CONSUMER_VERSION: JSON.stringify(buildVersion()) },
});

// The metafile stays beside the bundle for `esbuild --analyze`-style questions; it is not copied.
writeFileSync(join(outdir, 'orders.meta.json'), JSON.stringify(result.metafile));
const bytes = result.metafile.outputs[relative(process.cwd(), outfile)]?.bytes ?? readFileSync(outfile).length;
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`consumer bundle: ${outfile} (${(bytes / 1024).toFixed(1)} KiB, ${seconds} s)`);
