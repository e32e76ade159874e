// The OrderProcessor bundle's esbuild settings, in one place: scripts/bundle.mjs builds the
// deployable bundle with them, and the benchmarks (bench/) build their reference handlers with the
// same settings, so "bundled the same way" cannot drift. CommonJS so that both the ESM build script
// and CommonJS TypeScript can import it.
'use strict';
const { join } = require('node:path');

const packageDir = join(__dirname, '..');

/**
 * ESM for nodejs24.x, minified, with a source map. `mainFields: module,main` makes the AWS SDK
 * resolve to its ES module builds (about a third smaller). Workspace packages bundle from their
 * TypeScript sources (the `source` condition); setting conditions drops esbuild's implicit
 * `module`, so it is listed too, or the SDK's exports resolve to CommonJS that does not
 * tree-shake. The banner gives the ESM bundle a `require` for CommonJS dependencies that call it.
 * `keepNames` keeps class and function names through minification: the Lambda runtime reports an
 * error's `constructor.name` as the errorType of its JSON "Invoke Error" / "Init Error" log lines,
 * and without it MalformedEventError showed as "co" and ConfigurationError as "Rr". What it costs
 * in bytes and cold start is measured by `pnpm bench` (whatif-no-keep-names).
 */
exports.LAMBDA_BUILD_SETTINGS = Object.freeze({
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  keepNames: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  conditions: ['source', 'module'],
  banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

/**
 * Lambda passes the role's credentials in environment variables, so the bundle swaps the SDK's
 * default credential chain for an environment-only provider (see that module for the numbers).
 */
exports.lambdaCredentialsPlugin = Object.freeze({
  name: 'lambda-environment-credentials',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: join(packageDir, 'src', 'runtime', 'lambda-environment-credentials.ts'),
    }));
  },
});
