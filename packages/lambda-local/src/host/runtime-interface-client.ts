import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HostSetupError } from '../errors';

/** AWS's runtime interface client for Node.js, as installed: its entry module and version. */
export interface RuntimeInterfaceClient {
  readonly entry: string;
  readonly version: string;
}

/**
 * Finds `aws-lambda-ric` (the package the managed Node.js runtimes run as /var/runtime/index.mjs)
 * and checks that its native addon was built: pnpm builds it at install time only because
 * pnpm-workspace.yaml lists it in onlyBuiltDependencies.
 */
export function locateRuntimeInterfaceClient(): RuntimeInterfaceClient {
  let manifestPath: string;
  try {
    manifestPath = require.resolve('aws-lambda-ric/package.json');
  } catch (error) {
    throw new HostSetupError('runtime_client_missing', 'aws-lambda-ric is not installed: run pnpm install', {
      cause: error,
    });
  }
  const root = dirname(manifestPath);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string; main?: string };
  const entry = join(root, manifest.main ?? 'index.mjs');
  if (!existsSync(join(root, 'rapid-client.node'))) {
    throw new HostSetupError(
      'runtime_client_not_built',
      `aws-lambda-ric ${manifest.version} has no native addon (${join(root, 'rapid-client.node')}): its install script did not run. ` +
        'Run `pnpm rebuild aws-lambda-ric` (it builds with node-gyp: python3, make, cmake and g++ are needed)',
    );
  }
  return { entry, version: manifest.version };
}
