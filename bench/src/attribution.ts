import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { bundleSnippet, OURS_CREDENTIALS_PLUGIN, SAME_AS_OURS, type BuiltBundle } from './bundles';
import { BUNDLE_DIR, LAMBDA_ENTRY_DIR, REPO_DIR } from './paths';
import { statSync, writeFileSync } from 'node:fs';

/**
 * What ours' init is made of: each dependency alone, bundled exactly like ours (same options, same
 * credentials plugin) and imported by a fresh node (same method as the cold-start figure), plus
 * "what if" variants of ours. Each probe constructs what ours constructs at module scope, so the
 * figure includes that work, not just parsing.
 */
interface Probe {
  readonly name: string;
  readonly description: string;
  readonly resolveDir: string;
  readonly source: string;
}

const ENTRY_SRC = join(LAMBDA_ENTRY_DIR, 'src');
const ADAPTERS_AWS_SRC = join(REPO_DIR, 'packages', 'adapters-aws', 'src');
/** Where Powertools is a dependency (pnpm resolves a package only from its dependents). */
const OBSERVABILITY_SRC = join(REPO_DIR, 'packages', 'observability', 'src');

export const PROBES: readonly Probe[] = [
  { name: 'probe-empty', description: 'an empty ESM module: node start-up alone', resolveDir: ENTRY_SRC, source: '' },
  {
    name: 'probe-core',
    description: '@orders/core: the use case, decoding, validation',
    resolveDir: ENTRY_SRC,
    source: `import { ProcessOrderBatch } from '@orders/core';
export const useCase = new ProcessOrderBatch({ repository: { save: async () => 'created', findById: async () => undefined } });`,
  },
  {
    name: 'probe-tsyringe',
    description: 'tsyringe + reflect-metadata, one child container with a factory',
    resolveDir: ENTRY_SRC,
    source: `import 'reflect-metadata';
import { container, instanceCachingFactory } from 'tsyringe';
const child = container.createChildContainer();
child.register(Symbol.for('x'), { useFactory: instanceCachingFactory(() => ({})) });
export const value = child.resolve(Symbol.for('x'));`,
  },
  {
    name: 'probe-powertools-logger',
    description: '@aws-lambda-powertools/logger, one Logger',
    resolveDir: OBSERVABILITY_SRC,
    source: `import { Logger } from '@aws-lambda-powertools/logger';
export const logger = new Logger({ serviceName: 'OrderProcessor', logLevel: 'INFO' });`,
  },
  {
    name: 'probe-powertools-metrics',
    description: '@aws-lambda-powertools/metrics, one Metrics',
    resolveDir: OBSERVABILITY_SRC,
    source: `import { Metrics } from '@aws-lambda-powertools/metrics';
export const metrics = new Metrics({ namespace: 'OrderProcessing', serviceName: 'OrderProcessor' });`,
  },
  {
    name: 'probe-dynamodb-client',
    description: '@aws-sdk/client-dynamodb: DynamoDBClient + PutItemCommand',
    resolveDir: ADAPTERS_AWS_SRC,
    source: `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
export const client = new DynamoDBClient({});
export const Put = PutItemCommand;`,
  },
  {
    name: 'probe-adapters-aws-repository',
    description: '@orders/adapters-aws index → DynamoDbOrderRepository (shows what its index drags in)',
    resolveDir: ENTRY_SRC,
    source: `import { DynamoDbOrderRepository } from '@orders/adapters-aws';
export const repository = new DynamoDbOrderRepository({ tableName: 'Orders' });`,
  },
  {
    name: 'whatif-no-tsyringe',
    description: 'ours without tsyringe/reflect-metadata: the same pieces composed by plain factory calls',
    resolveDir: ENTRY_SRC,
    source: `import { ProcessOrderBatch, systemClock } from '@orders/core';
import { DynamoDbOrderRepository } from '@orders/adapters-aws';
import { createSqsBatchHandler } from './sqs-batch-handler';
import { createPowertoolsLogger, createPowertoolsMetrics } from '@orders/observability';
import { readEntryConfig } from './composition/entry-config';
const config = readEntryConfig(process.env);
const logger = createPowertoolsLogger({ serviceName: config.serviceName, logLevel: config.logLevel });
const metrics = createPowertoolsMetrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
const repository = new DynamoDbOrderRepository({ tableName: config.tableName });
const processOrderBatch = new ProcessOrderBatch({ repository, logger, metrics, clock: systemClock }, { concurrency: config.concurrency });
// No source queue to pace through here (visibilityFor answers none), as for every probe.
export const handler = createSqsBatchHandler({ processOrderBatch, logger, deadlineMarginMs: config.deadlineMarginMs,
  retryPacing: config.retryPacing, maxReceiveCount: config.maxReceiveCount, visibilityFor: () => undefined,
  onInvocationStart: (context) => logger.powertools.addContext(context), onInvocationEnd: () => metrics.flush() });`,
  },
];

/**
 * In-memory CPU decomposition of ours: the same records through less and less of ours, each
 * bundled like ours and measured beside the handlers in the per-record CPU figure.
 */
export const CPU_PROBES: readonly Probe[] = [
  {
    name: 'cpu-core-only',
    description:
      'createSqsBatchHandler + ProcessOrderBatch + InMemoryOrderRepository; no logger, no metrics, no container',
    resolveDir: ENTRY_SRC,
    source: `import { DEFAULT_RETRY_PACING, ProcessOrderBatch } from '@orders/core';
import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { createSqsBatchHandler } from './sqs-batch-handler';
const processOrderBatch = new ProcessOrderBatch({ repository: new InMemoryOrderRepository() });
const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } };
export const handler = createSqsBatchHandler({ processOrderBatch, logger: silent, deadlineMarginMs: 3000,
  retryPacing: DEFAULT_RETRY_PACING, visibilityFor: () => undefined });`,
  },
  {
    name: 'cpu-decode-only',
    description: "core's decodeOrderMessage on each record (decode + validate), nothing stored",
    resolveDir: ENTRY_SRC,
    source: `import { decodeOrderMessage } from '@orders/core';
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) if (!decodeOrderMessage(record.body).ok) batchItemFailures.push({ itemIdentifier: record.messageId });
  return { batchItemFailures };
};`,
  },
];

export async function buildCpuProbes(): Promise<{ built: BuiltProbe[]; skipped: { name: string; reason: string }[] }> {
  const built: BuiltProbe[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const probe of CPU_PROBES) {
    try {
      built.push({
        ...(await bundleSnippet(probe.name, probe.source, probe.resolveDir)),
        description: probe.description,
      });
    } catch (error) {
      skipped.push({
        name: probe.name,
        reason: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '',
      });
    }
  }
  return { built, skipped };
}

export interface BuiltProbe extends BuiltBundle {
  readonly description: string;
}

/** Builds every probe it can; a probe whose imports do not exist (yet) is reported, not fatal. */
export async function buildProbes(): Promise<{ built: BuiltProbe[]; skipped: { name: string; reason: string }[] }> {
  const built: BuiltProbe[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const probe of PROBES) {
    try {
      const plugins = { plugins: [OURS_CREDENTIALS_PLUGIN] };
      built.push({
        ...(await bundleSnippet(probe.name, probe.source, probe.resolveDir, plugins)),
        description: probe.description,
      });
    } catch (error) {
      skipped.push({
        name: probe.name,
        reason: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '',
      });
    }
  }
  for (const variant of OURS_VARIANTS) {
    try {
      built.push({ ...(await buildOursVariant(variant)), description: variant.description });
    } catch (error) {
      skipped.push({ name: variant.name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { built, skipped };
}

interface OursVariant {
  readonly name: string;
  readonly description: string;
  readonly options: BuildOptions;
}

/** Ours' own entry built with one setting changed: what that setting is worth, in bytes and milliseconds. */
export const OURS_VARIANTS: readonly OursVariant[] = [
  {
    // The shared options and no plugin: what the environment-only credential provider saves.
    name: 'whatif-default-credential-chain',
    description: "ours built without its credentials plugin (the SDK's default chain)",
    options: {},
  },
  {
    // keepNames keeps class names for the runtime's errorType; this is what it costs.
    name: 'whatif-no-keep-names',
    description: 'ours built without keepNames (errorType would read "co" for MalformedEventError)',
    options: { keepNames: false, plugins: [OURS_CREDENTIALS_PLUGIN] },
  },
];

async function buildOursVariant(variant: OursVariant): Promise<BuiltBundle> {
  const file = join(BUNDLE_DIR, `${variant.name}.mjs`);
  const result = await build({
    ...SAME_AS_OURS,
    ...variant.options,
    entryPoints: [join(ENTRY_SRC, 'lambda-handler.ts')],
    outfile: file,
  });
  writeFileSync(join(BUNDLE_DIR, `${variant.name}.meta.json`), JSON.stringify(result.metafile));
  return {
    name: variant.name,
    file,
    bytes: statSync(file).size,
    metafile: result.metafile as NonNullable<typeof result.metafile>,
  };
}
