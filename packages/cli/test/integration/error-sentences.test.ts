import { spawnSync } from 'node:child_process';
import { provisionResources } from '@orders/adapters-aws';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { CLI_FROM_SOURCES, REPOSITORY_ROOT, emulatorShell } from '../support/cli-under-test';

// `orders` run as a user runs it (a child process) against the emulator, where a name was mistyped
// or nothing was found: the error names what was not found and where, the names alike that do
// exist, and never answers a typo with "run orders provision" (which would create the typo).

const environment = integrationEnvironment();
const names = uniqueResourceNames('errs');
const where = `at ${environment.endpoint} (${environment.region})`;

function orders(...args: string[]) {
  const result = spawnSync(process.execPath, [...CLI_FROM_SOURCES, ...args], {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: emulatorShell(environment.endpoint, environment.region),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What `orders <command>` prints on stderr: where it talks, then its one sentence. */
const said = (command: string, sentence: string): string =>
  `orders ${command}: talking to ${environment.endpoint} (${environment.region})\norders: ${sentence}\n`;

const typoSentence = (type: string, typo: string, real: string): string =>
  `The ${type} "${typo}" does not exist ${where}, but "${real}" does: check the name, as "orders provision" would create "${typo}" as given.`;

// Each case starts a Node process with tsx: seconds on a busy machine.
const SPAWN_TIMEOUT_MS = 60_000;

describe('orders with a mistyped or missing name', () => {
  const nameFlags = [
    '--table',
    names.tableName,
    '--topic',
    names.topicName,
    '--queue',
    names.queueName,
    '--dlq',
    names.dlqName,
  ];
  const withFlag = (flag: string, value: string): string[] => {
    const flags = [...nameFlags];
    flags[flags.indexOf(flag) + 1] = value;
    return flags;
  };

  beforeAll(async () => {
    await resetEmulator();
    await provisionResources({ names });
  }, SPAWN_TIMEOUT_MS);

  it(
    '--queue: names the queue alike (status)',
    () => {
      const typo = names.queueName.replace('OrderQueue', 'OrderQeue');
      const run = orders('status', ...withFlag('--queue', typo));
      expect(run.stderr).toBe(said('status', typoSentence('SQS queue', typo, names.queueName)));
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    '--queue: the same for consume, whose start-up looks up the queue alone',
    () => {
      const typo = names.queueName.replace('OrderQueue', 'OrderQeue');
      const run = orders('consume', '--until-empty', '--quiet', ...withFlag('--queue', typo));
      expect(run.stderr).toBe(said('consume', typoSentence('SQS queue', typo, names.queueName)));
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    '--table: names the table alike (get, list)',
    () => {
      const typo = names.tableName.replace('Orders', 'Ordrs');
      const get = orders('get', 'O-1', ...withFlag('--table', typo));
      expect(get.stderr).toBe(said('get', typoSentence('DynamoDB table', typo, names.tableName)));
      expect(get.status).toBe(1);
      const list = orders('list', ...withFlag('--table', typo));
      expect(list.stderr).toBe(said('list', typoSentence('DynamoDB table', typo, names.tableName)));
      expect(list.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    '--topic: names the topic alike (publish)',
    () => {
      const typo = names.topicName.replace('OrderTopic', 'OrderTopc');
      const run = orders('publish', '--sample', '1', ...withFlag('--topic', typo));
      expect(run.stderr).toBe(said('publish', typoSentence('SNS topic', typo, names.topicName)));
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'a name like none there: says so, and what provisioning it would take',
    () => {
      const run = orders('dlq', 'list', ...withFlag('--dlq', 'Invoices'));
      expect(run.stderr).toBe(
        said(
          'dlq list',
          `The SQS queue "Invoices" does not exist ${where}, nor any with a similar name: check the name, or create "Invoices" by giving "orders provision" the same names.`,
        ),
      );
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'get of an order that is not stored prints its sentence alone, no empty table',
    () => {
      const run = orders('get', 'NOPE-1', '--table', names.tableName);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(said('get', 'no order "NOPE-1" is stored'));
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );
});
