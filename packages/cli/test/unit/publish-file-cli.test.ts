import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryQueue, InMemoryTopic, ManualClock } from '@orders/adapters-memory';
import { serializeOrder } from '@orders/core';
import { SEED_DUMMY_ORDER } from '@orders/simulation';
import type { OpenOrderTopic } from '../../src/commands/publish-command';
import type { PublishSummary } from '../../src/publish/publish-orders';

// `orders publish` run in-process as the command line runs it (flags, stdout, stderr, exit code),
// with OrderTopic in memory: a queue subscribed with raw delivery holds what was published.

/** How often Ajv was loaded and constructed: the schema is compiled once, and only when needed. */
const mockAjv = { loads: 0, instances: 0 };
jest.mock('ajv/dist/2020', () => {
  mockAjv.loads++;
  const actual = jest.requireActual<typeof import('ajv/dist/2020')>('ajv/dist/2020');
  class CountedAjv extends actual.default {
    constructor(...args: ConstructorParameters<typeof actual.default>) {
      super(...args);
      mockAjv.instances++;
    }
  }
  return { ...actual, __esModule: true, default: CountedAjv };
});

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: typeof process.exitCode;
  /** The bodies on the queue subscribed to the topic: what was published, in order. */
  readonly published: readonly string[];
}

async function orders(args: readonly string[]): Promise<Run> {
  // Loaded per run, so a test that resets the module registry sees what a fresh process loads.
  const [{ Command }, { publishCommand }] = await Promise.all([
    import('commander'),
    import('../../src/commands/publish-command.js'),
  ]);
  const clock = new ManualClock();
  const topic = new InMemoryTopic('OrderTopic', clock);
  const queue = new InMemoryQueue({ name: 'OrderQueue', clock });
  topic.subscribe(queue, { rawMessageDelivery: true });
  const openTopic: OpenOrderTopic = async (names) => ({ topicName: names.topicName, publisher: topic });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture(stdout));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture(stderr));
  const exitCodeBefore = process.exitCode;
  // What the command sets, and nothing an earlier test file of this jest worker left behind.
  process.exitCode = undefined;
  try {
    await new Command('orders')
      .exitOverride()
      .addCommand(publishCommand(openTopic))
      // An emulator's endpoint: nothing is reached (the topic is in memory), and no account is asked for.
      .parseAsync(['publish', ...args, '--endpoint', 'http://127.0.0.1:9', '--region', 'us-east-1'], {
        from: 'user',
      });
    return {
      stdout: stdout.join(''),
      stderr: stderr.join(''),
      exitCode: process.exitCode,
      published: queue.peekAll().map((message) => message.body),
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = exitCodeBefore;
  }
}

const workDir = mkdtempSync(join(tmpdir(), 'publish-file-cli-'));
let files = 0;
function ordersFile(lines: readonly string[]): string {
  const path = join(workDir, `orders-${++files}.jsonl`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const seed: Record<string, unknown> = { ...SEED_DUMMY_ORDER };
/** Personal data on every refused line: none of it may reach the report. */
const line = (changes: Record<string, unknown>, drop?: string): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries({ ...seed, userId: 'U-PRIVATE-7', ...changes }).filter(([field]) => field !== drop),
    ),
  );

const VALID = serializeOrder(SEED_DUMMY_ORDER);
const VALID_TOO = serializeOrder({ ...SEED_DUMMY_ORDER, orderId: 'O2' });
const MIXED = [
  VALID, // 1
  line({ orderId: 'O-missing' }, 'quantity'), // 2: a field missing
  line({ quantity: '1' }), // 3: a wrong type
  line({ quantity: 0 }), // 4: out of range
  line({ timestamp: 'yesterday' }), // 5: not a timestamp
  '', // 6: blank, skipped
  VALID_TOO, // 7
  line({ timestamp: '2025-02-30T12:00:00Z' }), // 8: a day that does not exist
  line({ orderId: 'O\ud800' }), // 9: a lone surrogate, which the schema cannot state
  'not json at all', // 10
  '{"orderId": "O-cut", "userId": "U-PRIVATE-7", "quantity": 1', // 11: cut short
  JSON.stringify([seed]), // 12: not an object
];

const refusedLines = (stderr: string): string[] => stderr.split('\n').filter((text) => text.startsWith('line '));

describe('orders publish --file', () => {
  it('reports each refused line with core’s codes and the schema’s pointers and keywords, and publishes the valid lines', async () => {
    const run = await orders(['--file', ordersFile(MIXED)]);
    expect(refusedLines(run.stderr)).toEqual([
      'line 2: quantity is required [required] (schema: /quantity required)',
      'line 3: quantity must be a JSON number, got a string [wrong_type] (schema: /quantity type)',
      'line 4: quantity must be an integer from 1 to 1000000 [out_of_range] (schema: /quantity minimum)',
      'line 5: timestamp must be an RFC 3339 date-time such as 2025-05-03T12:00:00Z [invalid_format] ' +
        '(schema: /timestamp pattern, /timestamp format)',
      'line 8: timestamp day does not exist in that month [invalid_date] (schema: /timestamp format)',
      'line 9: orderId must be well-formed Unicode (no lone surrogates) [malformed_unicode] ' +
        '(core only: x-orders-rules well-formed-unicode, a rule the schema cannot state)',
      'line 10: line is not valid JSON [not_json]',
      'line 11: line is not valid JSON [not_json]',
      'line 12: order must be a JSON object, got an array [not_an_object] (schema: "" type)',
    ]);
    expect(run.stderr).not.toMatch(/PRIVATE|yesterday|2025-02-30/);
    expect(run.published).toEqual([VALID, VALID_TOO]);
    expect(run.stdout).toBe('Published 2 order message(s) to OrderTopic; 9 invalid line(s) not published.\n');
    expect(run.exitCode).toBe(1);
  });

  it('puts the schema’s errors in the --json summary beside core’s problems', async () => {
    const run = await orders(['--file', ordersFile(MIXED), '--json']);
    const summary = JSON.parse(run.stdout) as PublishSummary;
    expect(summary.published).toBe(2);
    expect(summary.failed).toEqual([]);
    expect(
      summary.invalid.map((refused) => [refused.lineNumber, refused.problems.map((p) => p.code), refused.schemaErrors]),
    ).toEqual([
      [2, ['required'], [{ pointer: '/quantity', keyword: 'required' }]],
      [3, ['wrong_type'], [{ pointer: '/quantity', keyword: 'type' }]],
      [4, ['out_of_range'], [{ pointer: '/quantity', keyword: 'minimum' }]],
      [
        5,
        ['invalid_format'],
        [
          { pointer: '/timestamp', keyword: 'pattern' },
          { pointer: '/timestamp', keyword: 'format' },
        ],
      ],
      [8, ['invalid_date'], [{ pointer: '/timestamp', keyword: 'format' }]],
      [9, ['malformed_unicode'], []],
      [10, ['not_json'], undefined],
      [11, ['not_json'], undefined],
      [12, ['not_an_object'], [{ pointer: '', keyword: 'type' }]],
    ]);
    expect(run.stdout).not.toMatch(/PRIVATE|yesterday|2025-02-30/);
    expect(run.exitCode).toBe(1);
  });

  it('exits 0 and reports no line when every line is valid', async () => {
    const run = await orders(['--file', ordersFile([VALID, VALID_TOO])]);
    expect(refusedLines(run.stderr)).toEqual([]);
    expect(run.published).toEqual([VALID, VALID_TOO]);
    expect(run.stdout).toBe('Published 2 order message(s) to OrderTopic.\n');
    expect(run.exitCode).toBeUndefined();
  });

  it('loads Ajv only for a file with a refused line, and compiles the schema once for the file', async () => {
    jest.resetModules();
    mockAjv.loads = 0;
    mockAjv.instances = 0;
    expect((await orders(['--sample', '3'])).published).toHaveLength(3);
    expect((await orders(['--file', ordersFile([VALID, VALID_TOO])])).published).toHaveLength(2);
    expect((await orders(['--file', ordersFile(MIXED), '--unchecked'])).published).toHaveLength(MIXED.length - 1);
    expect(mockAjv).toEqual({ loads: 0, instances: 0 });

    expect((await orders(['--file', ordersFile(MIXED)])).published).toHaveLength(2);
    expect(mockAjv).toEqual({ loads: 1, instances: 1 });
  });
});
