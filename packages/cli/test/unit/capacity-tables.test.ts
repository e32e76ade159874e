import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { simulateCommand } from '../../src/commands/simulate-command';
import { buildProgram } from '../../src/main';
import {
  buildCapacityTables,
  type CapacityRunFlags,
  capacityRunCommand,
  HEADROOM,
  settingsFor,
} from '../../src/simulate/capacity-tables';
import {
  CAPACITY_DOC,
  CAPACITY_TABLES_BEGIN,
  CAPACITY_TABLES_COMMAND,
  CAPACITY_TABLES_END,
  duration,
  markdownTable,
  renderCapacityTables,
  spliceCapacityTables,
  thousands,
} from '../../src/simulate/capacity-tables-markdown';
import { projectDrainSeconds } from '../../src/simulate/drain-projection';
import { SIMULATE_DEFAULTS } from '../../src/simulate/simulate-flags';

const root = join(__dirname, '..', '..', '..', '..');

/** The lines where `document`'s generated part differs from `generated`, each naming the command that rewrites it. */
function driftOf(document: string, generated: string): string[] {
  const current = spliceCapacityTables(document, generated) === document;
  if (current) return [];
  const begin = document.indexOf('<!-- capacity-tables:begin');
  const end = document.indexOf(CAPACITY_TABLES_END) + CAPACITY_TABLES_END.length;
  const shown = document.slice(begin, end).split('\n');
  const wanted = generated.split('\n');
  const line = wanted.findIndex((text, index) => shown[index] !== text);
  const at = document.slice(0, begin).split('\n').length + Math.max(0, line);
  return [
    `${CAPACITY_DOC}:${at}: the tables differ from what the simulator produces now; run \`${CAPACITY_TABLES_COMMAND}\` from the repository root, and read the diff before committing it.\n` +
      `  in the file: ${shown[line] ?? '(nothing)'}\n  generated:   ${wanted[line] ?? '(nothing)'}`,
  ];
}

describe('docs/capacity.md: the tables', () => {
  // Seven seeded runs, about 100,000 messages through the real handler: about 6 s of CPU, several
  // times that on a busy 2-core machine.
  it('are what `orders simulate --capacity-tables` produces now', async () => {
    const document = readFileSync(join(root, CAPACITY_DOC), 'utf8');
    const tables = await buildCapacityTables();
    expect(tables.rows.map((row) => row.rate)).toEqual([10, 100, 1_000, 10_000]);
    for (const row of tables.rows) {
      // The rule the settings follow, and what the table then promises.
      expect(row.ceilingRate).toBeGreaterThanOrEqual(HEADROOM * row.rate);
      expect(row.projectedDrainSeconds).toBeDefined();
      expect(row.steady.costPerMillionUsd).toBeGreaterThan(0);
    }
    expect(driftOf(document, renderCapacityTables(tables))).toEqual([]);
  }, 180_000);
});

describe('the settings rule', () => {
  it("keeps the stack's defaults while their ceiling drains twice the rate, then raises maxConcurrency in tens", () => {
    const perBatch = 170;
    expect(settingsFor(10, perBatch)).toEqual({
      maximumConcurrency: 10,
      reservedConcurrency: 10,
      batchSize: 10,
      accountConcurrencyNeeded: 110,
      accountConcurrency: 1_000,
      tableWarmWcu: 4_000,
    });
    // 10 × 170 = 1,700 orders/s: enough for 850, not for 851.
    expect(settingsFor(850, perBatch).maximumConcurrency).toBe(10);
    expect(settingsFor(851, perBatch).maximumConcurrency).toBe(20);
    // 2 × 10,000 / 170 = 117.6: 120, and a table for 120 × 170 × 1.25 = 25,500 WCU/s.
    expect(settingsFor(10_000, perBatch)).toMatchObject({ maximumConcurrency: 120, tableWarmWcu: 26_000 });
    // 2 × 80,000 / 170 = 941.2 → 950: the account needs 1,050, above the default quota.
    expect(settingsFor(80_000, perBatch)).toMatchObject({
      maximumConcurrency: 950,
      accountConcurrencyNeeded: 1_050,
      accountConcurrency: 1_100,
    });
    expect(() => settingsFor(90_000, perBatch)).toThrow(/MaximumConcurrency 1060, above the standard mapping's 1,000/);
  });
});

describe('the drain projection', () => {
  const standard = (maximumConcurrency: number) => ({ mode: 'standard' as const, maximumConcurrency });

  it('drains at the ceiling from a warm start: backlog ÷ (batches × rate per batch)', () => {
    expect(
      projectDrainSeconds({
        scaling: standard(10),
        messagesPerBatchSecond: 100,
        coldStartSeconds: 0,
        backlog: 5_000,
        rate: 0,
        warmStart: true,
      }),
    ).toBeCloseTo(5, 6);
    // Arrivals are drained too: 1,000 a second of ceiling, 500 of them arrivals, 500 the backlog.
    expect(
      projectDrainSeconds({
        scaling: standard(10),
        messagesPerBatchSecond: 100,
        coldStartSeconds: 0,
        backlog: 5_000,
        rate: 500,
        warmStart: true,
      }),
    ).toBeCloseTo(10, 6);
  });

  it('from a cold mapping: 5 batches the first second, then 5 more each second up to the ceiling, each new one losing its cold start', () => {
    const input = { scaling: standard(20), messagesPerBatchSecond: 100, backlog: 0, rate: 0 };
    // Seconds 0..3 drain 500, 1,000, 1,500, 2,000 (5,000); then 2,000 a second.
    expect(projectDrainSeconds({ ...input, coldStartSeconds: 0, backlog: 5_000 })).toBeCloseTo(4, 6);
    expect(projectDrainSeconds({ ...input, coldStartSeconds: 0, backlog: 9_000 })).toBeCloseTo(6, 6);
    // A 0.5 s cold start per new batch: 20 batches lose 10 batch-seconds, 1,000 messages, half a second at 2,000/s.
    expect(projectDrainSeconds({ ...input, coldStartSeconds: 0.5, backlog: 9_000 })).toBeCloseTo(6.5, 6);
  });

  it('never drains when the ceiling takes less than arrives', () => {
    expect(
      projectDrainSeconds({
        scaling: standard(10),
        messagesPerBatchSecond: 100,
        coldStartSeconds: 0,
        backlog: 1,
        rate: 1_001,
        limitSeconds: 3_600,
      }),
    ).toBeUndefined();
  });
});

describe('the Markdown', () => {
  it('goes between the markers, leaving the rest of the document as it was', () => {
    const document = `# Capacity\n\nBefore.\n\n${CAPACITY_TABLES_BEGIN}\nold tables\n${CAPACITY_TABLES_END}\n\nAfter.\n`;
    const generated = `${CAPACITY_TABLES_BEGIN}\nnew tables\n${CAPACITY_TABLES_END}`;
    expect(spliceCapacityTables(document, generated)).toBe(
      `# Capacity\n\nBefore.\n\n${CAPACITY_TABLES_BEGIN}\nnew tables\n${CAPACITY_TABLES_END}\n\nAfter.\n`,
    );
    // A begin marker whose comment says something else still marks the place.
    expect(spliceCapacityTables('a\n<!-- capacity-tables:begin -->\n<!-- capacity-tables:end -->\nb', generated)).toBe(
      `a\n${generated}\nb`,
    );
    expect(() => spliceCapacityTables('# Capacity\n', generated)).toThrow(
      /docs\/capacity.md has no "<!-- capacity-tables:begin … -->" and "<!-- capacity-tables:end -->" markers/,
    );
    expect(() => spliceCapacityTables(`${CAPACITY_TABLES_END}\n${CAPACITY_TABLES_BEGIN}\n`, generated)).toThrow(
      /in that order/,
    );
  });

  it('names the line that drifted and the command that rewrites it', () => {
    const document = `intro\n${CAPACITY_TABLES_BEGIN}\n| 10 | 1 min |\n${CAPACITY_TABLES_END}\n`;
    const generated = `${CAPACITY_TABLES_BEGIN}\n| 10 | 2 min |\n${CAPACITY_TABLES_END}`;
    expect(driftOf(document, generated)).toEqual([
      expect.stringMatching(
        /^docs\/capacity\.md:3: .*run `\.\/orders simulate --capacity-tables --write` from the repository root[\s\S]*in the file: \| 10 \| 1 min \|\n {2}generated: {3}\| 10 \| 2 min \|$/,
      ),
    ]);
    expect(driftOf(document.replace('1 min', '2 min'), generated)).toEqual([]);
  });

  it('formats numbers and durations the same on every machine, and pads tables', () => {
    expect(thousands(1_234_567.8)).toBe('1,234,568');
    expect(thousands(999)).toBe('999');
    expect([duration(42.4), duration(586.2), duration(3_600), duration(3_929)]).toEqual([
      '42 s',
      '9 min 46 s',
      '1 h 00 min',
      '1 h 05 min',
    ]);
    expect(
      markdownTable(
        ['rate', 'what'],
        ['right', 'left'],
        [
          ['10', 'a'],
          ['1,000', 'bb'],
        ],
      ),
    ).toBe(['|  rate | what |', '| ----: | ---- |', '|    10 | a    |', '| 1,000 | bb   |'].join('\n'));
  });
});

/** The options `orders simulate` parses from a command line, without running it. */
async function parsedOptions(commandLine: string): Promise<Record<string, unknown>> {
  const words = commandLine.split(' ').slice(2); // after `./orders simulate`
  let parsed: Record<string, unknown> = {};
  const command: Command = simulateCommand()
    .exitOverride()
    .action((options: Record<string, unknown>) => {
      parsed = options;
    });
  await command.parseAsync(words, { from: 'user' });
  return parsed;
}

describe('the commands the tables print', () => {
  it('are the runs the tables made: parsed by `orders simulate`, they give the same flags', async () => {
    const runs: CapacityRunFlags[] = [
      {
        rate: 10_000,
        duration: 2,
        backlog: 0,
        warmStart: true,
        maximumConcurrency: 120,
        tableWarmWcu: 26_000,
        accountConcurrency: 1_100,
      },
      {
        rate: 0,
        duration: 0,
        backlog: 12_000,
        warmStart: false,
        maximumConcurrency: 10,
        tableWarmWcu: 4_000,
        accountConcurrency: 1_000,
      },
    ];
    for (const flags of runs) {
      const options = await parsedOptions(capacityRunCommand(flags));
      expect(options).toMatchObject({ ...SIMULATE_DEFAULTS, ...flags, template: false });
    }
  });
});

describe('orders simulate --capacity-tables', () => {
  const run = (args: string[]) =>
    buildProgram()
      .exitOverride()
      .parseAsync(['simulate', ...args], { from: 'user' });

  it('takes no scenario flags (its scenarios are fixed, so that the document can be checked), and --write needs it', async () => {
    await expect(run(['--capacity-tables', '--rate', '5', '--no-template'])).rejects.toThrow(
      /--capacity-tables runs fixed, seeded scenarios .* takes only --write; drop --rate, --template/,
    );
    await expect(run(['--write'])).rejects.toThrow(/--write goes with --capacity-tables/);
  });
});
