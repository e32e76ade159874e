import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../src/app';
import { BUNDLE_ENTRY_FILE, DEFAULT_BUNDLE_DIR } from '../src/bundle';
import type { OrderProcessingStack } from '../src/order-processing-stack';

export const BUNDLE_FILE = path.join(DEFAULT_BUNDLE_DIR, BUNDLE_ENTRY_FILE);

/**
 * The tests synthesize the real bundle, the one `pnpm build` produced: no bundle, no green test.
 * (CI runs `pnpm build` before the tests.)
 */
export function requireBundle(): void {
  if (!fs.existsSync(BUNDLE_FILE) || fs.statSync(BUNDLE_FILE).size === 0) {
    throw new Error(
      `The infra tests synthesize the Lambda bundle, and ${BUNDLE_FILE} does not exist. ` +
        'Run `pnpm build` at the repository root first.',
    );
  }
}

export interface Synthesized {
  readonly stack: OrderProcessingStack;
  readonly template: Template;
  /** The raw CloudFormation template (JSON). */
  readonly json: CfnTemplate;
  /** Directory of the synthesized cloud assembly (a fresh temporary directory). */
  readonly assemblyDir: string;
}

const outdirs: string[] = [];

/** Synthesizes the app exactly as `pnpm synth` does, with the given context, into a temp dir. */
export function synth(context: Record<string, unknown> = {}, bundleDirectory?: string): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-infra-test-'));
  outdirs.push(outdir);
  const { app, stack } = createApp({ outdir, context, bundleDirectory });
  const assembly = app.synth();
  const json = assembly.getStackByName(stack.stackName).template as CfnTemplate;
  return { stack, template: Template.fromJSON(json), json, assemblyDir: assembly.directory };
}

/** Removes the temporary assemblies of this test file (call from afterAll). */
export function cleanUpSynth(): void {
  for (const dir of outdirs.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown }>;
  readonly Parameters?: Record<string, unknown>;
}

/**
 * A resource's properties, loosely typed on purpose: assertions walk CloudFormation's free-form
 * JSON and let a wrong path fail the test rather than the compiler.
 */
// biome-ignore lint/suspicious/noExplicitAny: test-only view of free-form template JSON.
export type CfnProperties = Record<string, any>;

/** The one resource of a type; fails when there are none or several. */
export function only(json: CfnTemplate, type: string): { id: string; resource: CfnResource; props: CfnProperties } {
  const found = Object.entries(json.Resources).filter(([, r]) => r.Type === type);
  if (found.length !== 1) {
    throw new Error(`Expected exactly one ${type}, found ${found.length}`);
  }
  const [id, resource] = found[0]!;
  return { id, resource, props: (resource.Properties ?? {}) as CfnProperties };
}

/** Logical id of the resource of `type` whose property `key` equals `value`. */
export function logicalId(json: CfnTemplate, type: string, key: string, value: unknown): string {
  const found = Object.entries(json.Resources).filter(
    ([, r]) => r.Type === type && JSON.stringify(r.Properties?.[key]) === JSON.stringify(value),
  );
  if (found.length !== 1) {
    throw new Error(`Expected exactly one ${type} with ${key}=${JSON.stringify(value)}, found ${found.length}`);
  }
  return found[0]![0];
}

/** The logical ids of the stack's core resources, which the assertions refer to as `{ Ref: id }`, `${id}`. */
export interface StackResourceIds {
  readonly table: string;
  readonly topic: string;
  readonly queue: string;
  readonly dlq: string;
  readonly subscriptionDlq: string;
  readonly fn: string;
  readonly logGroup: string;
}

/** Finds each of the stack's core resources in a synthesized template; fails when one is missing or doubled. */
export function stackResourceIds(json: CfnTemplate): StackResourceIds {
  return {
    table: only(json, 'AWS::DynamoDB::Table').id,
    topic: only(json, 'AWS::SNS::Topic').id,
    queue: logicalId(json, 'AWS::SQS::Queue', 'QueueName', 'OrderQueue'),
    dlq: logicalId(json, 'AWS::SQS::Queue', 'QueueName', 'OrderDLQ'),
    subscriptionDlq: logicalId(json, 'AWS::SQS::Queue', 'QueueName', 'OrderSubscriptionDLQ'),
    fn: only(json, 'AWS::Lambda::Function').id,
    logGroup: only(json, 'AWS::Logs::LogGroup').id,
  };
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Condition?: Record<string, unknown>;
}

/**
 * Every policy statement anywhere in the template (IAM policies, roles, queue/topic/key policies,
 * whatever resource type carries them), with where it was found.
 */
export function allStatements(json: CfnTemplate): Array<{ where: string; resourceId: string; statement: Statement }> {
  const found: Array<{ where: string; resourceId: string; statement: Statement }> = [];
  const visit = (node: unknown, where: string, resourceId: string): void => {
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) visit(child, `${where}[${i}]`, resourceId);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (Array.isArray(record.Statement)) {
      for (const [i, statement] of record.Statement.entries()) {
        found.push({ where: `${where}.Statement[${i}]`, resourceId, statement: statement as Statement });
      }
    }
    for (const [key, child] of Object.entries(record)) {
      if (key !== 'Statement') visit(child, `${where}.${key}`, resourceId);
    }
  };
  for (const [id, resource] of Object.entries(json.Resources)) {
    visit(resource, id, id);
  }
  return found;
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
