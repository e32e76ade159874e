import { parseArgs } from 'node:util';
import type { AwsServiceName } from './aws-request-identity';
import { startFaultProxy } from './fault-injecting-proxy';
import { FAULT_KINDS, type FaultKind, type FaultRule } from './fault-plan';

const USAGE = `pnpm fault-proxy -- --target <url> [options]

A fault-injecting proxy in front of an AWS endpoint (an emulator). Point a client's
AWS_ENDPOINT_URL at it; Ctrl-C prints what it injected (one JSON line) and exits.

  --target <url>       where requests go (required), e.g. http://127.0.0.1:5000
  --port <n>           where it listens on 127.0.0.1 (default: a free port, printed)
  --rate <p>           probability that a request gets a fault, 0–1 (default 0.2)
  --seed <n>           seed of the fault decisions (default 1)
  --services <list>    only these services: dynamodb,sqs,sns (default: all)
  --actions <list>     only these actions, e.g. PutItem,DeleteMessageBatch (default: all)
  --kinds <list>       fault kinds, equally likely (default: all but stall-body):
                       ${FAULT_KINDS.join(', ')}
  --delay-ms <n>       how long a late answer is held back (default 10000)`;

const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);

function fail(message: string): never {
  process.stderr.write(`fault-proxy: ${message}\n\n${USAGE}\n`);
  process.exit(1);
}

function number(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max)
    fail(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        target: { type: 'string' },
        port: { type: 'string' },
        rate: { type: 'string' },
        seed: { type: 'string' },
        services: { type: 'string' },
        actions: { type: 'string' },
        kinds: { type: 'string' },
        'delay-ms': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values['help'] === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const target = values['target'];
  if (typeof target !== 'string') fail('--target is required');
  const str = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const kinds = list(str('kinds'));
  for (const kind of kinds ?? []) if (!FAULT_KINDS.includes(kind as FaultKind)) fail(`unknown fault kind "${kind}"`);
  const services = list(str('services'));
  for (const service of services ?? [])
    if (!['dynamodb', 'sqs', 'sns'].includes(service)) fail(`unknown service "${service}"`);
  const actions = list(str('actions'));
  const rule: FaultRule = {
    rate: number('rate', str('rate'), 0.2, 0, 1),
    ...(services === undefined ? {} : { services: services as AwsServiceName[] }),
    ...(actions === undefined ? {} : { actions }),
    ...(kinds === undefined ? {} : { kinds: Object.fromEntries(kinds.map((kind) => [kind, 1])) }),
  };
  const proxy = await startFaultProxy({
    target,
    seed: number('seed', str('seed'), 1, 0, 2 ** 32 - 1),
    rules: [rule],
    delayMs: number('delay-ms', str('delay-ms'), 10_000, 0, 600_000),
    port: number('port', str('port'), 0, 0, 65_535),
  });
  process.stderr.write(
    `fault-proxy: ${proxy.url} → ${target}, ${rule.rate} of requests faulted (Ctrl-C prints the counts)\n`,
  );
  const finish = async (): Promise<void> => {
    const counts = proxy.counts();
    await proxy.close();
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    process.exit(0);
  };
  process.once('SIGINT', () => void finish());
  process.once('SIGTERM', () => void finish());
}

void main();
