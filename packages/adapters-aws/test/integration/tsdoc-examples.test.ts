import { join } from 'node:path';
import { integrationEnvironment } from '../../../testkit/src/integration';
import { REPOSITORY_ROOT } from '../../../testkit/src/public-api/workspace-packages';
import { runExample, tsdocExamples } from '../../../testkit/src/tsdoc-examples';

// adapters-aws's @examples need an AWS endpoint: here they run against the suite's emulator,
// as a reader would run them with AWS_ENDPOINT_URL set.
const examples = tsdocExamples(join(REPOSITORY_ROOT, 'packages', 'adapters-aws', 'src'), REPOSITORY_ROOT);

it('finds the repository example', () => {
  expect(examples.map((example) => example.where)).toContainEqual(
    expect.stringContaining('packages/adapters-aws/src/dynamodb-order-repository.ts'),
  );
});

it.each(examples.map((example) => [example.where, example]))(
  '%s runs and its assertions hold',
  async (_where, example) => {
    const { endpoint, region } = integrationEnvironment();
    const run = await runExample(example, REPOSITORY_ROOT, {
      timeoutMs: 45_000,
      env: { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_REGION: region },
    });
    expect({ exitCode: run.exitCode, output: run.exitCode === 0 ? '' : run.output }).toEqual({
      exitCode: 0,
      output: '',
    });
  },
);
