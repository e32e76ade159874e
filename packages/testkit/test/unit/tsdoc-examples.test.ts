import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../src/public-api/workspace-packages';
import { runExample, tsdocExamples } from '../../src/tsdoc-examples';

// Every @example in the library packages runs, as written, and its assertions hold. Those of
// adapters-aws need an AWS endpoint: the integration suite runs them.
const OFFLINE_PACKAGES = ['core', 'adapters-memory', 'lambda-entry', 'lambda-local', 'observability', 'simulation'];
const examples = OFFLINE_PACKAGES.flatMap((name) =>
  tsdocExamples(join(REPOSITORY_ROOT, 'packages', name, 'src'), REPOSITORY_ROOT),
);

it('finds an example on each main entry point', () => {
  expect(examples.length).toBeGreaterThanOrEqual(5);
});

it.each(examples.map((example) => [example.where, example]))(
  '%s runs and its assertions hold',
  async (_where, example) => {
    // Each example runs in its own Node process with tsx: 1-2 s idle, 10 s measured on a busy
    // 2-core machine. Hang guards, the child's below the test's so that a hang reports its output.
    const run = await runExample(example, REPOSITORY_ROOT, { timeoutMs: 120_000 });
    expect({ exitCode: run.exitCode, output: run.exitCode === 0 ? '' : run.output }).toEqual({
      exitCode: 0,
      output: '',
    });
  },
  150_000,
);
