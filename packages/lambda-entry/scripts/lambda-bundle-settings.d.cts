import type { BuildOptions, Plugin } from 'esbuild';

/** The deployable bundle's esbuild settings (no entry point, output or plugins). */
export declare const LAMBDA_BUILD_SETTINGS: Readonly<BuildOptions>;
/** Resolves `@aws-sdk/credential-provider-node` to the environment-only provider. */
export declare const lambdaCredentialsPlugin: Plugin;
