import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateError } from '@orders/lambda-local';
import { loadServedStack } from '../../src/lambda/served-stack';
import { UsageError } from '../../src/runtime/usage-error';

// `orders lambda serve` with nothing synthesized: one sentence saying what was not found, where
// (naming --cdk-out when the path came from it), and that `pnpm synth` writes it.

const scratch = mkdtempSync(join(tmpdir(), 'served-stack-'));
const DEFAULT_CDK_OUT = join(scratch, 'infra', 'cdk.out');

function failureOf(load: () => unknown): unknown {
  try {
    load();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('loadServedStack', () => {
  it('no assembly where --cdk-out points', () => {
    const error = failureOf(() => loadServedStack({ cdkOut: '/nope', defaultCdkOut: DEFAULT_CDK_OUT }));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      'There is no cloud assembly at /nope (--cdk-out): pnpm synth writes one to infra/cdk.out, which lambda serve reads without --cdk-out.',
    );
  });

  it('no assembly yet where pnpm synth writes it', () => {
    expect(failureOf(() => loadServedStack({ cdkOut: DEFAULT_CDK_OUT, defaultCdkOut: DEFAULT_CDK_OUT }))).toEqual(
      new UsageError(`There is no cloud assembly at ${DEFAULT_CDK_OUT} yet: run pnpm synth to write it.`),
    );
  });

  it('a directory without a stack template', () => {
    const empty = mkdtempSync(join(scratch, 'empty-'));
    expect(failureOf(() => loadServedStack({ cdkOut: empty, defaultCdkOut: DEFAULT_CDK_OUT }))).toEqual(
      new UsageError(
        `${empty} (--cdk-out) holds no stack template (*.template.json): pnpm synth writes one to infra/cdk.out, which lambda serve reads without --cdk-out.`,
      ),
    );
  });

  it("leaves the template's other faults to their own sentence", () => {
    const broken = mkdtempSync(join(scratch, 'broken-'));
    writeFileSync(join(broken, 'OrderProcessing.template.json'), '{ not json');
    const error = failureOf(() => loadServedStack({ cdkOut: broken, defaultCdkOut: DEFAULT_CDK_OUT }));
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).code).toBe('template_unreadable');
  });
});
