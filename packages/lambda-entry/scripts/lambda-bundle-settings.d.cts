import type { BuildOptions, Plugin } from 'esbuild';

/** The deployable bundle's esbuild settings (no entry point, output or plugins). */
export declare const LAMBDA_BUILD_SETTINGS: Readonly<BuildOptions>;
/** Resolves `@aws-sdk/credential-provider-node` to the environment-only provider. */
export declare const lambdaCredentialsPlugin: Plugin;
/** The OpenTelemetry SDK's file next to index.mjs: `tracing-sdk.mjs`. */
export declare const TRACING_SDK_FILE: string;
/** The SDK file's entry point (@orders/observability's src/tracing/tracing-sdk.ts). */
export declare const TRACING_SDK_ENTRY: string;
/** Leaves start-tracing's dynamic import of the SDK a dynamic import of TRACING_SDK_FILE. */
export declare const tracingSdkChunkPlugin: Plugin;
