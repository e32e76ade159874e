/**
 * Stage: can ours' bundle start for real (DynamoDB repository), or only with
 * ORDERS_REPOSITORY=memory? Only the first makes ours' figures comparable with the references'.
 */
import { spawnSync } from 'node:child_process';
import { handlerEnvironment } from '../environment';

export interface OursRepository {
  readonly repository: 'dynamodb' | 'memory';
  /** Ours starts on DynamoDB like the references: its figures can be set beside theirs. */
  readonly comparable: boolean;
  readonly notes: readonly string[];
}

export function checkOursRepository(oursFile: string, endpoint: string): OursRepository {
  const result = spawnSync(process.execPath, [oursFile], {
    env: handlerEnvironment({ AWS_ENDPOINT_URL: endpoint }),
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status === 0) return { repository: 'dynamodb', comparable: true, notes: [] };
  const error =
    result.stderr.split('\n').find((line) => /Error|error/.test(line)) ?? result.stderr.trim().split('\n')[0] ?? '';
  return {
    repository: 'memory',
    comparable: false,
    notes: [
      `ours' bundle does not start with ORDERS_REPOSITORY=dynamodb (${error.trim()}): its cold start is measured with ORDERS_REPOSITORY=memory (no AWS SDK in the bundle, so NOT comparable), and every DynamoDB-backed figure for ours is missing`,
    ],
  };
}
