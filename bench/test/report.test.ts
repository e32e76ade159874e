import { buildReport } from '../src/report/build-report';
import type { RunEnd } from '../src/report/results';
import { fabricatedResults } from './support/fabricated-results';

const END: RunEnd = { finishedAt: new Date('2025-01-01T00:00:42.000Z'), loadavgEnd: [2, 2, 2] };

/** Each table's title: the line after a blank one. */
const titles = (text: string): string[] =>
  text
    .split('\n')
    .filter((_, i, lines) => i > 0 && lines[i - 1] === '')
    .map((line) => line.split(/[(:]/)[0]?.trim() ?? '');

/** The rows of the table whose title starts with `title`, split into trimmed cells. */
function rows(text: string, title: string): string[][] {
  const blocks = text.split('\n\n');
  const block = blocks.find((b) => b.startsWith(title));
  if (!block) throw new Error(`no table titled ${title}`);
  return block
    .split('\n')
    .slice(3)
    .map((line) => line.split(/ {2,}/).map((cell) => cell.trim()));
}

describe('the bench report', () => {
  it('prints every table of a run in the order the stages ran, then the load and the notes', () => {
    const { text } = buildReport(fabricatedResults(), END);
    expect(text.split('\n')[0]).toBe(
      'pnpm bench (SMOKE: tiny samples, figures meaningless) — 2 cores, node v24.0.0, load at start 1 1 1',
    );
    expect(titles(text)).toEqual([
      'Bundles',
      'Cold start',
      'Cold start ratios',
      "What ours' init is made of",
      'keepNames',
      'Through aws-lambda-ric',
      'Through aws-lambda-ric',
      'Batch latency, fake DynamoDB + 8 ms per response',
      'Batch latency ratios',
      'Per-record CPU, in-memory stores',
      'Per-record CPU with the real SDK client',
      'Tracing',
      'End-to-end throughput on moto',
      'Targets',
      'Consumers, the drain stand-in',
      'Consumers, drain',
      'Consumers, drain',
      'Consumers, the heartbeat stand-in',
      'Consumers, heartbeats',
      'Consumers, heartbeats',
      'Targets',
      'Scale-out',
      'orders simulate, simulation speed',
      'load average at end',
      'Notes',
    ]);
    expect(text).toContain('\nload average at end: 2 2 2\n');
  });

  it('shows the moto latency evidence after the latency ratios when it was measured', () => {
    const { text } = buildReport(fabricatedResults({ motoLatency: true }), END);
    const order = titles(text);
    expect(order.indexOf('Batch latency on moto behind the 8 ms proxy')).toBe(
      order.indexOf('Batch latency ratios') + 1,
    );
    expect(rows(text, 'Batch latency on moto')).toEqual([['ours', '50.0', '300.0']]);
  });

  it('formats paired ratios with their quartiles and checks the handler targets against them', () => {
    const { text, json } = buildReport(fabricatedResults(), END);
    expect(rows(text, 'Cold start ratios')[0]).toEqual([
      'ours / seed-style',
      '0.80× [0.80–0.80]',
      '0.71× [0.71–0.71]',
      '0.80× [0.80–0.80]',
    ]);
    const byId = Object.fromEntries(json.targets.map((t) => [t.id, t]));
    expect(byId['cold_start_vs_seed']).toMatchObject({ value: 0.8, limit: 1.1, holds: true });
    expect(byId['cold_start_vs_powertools']).toMatchObject({ value: 0.4, holds: true });
    expect(byId['bundle_size']).toMatchObject({ value: 350, limit: 400, holds: true });
    expect(byId['batch10_vs_floor']).toMatchObject({ value: 1.2, limit: 1.1, holds: false });
    expect(byId['cpu_vs_floor']).toMatchObject({ value: 1.5, limit: 1.5, holds: true });
    expect(
      rows(text, 'Targets: the Lambda handler').find((row) => row[0]?.startsWith('batch-of-10 latency ≤ 1.10×')),
    ).toEqual(['batch-of-10 latency ≤ 1.10× floor', '1.2', '1.1', 'NO']);
  });

  it("keeps the JSON line's keys, and their order, as the stages' results fill them", () => {
    const { json } = buildReport(fabricatedResults(), END);
    const parsed = JSON.parse(JSON.stringify(json)) as Record<string, Record<string, unknown>>;
    expect(Object.keys(parsed)).toEqual([
      'bench',
      'version',
      'mode',
      'startedAt',
      'seconds',
      'machine',
      'oursRepository',
      'bundles',
      'coldStart',
      'attribution',
      'keepNames',
      'runtimeClient',
      'latency',
      'cpu',
      'tracing',
      'throughput',
      'consumers',
      'scaleOut',
      'simulation',
      'targets',
      'notes',
    ]);
    expect(parsed['seconds']).toBe(42);
    expect(parsed['machine']?.['loadavgEnd']).toEqual([2, 2, 2]);
    expect(Object.keys(parsed['coldStart'] ?? {})).toEqual([
      'rounds',
      'wholeProcessMs',
      'importMs',
      'ratios',
      'importRatios',
      'firstInvokeWholeProcessMs',
      'firstInvokeBatchMs',
      'firstInvokeRatios',
    ]);
    expect(Object.keys(parsed['latency'] ?? {})).toEqual([
      'standin',
      'rounds',
      'medianMs',
      'ratios',
      'sdkCpuUsPerRecordAt10',
      'sdkCpuRatioOursFloorAt10',
    ]);
    expect(parsed['runtimeClient']?.['medianMs']).toEqual(
      expect.objectContaining({
        ours: { directCold: 120, directWarm: 20, 'runtime-clientCold': 180, 'runtime-clientWarm': 30 },
      }),
    );
    expect(Object.keys((parsed['cpu']?.['ratios'] as object) ?? {})).toEqual([
      'ours_floor',
      'ours_seed',
      'ours_powertools',
    ]);
    expect(parsed['bundles']?.['ours']).toEqual({ bytes: 350_000, top: [{ name: '@smithy/core', bytes: 175_000 }] });
  });

  it('marks ours incomparable when it could not start on DynamoDB: no targets on cold start or size, no runtime client', () => {
    const { text, json } = buildReport(fabricatedResults({ comparable: false }), END);
    expect(text).toContain('interleaved rounds (ours with ORDERS_REPOSITORY=memory!)');
    expect(titles(text)).not.toContain('Through aws-lambda-ric');
    const byId = Object.fromEntries(json.targets.map((t) => [t.id, t]));
    for (const id of ['cold_start_vs_seed', 'cold_start_vs_powertools', 'bundle_size'])
      expect(byId[id]).toMatchObject({ value: undefined, holds: undefined });
    const parsed = JSON.parse(JSON.stringify(json)) as Record<string, Record<string, unknown>>;
    expect(parsed['oursRepository']).toBe('memory');
    expect(parsed).not.toHaveProperty('runtimeClient');
    expect(parsed['coldStart']).not.toHaveProperty('firstInvokeWholeProcessMs');
    expect(parsed['coldStart']?.['firstInvokeRatios']).toEqual({});
  });

  it('collects the notes in the order the stages ran, in the text and the JSON alike', () => {
    const { text, json } = buildReport(fabricatedResults({ comparable: false }), END);
    const expected = [
      'bundles note',
      'repository note',
      'cold start note',
      'attribution note',
      'latency note',
      'cpu note',
      'tracing note',
      'consumers note',
      'scale-out note',
      'simulation note',
      'throughput note',
    ];
    expect(json.notes).toEqual(expected);
    expect(text.endsWith(`\nNotes:\n${expected.map((n) => `- ${n}`).join('\n')}`)).toBe(true);
  });
});
