// Builds the deployable OrderProcessor bundle: packages/lambda-entry/dist/index.mjs, and next to it
// dist/tracing-sdk.mjs, the OpenTelemetry SDK that index.mjs imports only when tracing is on (see
// tracingSdkChunkPlugin), with the settings in lambda-bundle-settings.cjs (shared with the
// benchmarks' reference handlers). The deployed asset is both files.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import settings from './lambda-bundle-settings.cjs';

const { LAMBDA_BUILD_SETTINGS, lambdaCredentialsPlugin, tracingSdkChunkPlugin, TRACING_SDK_ENTRY, TRACING_SDK_FILE } =
  settings;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(packageDir, 'dist');
// Metafile paths relative to the repository root whichever directory the build runs from
// (`packages/core/src/…`, `node_modules/.pnpm/…`), so the bench can name each input's package.
const repositoryDir = join(packageDir, '..', '..');

async function bundle(entry, file, plugins) {
  const outfile = join(distDir, file);
  const result = await build({
    ...LAMBDA_BUILD_SETTINGS,
    absWorkingDir: repositoryDir,
    entryPoints: [entry],
    outfile,
    plugins,
  });
  writeFileSync(join(distDir, file.replace(/\.mjs$/, '.meta.json')), JSON.stringify(result.metafile));
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith(file));
  console.log(`bundle: ${outfile} (${(output[1].bytes / 1024).toFixed(1)} KiB)`);
  return result.metafile;
}

const main = await bundle(join(packageDir, 'src', 'lambda-handler.ts'), 'index.mjs', [
  lambdaCredentialsPlugin,
  tracingSdkChunkPlugin,
]);
await bundle(TRACING_SDK_ENTRY, TRACING_SDK_FILE, []);

// The point of the second file: with tracing off, a cold start parses no SDK code. A change that
// made index.mjs import an SDK package statically would undo that silently; this stops the build.
const sdkInMain = Object.keys(main.inputs).filter(
  (input) => /node_modules\/@opentelemetry\//.test(input) && !/node_modules\/@opentelemetry\/api\//.test(input),
);
if (sdkInMain.length > 0) {
  throw new Error(
    `index.mjs must not contain the OpenTelemetry SDK (it belongs in ${TRACING_SDK_FILE}, loaded only when tracing is on), ` +
      `but it includes ${sdkInMain.slice(0, 3).join(', ')}${sdkInMain.length > 3 ? ', …' : ''}`,
  );
}
