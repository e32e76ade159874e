/**
 * Stage: the long-running consumer scaled out — N `orders consume --until-empty` processes (the CLI
 * from its build, each with its defaults: 2 pollers, 3 batches in flight per poller) on one queue
 * of the SQS stand-in (behind its delay proxy), storing into a table of their own on the DynamoDB
 * stand-in (8 ms put), for N = 1, 2, 4 (smoke: 1, 2).
 *
 * Per run: the queue is filled while held (its receives find nothing), the N processes start, and
 * once each has sent a receive (the stand-in tells them apart by the app id in their user agent,
 * AWS_SDK_UA_APP_ID) the queue is released; throughput and CPU are taken from the release to the
 * moment the last message leaves the queue, so N start-ups do not count against larger N. The
 * traffic (scale-out-workload.ts) has several events per order, duplicated and out of order, so
 * processes race on the same orderId; poison goes to the DLQ through the stand-in's redrive
 * (maxReceiveCount 3). At the end the table, the queue and the DLQ are judged
 * (scale-out-verdict.ts): nothing lost, every order stored as its greatest event under core's
 * ordering, the DLQ exactly the poison. A run of ours that breaks one of those fails the bench
 * (report/failures-of-ours.ts); no figure of time ever does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { fromOrderItem } from '@orders/adapters-aws';
import type { Order } from '@orders/core';
import { OURS_CLI } from '../consumers/consumer-comparison';
import { SQS_DELAYS } from '../consumers/measure-consumers';
import { createOrdersTable, deleteTable, scanItems } from '../orders-table';
import { judgeScaleOut, type ScaleOutEnd } from '../scale-out/scale-out-verdict';
import { receiveSpread, type ScaleOutRow, type ScaleOutRun, summarizeScaleOut } from '../scale-out/scale-out-summary';
import { buildScaleOutWorkload, type ScaleOutWorkload } from '../scale-out/scale-out-workload';
import type { CpuReading, QueueProgress, QueueStats } from '../standins/fake-sqs';
import type { Standins } from '../standins/launch';

export const SCALE_OUT_PLAN = {
  // Small on purpose: it checks that N processes lose nothing and store no wrong state, in seconds.
  smoke: { processes: [1, 2], orders: 60, rounds: 1, waitTimeSeconds: 1 },
  full: { processes: [1, 2, 4], orders: 800, rounds: 3, waitTimeSeconds: 20 },
} as const;

/** The queue's redrive policy: the stack's maxReceiveCount. */
export const SCALE_OUT_MAX_RECEIVE_COUNT = 3;
const VISIBILITY_TIMEOUT_SECONDS = 30;
/** Ours' pollers per process (its default, not passed). */
const POLLERS_PER_PROCESS = 2;
const RUN_LIMIT_MS = 180_000;
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `promise`, at most `ms` (its timer cleared either way, so it never holds the process open). */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ScaleOutScenario {
  readonly processCounts: readonly number[];
  readonly pollersPerProcess: number;
  readonly orders: number;
  /** Messages per run (valid and poison), the same workload for every process count of a round. */
  readonly messagesPerRound: readonly number[];
  readonly rounds: number;
  readonly waitTimeSeconds: number;
  readonly maxReceiveCount: number;
  readonly description: string;
  /** The machine's cores, which the N processes, the stand-ins and the bench share. */
  readonly cores: number;
  /** From the first round's workload: what makes it a race. */
  readonly workload: ScaleOutWorkload['stats'];
}

export interface ScaleOutResult {
  readonly scenario: ScaleOutScenario;
  readonly runs: readonly ScaleOutRun[];
  readonly rows: readonly ScaleOutRow[];
  readonly notes: readonly string[];
}

export interface MeasureScaleOutOptions {
  readonly standins: Standins;
  /** The DynamoDB stand-in listener the processes store into, and its answer delay (a put's round trip). */
  readonly dynamodb: { readonly url: string; readonly putMs: number };
  readonly smoke: boolean;
  readonly log: (message: string) => void;
}

export async function measureScaleOut(options: MeasureScaleOutOptions): Promise<ScaleOutResult> {
  const { standins, log } = options;
  const plan = options.smoke ? SCALE_OUT_PLAN.smoke : SCALE_OUT_PLAN.full;
  const setup = new SQSClient({ endpoint: standins.sqsUrl, region: REGION, credentials: CREDENTIALS });
  const runs: ScaleOutRun[] = [];
  const workloads: ScaleOutWorkload[] = [];
  log(
    `scale-out: ${plan.processes.join(', ')} consumer process(es) × ${plan.rounds} round(s) of ${plan.orders} orders`,
  );
  try {
    for (let round = 0; round < plan.rounds; round++) {
      const workload = buildScaleOutWorkload({ orders: plan.orders, seed: 41_000 + round });
      workloads.push(workload);
      const counts = plan.processes.map((_, i) => plan.processes[(i + round) % plan.processes.length] as number);
      for (const processes of counts) {
        const run = await runOne({
          setup,
          standins,
          dynamodbUrl: options.dynamodb.url,
          workload,
          processes,
          round,
          waitTimeSeconds: plan.waitTimeSeconds,
        });
        runs.push(run);
        log(`  scale-out round ${round + 1}/${plan.rounds} ×${processes}: ${describeRun(run)}`);
      }
    }
  } finally {
    setup.destroy();
  }
  const first = workloads[0] as ScaleOutWorkload;
  return {
    scenario: {
      processCounts: plan.processes,
      pollersPerProcess: POLLERS_PER_PROCESS,
      orders: plan.orders,
      messagesPerRound: workloads.map((w) => w.messages.length),
      rounds: plan.rounds,
      waitTimeSeconds: plan.waitTimeSeconds,
      maxReceiveCount: SCALE_OUT_MAX_RECEIVE_COUNT,
      description: `SQS stand-in (receive ${SQS_DELAYS.byAction['ReceiveMessage']} ms, delete ${SQS_DELAYS.byAction['DeleteMessageBatch']} ms, other ${SQS_DELAYS.defaultMs} ms; redrive after ${SCALE_OUT_MAX_RECEIVE_COUNT} receives) + DynamoDB stand-in (put ${options.dynamodb.putMs} ms)`,
      cores: cpus().length,
      workload: first.stats,
    },
    runs,
    rows: summarizeScaleOut(plan.processes, runs),
    notes: [],
  };
}

function describeRun(run: ScaleOutRun): string {
  const verdict = run.verdict ? `, lost ${run.verdict.lost}, wrong state ${run.verdict.wrongState}` : '';
  if (!run.ok) return `failed (${run.note ?? 'unknown'})${verdict}`;
  return `${run.messagesPerSecond?.toFixed(0)} msg/s, ${run.cpuUsPerMessage?.toFixed(0) ?? '—'} µs CPU/msg${verdict}`;
}

interface RunInput {
  readonly setup: SQSClient;
  readonly standins: Standins;
  readonly dynamodbUrl: string;
  readonly workload: ScaleOutWorkload;
  readonly processes: number;
  readonly round: number;
  readonly waitTimeSeconds: number;
}

interface Consumer {
  readonly appId: string;
  readonly child: ChildProcess;
  stderr: string;
  exitCode: number | null | undefined;
  readonly exited: Promise<void>;
}

async function runOne(input: RunInput): Promise<ScaleOutRun> {
  const { setup, standins, workload, processes, round } = input;
  const stamp = `${processes}-${round}-${Date.now()}`;
  const queueName = `bench-scale-out-${stamp}`;
  const tableName = `ScaleOut-${stamp}`;
  await setup.send(new CreateQueueCommand({ QueueName: `${queueName}-dlq` }));
  const created = await setup.send(
    new CreateQueueCommand({
      QueueName: queueName,
      Attributes: {
        VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${REGION}:000000000000:${queueName}-dlq`,
          maxReceiveCount: String(SCALE_OUT_MAX_RECEIVE_COUNT),
        }),
      },
    }),
  );
  const queueUrl = created.QueueUrl as string;
  await createOrdersTable(input.dynamodbUrl, tableName);
  await standins.ask<boolean>({ type: 'sqs-hold', queue: queueName });
  const orderOfMessage = await publish(setup, queueUrl, workload);
  const base = { processes, round, messages: workload.messages.length, orders: workload.stats.orders };
  const consumers = Array.from({ length: processes }, (_, i) =>
    startConsumer(`scale-out-p${i + 1}`, queueName, tableName, input),
  );
  let note: string | undefined;
  let released: CpuReading | undefined;
  const deadline = now() + RUN_LIMIT_MS;
  try {
    for (const consumer of consumers) {
      await standins.ask({ type: 'sqs-watch', queue: queueName, pid: consumer.child.pid ?? 0 });
    }
    note = await waitFor(consumers, deadline, 'not every process had started receiving', async () => {
      const progress = await standins.ask<QueueProgress | undefined>({ type: 'sqs-progress', queue: queueName });
      return consumers.every((c) => progress?.receivingClients.includes(c.appId));
    });
    if (note === undefined) {
      released = await standins.ask<CpuReading | undefined>({ type: 'sqs-release', queue: queueName });
      note = await waitFor(consumers, deadline, 'the queue was not drained in time', async () => {
        const progress = await standins.ask<QueueProgress | undefined>({ type: 'sqs-progress', queue: queueName });
        return progress?.drainedAt !== undefined;
      });
    }
    // Each process notices the drained queue and exits on its own (--until-empty).
    if (note === undefined) {
      await within(Promise.all(consumers.map((c) => c.exited)), Math.max(0, deadline - now()));
      const failed = consumers.filter((c) => c.exitCode !== 0);
      if (failed.length > 0) {
        note = `${failed.length} process(es) did not exit 0: ${failed.map((c) => `${c.appId} ${c.exitCode === undefined ? 'still running' : `exited ${c.exitCode}`}${lastLine(c.stderr)}`).join('; ')}`;
      }
    }
  } finally {
    for (const consumer of consumers) if (consumer.exitCode === undefined) consumer.child.kill('SIGKILL');
    await Promise.all(consumers.map((c) => c.exited));
  }
  const stats = await standins.ask<QueueStats | undefined>({ type: 'sqs-stats', queue: queueName });
  const end = await readEnd(input, queueName, tableName, stats);
  const verdict = end === undefined ? undefined : judgeScaleOut(workload, end);
  if (end === undefined) note ??= 'the end state could not be read';
  const figures = note === undefined ? windowFigures(released, stats?.drained, workload.messages.length) : {};
  const spread = receiveSpread(
    (stats?.requests ?? []).filter((request) => request.action === 'ReceiveMessage'),
    (id) => orderOfMessage.get(id),
  );
  return {
    ...base,
    ok: note === undefined,
    ...(note === undefined ? {} : { note }),
    ...figures,
    contendedOrders: spread.contendedOrders,
    receivedShares: spread.shares,
    ...(verdict === undefined ? {} : { verdict }),
  };
}

/** Publishes the workload in order, 20 batches at a time; answers which order each SQS message id carries. */
async function publish(client: SQSClient, queueUrl: string, workload: ScaleOutWorkload): Promise<Map<string, string>> {
  const orderOf = new Map<string, string>();
  const batches: { Id: string; MessageBody: string }[][] = [];
  for (let first = 0; first < workload.messages.length; first += 10) {
    batches.push(
      workload.messages
        .slice(first, first + 10)
        .map((message, i) => ({ Id: String(first + i), MessageBody: message.body })),
    );
  }
  for (let i = 0; i < batches.length; i += 20) {
    const answers = await Promise.all(
      batches
        .slice(i, i + 20)
        .map((entries) => client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))),
    );
    for (const answer of answers) {
      if ((answer.Failed ?? []).length > 0)
        throw new Error(`the SQS stand-in refused ${answer.Failed?.length} messages`);
      for (const sent of answer.Successful ?? []) {
        const message = workload.messages[Number(sent.Id)];
        if (message?.kind === 'valid' && sent.MessageId) orderOf.set(sent.MessageId, message.event.order.orderId);
      }
    }
  }
  return orderOf;
}

function startConsumer(appId: string, queueName: string, tableName: string, input: RunInput): Consumer {
  const args = [
    OURS_CLI,
    'consume',
    '--until-empty',
    '--quiet',
    '--json',
    '--wait-seconds',
    String(input.waitTimeSeconds),
    '--queue',
    queueName,
    '--table',
    tableName,
  ];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env['PATH'] ?? '',
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: input.standins.sqsProxyUrl as string,
      AWS_ENDPOINT_URL_DYNAMODB: input.dynamodbUrl,
      // How the SQS stand-in tells the processes apart (`app/<id>` in each request's user agent).
      AWS_SDK_UA_APP_ID: appId,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const consumer: Consumer = {
    appId,
    child,
    stderr: '',
    exitCode: undefined,
    exited: new Promise<void>((resolve) => {
      child.on('exit', (code) => {
        consumer.exitCode = code;
        resolve();
      });
    }),
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    consumer.stderr = (consumer.stderr + chunk.toString('utf8')).slice(-4_000);
  });
  return consumer;
}

const lastLine = (text: string): string => {
  const line = text.trim().split('\n').pop() ?? '';
  return line === '' ? '' : ` (${line.slice(0, 200)})`;
};

/** Polls `done` every 25 ms; a sentence when a process exited first or the deadline passed. */
async function waitFor(
  consumers: readonly Consumer[],
  deadline: number,
  late: string,
  done: () => Promise<boolean>,
): Promise<string | undefined> {
  for (;;) {
    if (await done()) return undefined;
    const gone = consumers.find((c) => c.exitCode !== undefined);
    if (gone) return `${gone.appId} exited (${gone.exitCode}) too early${lastLine(gone.stderr)}`;
    if (now() > deadline) return late;
    await sleep(25);
  }
}

/** The table, the DLQ and what is left on the queue; undefined when one of them cannot be read. */
async function readEnd(
  input: RunInput,
  queueName: string,
  tableName: string,
  stats: QueueStats | undefined,
): Promise<ScaleOutEnd | undefined> {
  if (stats === undefined) return undefined;
  try {
    const stored = new Map<string, Order>();
    const unreadable: string[] = [];
    for (const item of await scanItems(input.dynamodbUrl, tableName)) {
      try {
        const order = fromOrderItem(item);
        stored.set(order.orderId, order);
      } catch {
        unreadable.push(item['orderId']?.S ?? '(no orderId)');
      }
    }
    await deleteTable(input.dynamodbUrl, tableName);
    return {
      stored,
      unreadable,
      deadLetterBodies: await drainBodies(input.setup, queueName),
      leftOnQueue: stats.remaining,
    };
  } catch {
    return undefined;
  }
}

/** Every body on the DLQ: each receive hides what it returns for long enough that none comes twice. */
async function drainBodies(client: SQSClient, queueName: string): Promise<string[]> {
  const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: `${queueName}-dlq` }));
  const bodies: string[] = [];
  for (;;) {
    const answer = await client.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600, WaitTimeSeconds: 0 }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) return bodies;
    bodies.push(...messages.map((message) => message.Body ?? ''));
  }
}

/** Throughput and CPU over the release → drain window. */
function windowFigures(
  released: CpuReading | undefined,
  drained: CpuReading | undefined,
  messages: number,
): Pick<ScaleOutRun, 'messagesPerSecond' | 'cpuUsPerMessage' | 'standinCores' | 'machineBusy'> {
  if (released === undefined || drained === undefined || drained.at <= released.at) return {};
  const windowMs = drained.at - released.at;
  const consumersCpu =
    released.watchedCpuMs === undefined || drained.watchedCpuMs === undefined
      ? undefined
      : drained.watchedCpuMs - released.watchedCpuMs;
  const machine =
    released.machine && drained.machine && drained.machine.totalMs > released.machine.totalMs
      ? (drained.machine.busyMs - released.machine.busyMs) / (drained.machine.totalMs - released.machine.totalMs)
      : undefined;
  return {
    messagesPerSecond: messages / (windowMs / 1000),
    ...(consumersCpu === undefined ? {} : { cpuUsPerMessage: (consumersCpu * 1000) / messages }),
    standinCores: (drained.standinCpuMs - released.standinCpuMs) / windowMs,
    ...(machine === undefined ? {} : { machineBusy: machine }),
  };
}
