/**
 * The long-running consumers side by side: ours (`orders consume --until-empty`, the CLI
 * from its build) at several in-flight bounds, bbc's sqs-consumer swept over its instance count,
 * and a bare receive → puts → delete loop — each configuration as its own process, from compiled
 * JavaScript, draining a fresh queue of SNS-enveloped orders on the SQS stand-in (behind a delay
 * proxy with per-action round trips) into the DynamoDB stand-in, with the same conditional put per
 * message.
 *
 * Per run the stand-in records every request (action, arrival time) and the consumer process's
 * CPU time when its first receive arrived and when the queue was drained; the parent knows when it
 * spawned the process, and when the consumer noticed the queue was empty (ours and the bare loop:
 * their exit; sqs-consumer: its first `empty` event after the queue was drained). Rounds rotate the
 * order of the configurations, and ratios are paired per round.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createOrderGenerator } from '@orders/simulation';
import { snsEnvelopeBody } from '@orders/testkit';
import { build } from 'esbuild';
import { OUT_DIR, REPO_DIR } from '../paths';
import type { Standins } from '../standins/launch';
import type { QueueStats } from '../standins/fake-sqs';
import { EMPTY_LINE, type HarnessConfig } from './harness-config';

export const CONSUMER_KINDS = ['ours', 'sqs-consumer', 'bare-loop'] as const;
export type ConsumerKind = (typeof CONSUMER_KINDS)[number];

/** Messages per receive, for every consumer: SQS's most. */
export const BATCH_SIZE = 10;
/** Ours' default in-flight bound, in batches per poller (QueueConsumer's: one received, one processed, one deleted). */
export const OURS_DEFAULT_BATCHES_PER_POLLER = 3;

/** One consumer as one process runs it. */
export interface ConsumerConfig {
  /** How the tables name it: `ours` (its defaults), `ours@20`, `sqs-consumer×6`, `bare-loop×2`. */
  readonly id: string;
  readonly kind: ConsumerKind;
  /** Receive loops: ours' `--pollers`; sqs-consumer's instances (each polls one receive at a time); the bare loops. */
  readonly pollers: number;
  /**
   * Most messages held at once (received, not yet deleted): ours' `--max-in-flight`; for
   * sqs-consumer and the bare loop, one batch per instance or loop, since each finishes a batch
   * (puts, delete) before its next receive.
   */
  readonly maxInFlight: number;
}

/** Ours with `pollers` and `--max-in-flight maxInFlight` (its default, 3 batches per poller, when left out). */
export function oursConfig(pollers: number, maxInFlight?: number): ConsumerConfig {
  const defaultBound = pollers * BATCH_SIZE * OURS_DEFAULT_BATCHES_PER_POLLER;
  const bound = maxInFlight ?? defaultBound;
  return { id: bound === defaultBound ? 'ours' : `ours@${bound}`, kind: 'ours', pollers, maxInFlight: bound };
}

/** sqs-consumer with `instances` Consumers in one process (see peer-sqs-consumer.ts for why one process). */
export function sqsConsumerConfig(instances: number): ConsumerConfig {
  return {
    id: `sqs-consumer×${instances}`,
    kind: 'sqs-consumer',
    pollers: instances,
    maxInFlight: instances * BATCH_SIZE,
  };
}

export function bareLoopConfig(loops: number): ConsumerConfig {
  return { id: `bare-loop×${loops}`, kind: 'bare-loop', pollers: loops, maxInFlight: loops * BATCH_SIZE };
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly messages: number;
  readonly waitTimeSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  /** The DynamoDB stand-in listener (its delay is the put's round trip). */
  readonly dynamodbUrl: string;
  readonly rounds: number;
  /** Every configuration runs once per round, in an order rotated by the round. */
  readonly configs: readonly ConsumerConfig[];
  /**
   * Rounds (from the first) in which the references named in `noticeConfigs` run until they notice
   * the empty queue (a whole long poll each); in the others, and for the other references, they are
   * stopped once the queue is drained. Ours always runs until it notices: it exits.
   */
  readonly noticeRounds: number;
  readonly noticeConfigs: readonly string[];
}

export interface ConsumerRun {
  /** The configuration's id (ConsumerConfig.id). */
  readonly config: string;
  readonly kind: ConsumerKind;
  readonly round: number;
  readonly messages: number;
  readonly ok: boolean;
  readonly note?: string;
  /** Spawn → the first ReceiveMessage arriving at the stand-in. */
  readonly startToFirstReceiveMs?: number;
  /** The process's CPU time (user + system) when its first receive arrived. */
  readonly cpuMsBeforeFirstReceive?: number;
  /** Requests (any action, SQS) before the first receive. */
  readonly requestsBeforeFirstReceive?: number;
  /** Messages per second from the first receive to the delete that emptied the queue. */
  readonly messagesPerSecond?: number;
  /** The process's CPU time (user + system) from its first receive to the delete that emptied the queue. */
  readonly cpuMsDuringDrain?: number;
  /** The last delete → the consumer noticed the queue was empty (only when measured this round). */
  readonly noticeEmptyMs?: number;
  /** Requests by action (SQS on this queue, DynamoDB during the run), from spawn to notice (or stop). */
  readonly requests: Readonly<Record<string, number>>;
  /** Whether the run lasted until the consumer noticed the empty queue (its request counts are then complete). */
  readonly complete: boolean;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const CONSUMERS_DIR = join(OUT_DIR, 'consumers');
/** Ours: the CLI as its build left it (`--no-build` measures it as it is). */
export const OURS_CLI = join(REPO_DIR, 'packages', 'cli', 'dist', 'bin.js');
const RUN_LIMIT_MS = 120_000;
const now = (): number => performance.timeOrigin + performance.now();
/** This machine's monotonic clock (V8's profile timestamps), in µs, at a wall-clock time `at` (ms since the epoch). */
const monotonicUsAt = (at: number): number => Number(process.hrtime.bigint() / 1000n) - (now() - at) * 1000;

interface QueueProgress {
  readonly drainedAt: number | undefined;
  readonly remaining: number;
}

/** The compiled reference consumers, by kind. */
export type References = Readonly<Record<Exclude<ConsumerKind, 'ours'>, string>>;

/**
 * The reference consumers compiled to CommonJS next to each other, without bundling: like ours
 * (the CLI's tsc output), they load their dependencies from node_modules at start.
 */
export async function buildReferenceConsumers(): Promise<References> {
  mkdirSync(CONSUMERS_DIR, { recursive: true });
  await build({
    entryPoints: ['peer-sqs-consumer.ts', 'bare-loop.ts', 'harness-config.ts', 'reference-harness.ts'].map((file) =>
      join(__dirname, file),
    ),
    outdir: CONSUMERS_DIR,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    logLevel: 'silent',
  });
  return {
    'sqs-consumer': join(CONSUMERS_DIR, 'peer-sqs-consumer.js'),
    'bare-loop': join(CONSUMERS_DIR, 'bare-loop.js'),
  };
}

/**
 * Loads each consumer's modules once, unmeasured, so that the first measured start of whichever
 * consumer comes first does not also pay for a cold file cache.
 */
export async function warmUpConsumers(references: References): Promise<void> {
  const runs: string[][] = [[OURS_CLI, 'consume', '--help'], [references['sqs-consumer']], [references['bare-loop']]];
  for (const args of runs) {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env['PATH'] ?? '', BENCH_WARMUP: '1' },
      stdio: 'ignore',
    });
    await new Promise((resolve) => child.on('exit', resolve));
  }
}

/** Runs every round of a scenario: each configuration once per round, in an order rotated by the round. */
export async function runScenario(
  scenario: Scenario,
  standins: Standins,
  references: References,
  log: (message: string) => void,
): Promise<ConsumerRun[]> {
  const setup = new SQSClient({ endpoint: standins.sqsUrl, region: REGION, credentials: CREDENTIALS });
  const runs: ConsumerRun[] = [];
  let seed = 70_000 + scenario.name.length * 1000;
  const { configs } = scenario;
  try {
    for (let round = 0; round < scenario.rounds; round++) {
      const order = configs.map((_, i) => configs[(i + round) % configs.length] as ConsumerConfig);
      for (const config of order) {
        const queueName = `bench-${scenario.name}-${config.kind}-${config.pollers}-${config.maxInFlight}-${round}-${Date.now()}`;
        const queueUrl = await fillQueue(setup, queueName, scenario, seed++);
        const { run } = await runOne(config, { scenario, standins, references, queueName, queueUrl, round });
        runs.push(run);
        const cpu =
          run.cpuMsDuringDrain === undefined
            ? ''
            : `, ${((run.cpuMsDuringDrain * 1000) / run.messages).toFixed(0)} µs CPU/msg`;
        log(
          `  ${scenario.name} round ${round + 1}/${scenario.rounds} ${config.id}: ${run.ok ? `${run.messagesPerSecond?.toFixed(0)} msg/s${cpu}` : `failed (${run.note})`}`,
        );
      }
    }
  } finally {
    setup.destroy();
  }
  return runs;
}

/** A CPU profile of one drain (`node --cpu-prof`), and the drain's window in the profile's clock. */
export interface ProfiledRun {
  readonly run: ConsumerRun;
  /** The .cpuprofile file, when the process wrote one. */
  readonly profile: string | undefined;
  /** From the first receive to the delete that emptied the queue, in µs of the monotonic clock V8's profiles use. */
  readonly drainWindowUs: { readonly from: number; readonly to: number } | undefined;
}

/** Seeds of the profiled runs: orders no other run stored (a stored order would make every put a conditional failure). */
let profileSeed = 90_000;

/**
 * One unmeasured run of `config` in `scenario` under `node --cpu-prof`, the profile written into
 * `profileDir` (a fresh folder). The process is asked to stop (SIGTERM, not SIGKILL) once the queue
 * is drained, so that it writes its profile.
 */
export async function profileOne(
  config: ConsumerConfig,
  scenario: Scenario,
  standins: Standins,
  references: References,
  profileDir: string,
): Promise<ProfiledRun> {
  const setup = new SQSClient({ endpoint: standins.sqsUrl, region: REGION, credentials: CREDENTIALS });
  try {
    const queueName = `bench-profile-${config.kind}-${config.pollers}-${config.maxInFlight}-${Date.now()}`;
    const queueUrl = await fillQueue(setup, queueName, scenario, profileSeed++);
    mkdirSync(profileDir, { recursive: true });
    const profiled = await runOne(config, {
      scenario: { ...scenario, noticeRounds: 0 },
      standins,
      references,
      queueName,
      queueUrl,
      round: 0,
      profileDir,
    });
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    return { ...profiled, profile: file === undefined ? undefined : join(profileDir, file) };
  } finally {
    setup.destroy();
  }
}

async function fillQueue(client: SQSClient, name: string, scenario: Scenario, seed: number): Promise<string> {
  const created = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(scenario.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${REGION}:000000000000:${name}-dlq`,
          maxReceiveCount: '5',
        }),
      },
    }),
  );
  const queueUrl = created.QueueUrl as string;
  const generator = createOrderGenerator(seed);
  const batches: { Id: string; MessageBody: string }[][] = [];
  for (let sent = 0; sent < scenario.messages; sent += 10) {
    const size = Math.min(10, scenario.messages - sent);
    batches.push(
      Array.from({ length: size }, (_, i) => ({ Id: `m${i}`, MessageBody: snsEnvelopeBody(generator.next()) })),
    );
  }
  for (let i = 0; i < batches.length; i += 20) {
    await Promise.all(
      batches
        .slice(i, i + 20)
        .map((entries) => client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))),
    );
  }
  return queueUrl;
}

interface RunContext {
  readonly scenario: Scenario;
  readonly standins: Standins;
  readonly references: References;
  readonly queueName: string;
  readonly queueUrl: string;
  readonly round: number;
  /** Run under `node --cpu-prof`, writing the profile here. */
  readonly profileDir?: string;
}

function command(config: ConsumerConfig, context: RunContext): { args: string[]; env: NodeJS.ProcessEnv } {
  const { scenario, standins } = context;
  const { kind } = config;
  const nodeFlags = context.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', context.profileDir];
  const sqsEndpoint = standins.sqsProxyUrl as string;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '',
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
  if (kind === 'ours') {
    return {
      args: [
        ...nodeFlags,
        OURS_CLI,
        'consume',
        '--until-empty',
        '--quiet',
        '--json',
        '--pollers',
        String(config.pollers),
        '--max-in-flight',
        String(config.maxInFlight),
        '--wait-seconds',
        String(scenario.waitTimeSeconds),
        '--queue',
        context.queueName,
        '--table',
        'Orders',
      ],
      env: { ...env, AWS_ENDPOINT_URL_SQS: sqsEndpoint, AWS_ENDPOINT_URL_DYNAMODB: scenario.dynamodbUrl },
    };
  }
  const harness: HarnessConfig = {
    queueUrl: context.queueUrl,
    region: REGION,
    sqsEndpoint,
    dynamodbEndpoint: scenario.dynamodbUrl,
    tableName: 'Orders',
    pollers: config.pollers,
    waitTimeSeconds: scenario.waitTimeSeconds,
    visibilityTimeoutSeconds: scenario.visibilityTimeoutSeconds,
    heartbeatIntervalSeconds: Math.max(1, Math.floor(scenario.visibilityTimeoutSeconds / 3)),
  };
  return { args: [...nodeFlags, context.references[kind], JSON.stringify(harness)], env };
}

async function runOne(config: ConsumerConfig, context: RunContext): Promise<Omit<ProfiledRun, 'profile'>> {
  const { scenario, standins, queueName, round } = context;
  const { kind } = config;
  const measureNotice =
    kind === 'ours' || (round < scenario.noticeRounds && scenario.noticeConfigs.includes(config.id));
  const dynamodbBefore = await standins.ask<Record<string, number>>({ type: 'dynamodb-operations' });
  const { args, env } = command(config, context);
  const spawnedAt = now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await standins.ask({ type: 'sqs-watch', queue: queueName, pid: child.pid ?? 0 });
  const output = watchOutput(child);
  let note: string | undefined;
  let noticedAt: number | undefined;
  let progress: QueueProgress | undefined;
  const deadline = spawnedAt + RUN_LIMIT_MS;
  try {
    // Until the queue is drained (or the consumer died, or the run took too long).
    for (;;) {
      progress = await standins.ask<QueueProgress | undefined>({ type: 'sqs-progress', queue: queueName });
      if (progress?.drainedAt !== undefined) break;
      if (output.exitedAt !== undefined) {
        note = `exited before the queue was drained: ${output.stderr.trim().split('\n').pop() ?? ''}`;
        break;
      }
      if (now() > deadline) {
        note = 'the queue was not drained in time';
        break;
      }
      await sleep(25);
    }
    const drainedAt = progress?.drainedAt;
    if (note === undefined && drainedAt !== undefined && measureNotice) {
      noticedAt = await waitForNotice(kind, output, drainedAt, deadline);
      if (noticedAt === undefined) note = 'did not notice the empty queue in time';
    }
  } finally {
    // A profiled process must exit on its own terms to write its profile (the references stop on SIGTERM).
    if (output.exitedAt === undefined) child.kill(context.profileDir === undefined ? 'SIGKILL' : 'SIGTERM');
    await output.exited;
  }
  const stats = await standins.ask<QueueStats | undefined>({ type: 'sqs-stats', queue: queueName });
  const dynamodbAfter = await standins.ask<Record<string, number>>({ type: 'dynamodb-operations' });
  const requests: Record<string, number> = {};
  const windowEnd = noticedAt ?? output.exitedAt ?? now();
  for (const request of stats?.requests ?? []) {
    if (request.at < spawnedAt || request.at > windowEnd) continue;
    requests[request.action] = (requests[request.action] ?? 0) + 1;
  }
  for (const [operation, count] of Object.entries(dynamodbAfter)) {
    const delta = count - (dynamodbBefore[operation] ?? 0);
    if (delta > 0) requests[operation] = delta;
  }
  const receives = (stats?.requests ?? []).filter((r) => r.action === 'ReceiveMessage' && r.at >= spawnedAt);
  const firstReceive = receives[0];
  const drainedAt = stats?.drainedAt;
  const ok = note === undefined && drainedAt !== undefined && firstReceive !== undefined;
  const cpuAtFirstReceive = stats?.cpuMsAtFirstReceive;
  const cpuAtDrain = stats?.cpuMsAtDrain;
  const run: ConsumerRun = {
    config: config.id,
    kind,
    round,
    messages: scenario.messages,
    ok,
    ...(note === undefined ? {} : { note }),
    ...(firstReceive === undefined
      ? {}
      : {
          startToFirstReceiveMs: firstReceive.at - spawnedAt,
          requestsBeforeFirstReceive: (stats?.requests ?? []).filter(
            (r) => r.at >= spawnedAt && r.at < firstReceive.at && r.action !== 'ReceiveMessage',
          ).length,
        }),
    ...(stats?.cpuMsAtFirstReceive === undefined ? {} : { cpuMsBeforeFirstReceive: stats.cpuMsAtFirstReceive }),
    ...(ok && drainedAt !== undefined && firstReceive !== undefined
      ? { messagesPerSecond: scenario.messages / ((drainedAt - firstReceive.at) / 1000) }
      : {}),
    ...(ok && cpuAtFirstReceive !== undefined && cpuAtDrain !== undefined
      ? { cpuMsDuringDrain: cpuAtDrain - cpuAtFirstReceive }
      : {}),
    ...(noticedAt === undefined || drainedAt === undefined ? {} : { noticeEmptyMs: noticedAt - drainedAt }),
    requests,
    complete: noticedAt !== undefined,
  };
  return {
    run,
    drainWindowUs:
      ok && firstReceive !== undefined && drainedAt !== undefined
        ? { from: monotonicUsAt(firstReceive.at), to: monotonicUsAt(drainedAt) }
        : undefined,
  };
}

interface OutputWatch {
  stdout: string;
  stderr: string;
  exitedAt: number | undefined;
  exitCode: number | null | undefined;
  readonly exited: Promise<void>;
  /** `empty` lines, by the time the process wrote in them. */
  readonly emptyAt: number[];
}

function watchOutput(child: ChildProcess): OutputWatch {
  const watch: OutputWatch = {
    stdout: '',
    stderr: '',
    exitedAt: undefined,
    exitCode: undefined,
    emptyAt: [],
    exited: new Promise<void>((resolve) => {
      child.on('exit', (code) => {
        watch.exitedAt = now();
        watch.exitCode = code;
        resolve();
      });
    }),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    watch.stdout = (watch.stdout + text).slice(-20_000);
    for (const line of text.split('\n')) {
      const [word, at] = line.trim().split(' ');
      if (word === EMPTY_LINE && at !== undefined) watch.emptyAt.push(Number(at));
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    watch.stderr = (watch.stderr + chunk.toString('utf8')).slice(-4_000);
  });
  return watch;
}

/** When the consumer noticed the queue was empty: its exit (ours, bare loop), its first `empty` after the drain (sqs-consumer). */
async function waitForNotice(
  kind: ConsumerKind,
  output: OutputWatch,
  drainedAt: number,
  deadline: number,
): Promise<number | undefined> {
  for (;;) {
    if (kind === 'sqs-consumer') {
      const empty = output.emptyAt.find((at) => at >= drainedAt);
      if (empty !== undefined) return empty;
      if (output.exitedAt !== undefined) return undefined;
    } else if (output.exitedAt !== undefined) {
      return output.exitCode === 0 ? output.exitedAt : undefined;
    }
    if (now() > deadline) return undefined;
    await sleep(5);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
