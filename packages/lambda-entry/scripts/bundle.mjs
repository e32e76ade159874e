// Builds the deployable OrderProcessor bundle: packages/lambda-entry/dist/index.mjs, with the
// settings in lambda-bundle-settings.cjs (shared with the benchmarks' reference handlers).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import settings from './lambda-bundle-settings.cjs';

const { LAMBDA_BUILD_SETTINGS, lambdaCredentialsPlugin } = settings;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(packageDir, 'dist', 'index.mjs');

const result = await build({
  ...LAMBDA_BUILD_SETTINGS,
  entryPoints: [join(packageDir, 'src', 'lambda-handler.ts')],
  outfile,
  plugins: [lambdaCredentialsPlugin],
});

writeFileSync(join(packageDir, 'dist', 'index.meta.json'), JSON.stringify(result.metafile));
const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith('index.mjs'))].bytes;
console.log(`bundle: ${outfile} (${(bytes / 1024).toFixed(1)} KiB)`);
