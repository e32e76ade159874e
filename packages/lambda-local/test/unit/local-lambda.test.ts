import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LocalLambda, type FunctionDefinition, type InvocationResult } from '@orders/lambda-local';
import { fixtureAssembly, type FixtureAssembly } from './support/fixture-assembly';

const runtimeClient = { entry: join(__dirname, 'support', 'fake-runtime.mjs'), version: 'fake' };

// Every case starts Node processes (a cold start each): well under a second idle, several on a busy
// machine. A generous bound, so that only a hang fails a test on time.
const PROCESS_TEST_TIMEOUT_MS = 60_000;
let fixture: FixtureAssembly;
beforeAll(() => {
  fixture = fixtureAssembly({});
});
afterAll(() => fixture.remove());

function definition(overrides: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return {
    logicalId: 'Fn',
    functionName: 'OrderProcessor',
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    memorySizeMb: 128,
    // Far above what an echo takes, even on a busy machine: only the case about the function timeout
    // sets a short one.
    timeoutSeconds: 30,
    architecture: 'x86_64',
    environment: {},
    logFormat: 'Text',
    logGroupName: '/aws/lambda/OrderProcessor',
    codeDirectory: fixture.assetDirectory,
    ...overrides,
  };
}

async function withLambda<T>(
  fn: FunctionDefinition,
  use: (lambda: LocalLambda, lines: string[]) => Promise<T>,
  options: { initTimeoutMs?: number } = {},
): Promise<T> {
  const lines: string[] = [];
  const lambda = new LocalLambda({
    fn,
    region: 'us-east-1',
    runtimeClient,
    onLogLine: (line) => lines.push(line),
    ...options,
  });
  try {
    return await use(lambda, lines);
  } finally {
    await lambda.close();
  }
}

const pidOf = (result: InvocationResult): number =>
  result.status === 'success' ? (result.payload as { pid: number }).pid : Number.NaN;

describe('LocalLambda (with a stand-in runtime client)', () => {
  it(
    'cold-starts once, then reuses the environment; the deadline header is the function timeout away',
    async () => {
      await withLambda(definition({ timeoutSeconds: 7 }), async (lambda, lines) => {
        const before = Date.now();
        const first = await lambda.invoke({ do: 'echo', value: 1 });
        const second = await lambda.invoke({ do: 'echo', value: 2 });
        expect(first).toMatchObject({ status: 'success', coldStart: true, payload: { value: 1 } });
        expect(first.initDurationMs).toBeGreaterThan(0);
        expect(second).toMatchObject({ status: 'success', coldStart: false, payload: { value: 2 } });
        expect(second.initDurationMs).toBeUndefined();
        expect(pidOf(second)).toBe(pidOf(first));
        const deadline = Number(/deadline=(\d+)/.exec(lines.find((l) => l.includes('handling')) ?? '')?.[1]);
        // Handed out between `before` (plus the cold start) and now: the deadline is 7 s after that.
        expect(deadline).toBeGreaterThanOrEqual(before + 7000);
        expect(deadline).toBeLessThanOrEqual(Date.now() + 7000);
        expect(lines).toContain(`START RequestId: ${first.requestId} Version: $LATEST`);
        expect(
          lines.some((l) => l.startsWith(`REPORT RequestId: ${first.requestId}\t`) && l.includes('Init Duration')),
        ).toBe(true);
        expect(lines.some((l) => l.startsWith(`REPORT RequestId: ${second.requestId}\t`) && !l.includes('Init'))).toBe(
          true,
        );
      });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'kills the process at the function timeout, reports it as Lambda does, and cold-starts the next invoke',
    async () => {
      await withLambda(definition({ timeoutSeconds: 1 }), async (lambda, lines) => {
        const first = await lambda.invoke({ do: 'echo' });
        const started = Date.now();
        const timedOut = await lambda.invoke({ do: 'hang' });
        expect(Date.now() - started).toBeGreaterThanOrEqual(950);
        expect(timedOut).toMatchObject({
          status: 'error',
          kind: 'timeout',
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${timedOut.requestId} Error: Task timed out after 1.00 seconds`,
          },
        });
        expect(lines.some((l) => l.endsWith(`${timedOut.requestId} Task timed out after 1.00 seconds`))).toBe(true);
        const after = await lambda.invoke({ do: 'echo' });
        expect(after).toMatchObject({ status: 'success', coldStart: true });
        expect(pidOf(after)).not.toBe(pidOf(first));
      });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'returns a function error and keeps the environment warm',
    async () => {
      await withLambda(definition(), async (lambda) => {
        const failed = await lambda.invoke({ do: 'fail' });
        expect(failed).toMatchObject({
          status: 'error',
          kind: 'function-error',
          coldStart: true,
          error: { errorType: 'TypeError', errorMessage: 'boom' },
        });
        expect(await lambda.invoke({ do: 'echo' })).toMatchObject({ status: 'success', coldStart: false });
      });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'reports a process that exits mid-invocation as Runtime.ExitError, then cold-starts',
    async () => {
      await withLambda(definition(), async (lambda) => {
        const crashed = await lambda.invoke({ do: 'exit' });
        expect(crashed).toMatchObject({
          status: 'error',
          kind: 'runtime-exit',
          error: {
            errorType: 'Runtime.ExitError',
            errorMessage: `RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 3`,
          },
        });
        expect(await lambda.invoke({ do: 'echo' })).toMatchObject({ status: 'success', coldStart: true });
      });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it.each([
    ['an init error it reports', 'fail', { kind: 'init-error', error: { errorType: 'ConfigurationError' } }],
    ['a crash during init', 'crash', { kind: 'runtime-exit', error: { errorType: 'Runtime.ExitError' } }],
    ['an init that never finishes', 'hang', { kind: 'init-error', error: { errorType: 'Sandbox.Timedout' } }],
  ])(
    'fails every invoke with %s, each one a new cold start',
    async (_label, mode, expected) => {
      await withLambda(
        definition({ environment: { FAKE_INIT: mode } }),
        async (lambda, lines) => {
          for (let attempt = 0; attempt < 2; attempt++) {
            expect(await lambda.invoke({ do: 'echo' })).toMatchObject({
              status: 'error',
              coldStart: true,
              ...expected,
            });
          }
          expect(lines.filter((l) => l.startsWith('INIT_REPORT')).length).toBe(2);
        },
        // Only the init that never finishes needs a short limit; the others must have time to start.
        { initTimeoutMs: mode === 'hang' ? 300 : 10_000 },
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'runs the code from a private copy outside the repository and removes it on close',
    async () => {
      const lambda = new LocalLambda({ fn: definition(), region: 'us-east-1', runtimeClient, onLogLine: () => {} });
      const root = lambda.taskRoot;
      expect(root.startsWith(join(__dirname, '..', '..', '..', '..'))).toBe(false);
      expect(existsSync(join(root, 'index.mjs'))).toBe(true);
      await lambda.close();
      expect(existsSync(root)).toBe(false);
      await expect(lambda.invoke({})).rejects.toThrow(/closed/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
