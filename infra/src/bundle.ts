import * as fs from 'node:fs';
import * as path from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The deployable artifact is the bundle `pnpm build` writes (esbuild, ESM, exports `handler`), and
 * beside it the OpenTelemetry SDK that the bundle imports only when tracing is on (so that tracing
 * can be turned on by the OTEL_* variables alone, while a cold start with it off never reads it).
 * The infrastructure never builds code itself: no NodejsFunction, no Docker, no second esbuild run.
 */
export const DEFAULT_BUNDLE_DIR = path.resolve(__dirname, '..', '..', 'packages', 'lambda-entry', 'dist');
export const BUNDLE_ENTRY_FILE = 'index.mjs';
export const BUNDLE_SOURCE_MAP_FILE = 'index.mjs.map';
/** packages/lambda-entry/scripts/lambda-bundle-settings.cjs's TRACING_SDK_FILE (bundle-asset.test.ts holds them equal). */
export const TRACING_SDK_FILE = 'tracing-sdk.mjs';
export const TRACING_SDK_SOURCE_MAP_FILE = 'tracing-sdk.mjs.map';
/** `<file without extension>.<exported function>` of the entry file. */
export const HANDLER = 'index.handler';

export class BundleNotFoundError extends Error {
  override readonly name = 'BundleNotFoundError';
  readonly code = 'BUNDLE_NOT_FOUND';
  constructor(readonly file: string) {
    super(
      `The OrderProcessor bundle ${file} does not exist (or is empty). ` +
        'Run `pnpm build` at the repository root first: the stack deploys the bundle it produces.',
    );
  }
}

export interface BundleOptions {
  /** Directory that holds the bundle. @default packages/lambda-entry/dist */
  readonly directory?: string;
  /** Ship the source maps next to the bundle (see OrderProcessingStackProps.sourceMaps). @default false */
  readonly includeSourceMap?: boolean;
}

/** The files that go into the Lambda asset, relative to the bundle directory. */
export function bundleFiles(options: BundleOptions = {}): string[] {
  return options.includeSourceMap
    ? [BUNDLE_ENTRY_FILE, TRACING_SDK_FILE, BUNDLE_SOURCE_MAP_FILE, TRACING_SDK_SOURCE_MAP_FILE]
    : [BUNDLE_ENTRY_FILE, TRACING_SDK_FILE];
}

/**
 * Lambda code from the existing bundle. `dist/` also holds `tsc` output (index.js, *.d.ts,
 * .tsbuildinfo, ...), so the asset keeps exactly the deployable files: gitignore-style patterns
 * exclude every top-level entry (`/*`, which also drops whole sub-directories) and re-include only
 * the bundle and the tracing SDK (and, on request, their source maps). The asset hash is the hash of
 * those files only.
 */
export function orderProcessorCode(options: BundleOptions = {}): lambda.AssetCode {
  const directory = path.resolve(options.directory ?? DEFAULT_BUNDLE_DIR);
  const files = bundleFiles(options);
  for (const file of files) {
    const absolute = path.join(directory, file);
    if (!isNonEmptyFile(absolute)) {
      throw new BundleNotFoundError(absolute);
    }
  }
  return lambda.Code.fromAsset(directory, {
    ignoreMode: IgnoreMode.GIT,
    exclude: ['/*', ...files.map((file) => `!/${file}`)],
  });
}

function isNonEmptyFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.size > 0;
  } catch {
    return false;
  }
}
