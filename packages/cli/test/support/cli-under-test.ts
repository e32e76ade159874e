import { join } from 'node:path';
import type { ResourceNames } from '@orders/adapters-aws';

// What the CLI's integration suites share: where a user runs `orders` from, how to start it from
// its sources, the shell it gets, and the flags that point it at a suite's own resources.

/** The repository root: where a user runs `./orders` (its build) and `pnpm orders`. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..', '..', '..');

/** Node's arguments that run `orders` from its TypeScript sources (no build needed), from the root. */
export const CLI_FROM_SOURCES = ['--import', 'tsx', '--conditions=source', 'packages/cli/src/main.ts'];

/**
 * The environment a user's shell gives the CLI to talk to an emulator: PATH, the endpoint, a
 * region and test credentials — nothing else of the test runner's environment.
 */
export function emulatorShell(endpoint: string, region: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  };
}

/** The flags that point a command at these resources instead of the default names. */
export function nameFlags(names: ResourceNames): string[] {
  return ['--table', names.tableName, '--topic', names.topicName, '--queue', names.queueName, '--dlq', names.dlqName];
}
