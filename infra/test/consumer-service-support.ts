import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp } from '../src/app';
import type { ConsumerServiceStack } from '../src/consumer-service/consumer-service-stack';
import type { CfnTemplate } from './support';

/** An ECR image URI as a deploy would pass it (synth never pulls it). */
export const ECR_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-consumer:1.0.0';
/** The context that turns the service on. */
export const SERVICE_ON = { consumerService: 'fargate', consumerImage: ECR_IMAGE } as const;

export interface SynthesizedApp {
  /** Every stack's template, by stack name. */
  readonly templates: Record<string, CfnTemplate>;
  readonly consumerService: ConsumerServiceStack | undefined;
  /** Stack name → the stack names it depends on. */
  readonly dependencies: Record<string, string[]>;
  /** Container images the assembly would build (none: synth needs no Docker). */
  readonly imageAssets: number;
}

const outdirs: string[] = [];

/** The whole app, synthesized as `pnpm synth -- -c …` does, into a temporary directory. */
export function synthApp(context: Record<string, unknown>): SynthesizedApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-consumer-service-test-'));
  outdirs.push(outdir);
  const { app, consumerService } = createApp({ outdir, context });
  const assembly = app.synth();
  const templates: Record<string, CfnTemplate> = {};
  const dependencies: Record<string, string[]> = {};
  let imageAssets = 0;
  for (const stack of assembly.stacks) {
    templates[stack.stackName] = stack.template as CfnTemplate;
    dependencies[stack.stackName] = stack.dependencies.map((d) => d.id).filter((id) => !id.endsWith('.assets'));
    imageAssets += stack.assets.filter((asset) => asset.packaging === 'container-image').length;
  }
  return { templates, consumerService, dependencies, imageAssets };
}

export function cleanUpAppSynth(): void {
  for (const dir of outdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The resources of one type in a template, as [logical id, properties]. */
// biome-ignore lint/suspicious/noExplicitAny: test-only view of free-form template JSON.
export function resourcesOf(template: CfnTemplate, type: string): Array<[string, Record<string, any>]> {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}
