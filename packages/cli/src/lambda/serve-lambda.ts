import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSqsClient,
  describeResources,
  provisionResources,
  SqsMessageQueue,
  type AwsClientOptions,
  type OrderResources,
} from '@orders/adapters-aws';
import {
  LocalLambda,
  combineEventSourceReports,
  readFunctionDefinition,
  readSqsEventSource,
  SqsEventSource,
  type BatchReport,
  type EventSourceReport,
  type FunctionDefinition,
  type LogFormat,
  type SynthesizedStack,
} from '@orders/lambda-local';
import { templateResources } from './template-resources';

export interface ServeLambdaOptions {
  /** The stack from the cloud assembly `pnpm synth` wrote (see loadServedStack). */
  readonly stack: SynthesizedStack;
  /** Logical id or FunctionName, when the stack has several functions. */
  readonly functionName?: string;
  readonly clientOptions: AwsClientOptions;
  /** Win over the template's environment values. */
  readonly environmentOverrides: Readonly<Record<string, string>>;
  readonly timeoutSeconds?: number;
  readonly logFormat?: LogFormat;
  /** Create the template's table, topic, queue and DLQ first (idempotent). */
  readonly provision: boolean;
  /** With `provision`: OrderQueue's visibility timeout instead of the template's. */
  readonly visibilityTimeoutSeconds?: number;
  readonly untilEmpty: boolean;
  readonly waitTimeSeconds: number;
  /** Execution environments, each with its own poller (Lambda scales up to the mapping's MaximumConcurrency). */
  readonly concurrency: number;
  readonly nodePath?: string;
  /** A bundle to compare with the template's asset, to warn when the synthesized asset is stale. */
  readonly currentBundle?: string;
  /** The function's log lines and Lambda's own (stdout); nothing when quiet. */
  readonly onLogLine: (line: string) => void;
  /** One line per batch and the warnings (stderr). */
  readonly onStatus: (line: string) => void;
  readonly signal: AbortSignal;
}

export interface ServeLambdaReport extends Omit<EventSourceReport, 'stoppedBy'> {
  readonly stoppedBy: EventSourceReport['stoppedBy'];
  readonly functionName: string;
  readonly queueName: string;
}

/**
 * `orders lambda serve`: the deployed OrderProcessor, as the synthesized template describes it,
 * inside AWS's runtime interface client, fed from OrderQueue by Lambda's event source rules.
 */
export async function serveLambda(options: ServeLambdaOptions): Promise<ServeLambdaReport> {
  const { stack } = options;
  const sqs = createSqsClient(options.clientOptions);
  try {
    const region = options.clientOptions.region ?? (await sqs.config.region());
    const read = (accountId: string): FunctionDefinition =>
      readFunctionDefinition(stack, {
        ...(options.functionName === undefined ? {} : { function: options.functionName }),
        deployment: { region, accountId, partition: 'aws' },
        environmentOverrides: options.environmentOverrides,
      });
    // The event source only needs the function's identity; its environment is read again below
    // with the account the emulator (or AWS) reports.
    const eventSource = readSqsEventSource(stack, read('000000000000'));
    const wanted = templateResources(stack, eventSource);
    const resources: OrderResources = options.provision
      ? await provisionResources({
          names: wanted.names,
          clientOptions: options.clientOptions,
          clients: { sqs },
          maxReceiveCount: wanted.maxReceiveCount,
          visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? wanted.visibilityTimeoutSeconds,
        })
      : await describeResources({ names: wanted.names, clientOptions: options.clientOptions, clients: { sqs } });
    const accountId = resources.queueArn.split(':')[4] ?? '000000000000';
    const fn: FunctionDefinition = {
      ...read(accountId),
      ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: options.timeoutSeconds }),
      ...(options.logFormat === undefined ? {} : { logFormat: options.logFormat }),
    };
    warnAboutDifferences(fn, options);
    const credentials = await sqs.config.credentials();
    const endpoint = options.clientOptions.endpoint ?? process.env['AWS_ENDPOINT_URL'];
    options.onStatus(
      `serving ${resources.names.queueName} → ${fn.functionName} (${fn.runtime}, ${fn.memorySizeMb} MB, ${fn.timeoutSeconds} s, ` +
        `${fn.logFormat} logs; batch ${eventSource.batchSize}, window ${eventSource.maximumBatchingWindowSeconds} s, ` +
        `ReportBatchItemFailures ${eventSource.reportBatchItemFailures ? 'on' : 'off'}) in ${options.concurrency} ` +
        `environment(s); ${options.untilEmpty ? 'until the queue is empty' : 'Ctrl-C stops'}`,
    );

    const lambdas: LocalLambda[] = [];
    try {
      for (let i = 0; i < options.concurrency; i++) {
        lambdas.push(
          new LocalLambda({
            fn,
            region,
            accountId,
            credentials: {
              accessKeyId: credentials.accessKeyId,
              secretAccessKey: credentials.secretAccessKey,
              ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
            },
            ...(endpoint === undefined ? {} : { extraEnvironment: { AWS_ENDPOINT_URL: endpoint } }),
            onLogLine: (line) => options.onLogLine(line),
            ...(options.nodePath === undefined ? {} : { nodePath: options.nodePath }),
          }),
        );
      }
      for (const ancestor of lambdas[0]?.leakyAncestors ?? []) {
        options.onStatus(
          `warning: ${ancestor} is above the task root: a dependency missing from the bundle could be found there`,
        );
      }
      const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl, client: sqs });
      const reports = await Promise.all(
        lambdas.map((lambda) =>
          new SqsEventSource({
            queue,
            queueArn: resources.queueArn,
            invoke: (event) => lambda.invoke(event),
            batchSize: eventSource.batchSize,
            maximumBatchingWindowSeconds: eventSource.maximumBatchingWindowSeconds,
            reportBatchItemFailures: eventSource.reportBatchItemFailures,
            waitTimeSeconds: options.waitTimeSeconds,
            ...(options.untilEmpty ? { untilEmpty: () => queue.depth() } : {}),
            onBatch: (batch) => options.onStatus(describeBatch(batch)),
            onReceiveError: (error, consecutive) =>
              options.onStatus(
                `receive failed (${consecutive} in a row), backing off: ${error instanceof Error ? error.message : String(error)}`,
              ),
          }).run(options.signal),
        ),
      );
      return {
        ...combineEventSourceReports(reports),
        functionName: fn.functionName,
        queueName: resources.names.queueName,
      };
    } finally {
      await Promise.all(lambdas.map((lambda) => lambda.close()));
    }
  } finally {
    sqs.destroy();
  }
}

function warnAboutDifferences(fn: FunctionDefinition, options: ServeLambdaOptions): void {
  const runtimeMajor = /^nodejs(\d+)\./.exec(fn.runtime)?.[1];
  const nodeMajor = options.nodePath === undefined ? process.versions.node.split('.')[0] : undefined;
  if (runtimeMajor !== undefined && nodeMajor !== undefined && runtimeMajor !== nodeMajor) {
    options.onStatus(
      `warning: the template deploys ${fn.runtime} and this is Node ${process.version}; run under Node ${runtimeMajor} (or pass --node) to match`,
    );
  }
  if (fn.architecture === 'arm64' && process.arch !== 'arm64') {
    options.onStatus(
      `note: the function deploys on arm64 and runs here on ${process.arch} (same JavaScript, no native code in the bundle)`,
    );
  }
  if (options.currentBundle !== undefined && existsSync(options.currentBundle)) {
    const asset = join(fn.codeDirectory, `${fn.handler.split('.')[0]}.mjs`);
    if (existsSync(asset) && digest(asset) !== digest(options.currentBundle)) {
      options.onStatus(
        `warning: the synthesized asset ${asset} differs from ${options.currentBundle}: run pnpm synth to serve the current build`,
      );
    }
  }
}

const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function describeBatch(batch: BatchReport): string {
  const head = `${batch.requestId} ${batch.records} record(s)${batch.coldStart ? ', cold start' : ''}, ${batch.durationMs.toFixed(0)} ms`;
  switch (batch.outcome) {
    case 'success':
    case 'partial':
      return `${head}: ${batch.deleted} deleted, ${batch.left} left for redelivery${batch.detail ? ` (${batch.detail})` : ''}`;
    default:
      return `${head}: ${batch.outcome}${batch.errorType ? ` ${batch.errorType}` : ''}${batch.detail ? `: ${batch.detail}` : ''}; all ${batch.records} left for redelivery`;
  }
}
