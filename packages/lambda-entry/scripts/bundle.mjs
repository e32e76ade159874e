// Builds the deployable OrderProcessor bundle: packages/lambda-entry/dist/index.mjs.
// ESM for nodejs22.x, minified, with a source map; `--main-fields=module,main` makes the AWS SDK
// resolve to its ES module builds (about a third smaller). The banner gives the ESM bundle a
// `require` for the few CommonJS dependencies that call it.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(packageDir, 'dist', 'index.mjs');

// Lambda passes the role's credentials in environment variables; see the replacement module.
const lambdaCredentials = {
  name: 'lambda-environment-credentials',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: join(packageDir, 'src', 'runtime', 'lambda-environment-credentials.ts'),
    }));
  },
};

const result = await build({
  entryPoints: [join(packageDir, 'src', 'lambda-handler.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  // Workspace packages bundle from their TypeScript sources: one build, no stale dist.
  // Setting conditions drops esbuild's implicit "module"; keep it so the SDK's exports resolve to ESM.
  conditions: ['source', 'module'],
  banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
  plugins: [lambdaCredentials],
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

writeFileSync(join(packageDir, 'dist', 'index.meta.json'), JSON.stringify(result.metafile));
const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith('index.mjs'))].bytes;
console.log(`bundle: ${outfile} (${(bytes / 1024).toFixed(1)} KiB)`);
