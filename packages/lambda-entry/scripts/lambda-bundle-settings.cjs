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

/** The OpenTelemetry SDK's own file, next to index.mjs in the deployed asset (infra/src/bundle.ts ships both). */
exports.TRACING_SDK_FILE = 'tracing-sdk.mjs';
/** Its entry point: the one module that imports the SDK packages (@orders/observability's tracing-sdk.ts). */
exports.TRACING_SDK_ENTRY = join(packageDir, '..', 'observability', 'src', 'tracing', 'tracing-sdk.ts');

/**
 * Keeps the OpenTelemetry SDK out of index.mjs. start-tracing.ts loads the SDK with
 * `import('./tracing-sdk.js')`, only when tracing is on; bundled as usual, esbuild would inline the
 * SDK into index.mjs, where every cold start would read and parse it. This plugin leaves that import
 * dynamic and points it at TRACING_SDK_FILE, built separately (scripts/bundle.mjs), so with tracing
 * off the init reads only index.mjs (in which @opentelemetry/api is the only OpenTelemetry code) and
 * turning tracing on needs no rebuild, only the OTEL_* variables. The SDK file bundles its own copy of
 * @opentelemetry/api: the API keeps its registrations on a process-wide global, so both copies see
 * the provider start-tracing registers.
 */
exports.tracingSdkChunkPlugin = Object.freeze({
  name: 'tracing-sdk-chunk',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/tracing-sdk(\.js)?$/ }, (args) =>
      args.kind === 'dynamic-import' && /[\\/]tracing[\\/]start-tracing\.ts$/.test(args.importer)
        ? { path: `./${exports.TRACING_SDK_FILE}`, external: true }
        : undefined,
    );
  },
});
