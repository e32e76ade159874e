import { failuresOfOurs } from '../src/report/failures-of-ours';
import { scaleOutJson, scaleOutTable } from '../src/report/scale-out-table';
import { simulationJson, simulationTable } from '../src/report/simulation-table';
import { receiveSpread, type ScaleOutRun, summarizeScaleOut } from '../src/scale-out/scale-out-summary';
import { readSimulateJson, type SimulationRun, summarizeSimulation } from '../src/simulation/simulation-summary';
import { fabricatedResults, fabricatedScaleOut, fabricatedSimulation } from './support/fabricated-results';

// The scale-out and simulation-speed stages' pure parts: their summaries, tables, JSON keys, and
// what of them fails `pnpm bench` (never a figure of time).

/** The rows of a table (after its title, header and rule), cells split on runs of 2+ spaces. */
const rowsOf = (text: string): string[][] =>
  text
    .split('\n')
    .slice(4)
    .filter((line) => !line.startsWith('  '))
    .map((line) => line.split(/ {2,}/).map((cell) => cell.trim()));

describe('the scale-out summary', () => {
  it('pairs each run with one process of the same round, and sums the correctness counts over every run', () => {
    const [one, two] = fabricatedScaleOut().rows;
    expect(one).toMatchObject({ processes: 1, runs: 2, failed: 0, messagesPerSecond: 450, contendedShare: 0 });
    expect(one?.overOneProcess).toEqual({ median: 1, min: 1, max: 1, pairs: 2 });
    expect(two).toMatchObject({ processes: 2, messagesPerSecond: 725, cpuUsPerMessage: 1200, largestShare: 0.55 });
    expect(two?.overOneProcess?.median).toBeCloseTo(1.6);
    expect(two?.overOneProcess).toMatchObject({ min: 1.5, max: 1.7, pairs: 2 });
    expect(two?.contendedShare).toBeCloseTo(0.4);
  });

  it('leaves a failed run out of the figures (and its round out of the ratios) but counts what it broke', () => {
    const broken = { lost: 2, wrongState: 1, deadLettered: { poison: 1, other: 1 }, leftOnQueue: 3, violations: ['x'] };
    const runs: ScaleOutRun[] = [
      { processes: 1, round: 0, messages: 10, orders: 4, ok: true, messagesPerSecond: 100 },
      { processes: 2, round: 0, messages: 10, orders: 4, ok: false, note: 'exited', verdict: broken },
      { processes: 1, round: 1, messages: 10, orders: 4, ok: false, note: 'exited' },
      { processes: 2, round: 1, messages: 10, orders: 4, ok: true, messagesPerSecond: 300 },
    ];
    const [one, two] = summarizeScaleOut([1, 2], runs);
    expect(one).toMatchObject({ runs: 2, failed: 1, messagesPerSecond: 100 });
    expect(two).toMatchObject({
      runs: 2,
      failed: 1,
      messagesPerSecond: 300,
      overOneProcess: undefined,
      lost: 2,
      wrongState: 1,
      deadLetteredOther: 1,
      leftOnQueue: 3,
    });
  });

  it('counts the orders whose messages went to two or more processes, and each process share', () => {
    const orderOf = (id: string): string | undefined => ({ a: 'O1', b: 'O1', c: 'O2', d: 'O2', e: 'O3' })[id];
    const spread = receiveSpread(
      [
        { client: 'p1', messageIds: ['a', 'c', 'd'] },
        { client: 'p2', messageIds: ['b', 'e', 'x'] },
        { client: 'p2' },
        { client: 'p1', messageIds: ['e'] },
      ],
      orderOf,
    );
    expect(spread.contendedOrders).toBe(2); // O1 (a by p1, b by p2) and O3 (e by both); not O2
    expect(spread.shares).toEqual([4 / 7, 3 / 7]); // p1: a c d e; p2: b e x (x: no order, still handed out)
  });
});

describe('the scale-out table and JSON', () => {
  it('shows a row per process count, the ratio to one process and the correctness counts, then the 2-core note', () => {
    const text = scaleOutTable(fabricatedScaleOut());
    expect(text.split('\n')[1]).toMatch(/^Scale-out: N `orders consume --until-empty` processes on one queue, /);
    expect(rowsOf(text)).toEqual([
      ['1', '2', '450', '1.00× [1.00–1.00]', '1000', '0.30', '60%', '0%', '100%', '0', '0', '0', '0', '0 of 2'],
      ['2', '4', '725', '1.60× [1.50–1.70]', '1200', '0.30', '95%', '40%', '55%', '0', '0', '0', '0', '0 of 2'],
    ]);
    expect(text).toContain('On 2 cores: the N processes share them with each other, the stand-ins');
  });

  it('keeps its JSON keys', () => {
    const json = JSON.parse(JSON.stringify(scaleOutJson(fabricatedScaleOut()))) as {
      rows: Record<string, unknown>[];
      runs: Record<string, unknown>[];
    };
    expect(Object.keys(json)).toEqual(['scenario', 'rows', 'runs']);
    expect(json.rows[1]).toEqual({
      processes: 2,
      pollers: 4,
      runs: 2,
      failed: 0,
      messagesPerSecond: 725,
      overOneProcess: { median: 1.6, min: 1.5, max: 1.7, pairs: 2 },
      cpuUsPerMessage: 1200,
      standinCores: 0.3,
      machineBusy: 0.95,
      racedShare: 0.4,
      busiestShare: 0.55,
      lost: 0,
      wrongState: 0,
      deadLetteredOther: 0,
      leftOnQueue: 0,
    });
    expect(Object.keys(json.runs[0] ?? {})).toEqual([
      'processes',
      'round',
      'messages',
      'ok',
      'messagesPerSecond',
      'cpuUsPerMessage',
      'lost',
      'wrongState',
      'violations',
    ]);
  });
});

describe('the simulation-speed figures', () => {
  const summary = (published: number) =>
    JSON.stringify({
      ok: true,
      violations: [],
      results: { published, simulated_s: 10 },
      performance: { simulated_events: 1500, wall_s: 0.5, events_per_s: 3000 },
    });

  it("reads orders simulate --json's last line, and declines anything else", () => {
    expect(readSimulateJson(`progress\n${summary(1000)}\n`)).toMatchObject({ results: { published: 1000 } });
    expect(readSimulateJson('')).toBeUndefined();
    expect(readSimulateJson('{"ok":true,"violations":[]}')).toBeUndefined();
    expect(readSimulateJson(summary(1000).replace('"wall_s":0.5', '"wall_s":"0.5"'))).toBeUndefined();
  });

  it('divides by the simulation wall time, and leaves the empty run (start-up) out of CPU per message', () => {
    expect(fabricatedSimulation().figures).toEqual({
      runs: 1,
      failed: 0,
      simulatedSecondsPerWallSecond: 20,
      messagesPerSecond: 2000,
      eventsPerSecond: 3000,
      cpuUsPerMessage: 500, // (900 − 400) ms over 1,000 messages
      startupCpuMs: 400,
      hourProjectedSeconds: 180,
    });
    const failed: SimulationRun = { round: 1, ok: false, note: 'no summary' };
    expect(summarizeSimulation([...fabricatedSimulation().runs, failed])).toMatchObject({ runs: 2, failed: 1 });
  });

  it('prints one row and keeps its JSON keys', () => {
    const result = fabricatedSimulation();
    expect(rowsOf(simulationTable(result))).toEqual([['20.0', '2000', '3000', '500.0', '400', '180', '0 of 1']]);
    expect(simulationJson(result)).toEqual({
      scenario: result.scenario,
      simulatedSecondsPerWallSecond: 20,
      messagesPerSecond: 2000,
      eventsPerSecond: 3000,
      cpuUsPerMessage: 500,
      startupCpuMs: 400,
      hourProjectedSeconds: 180,
      runs: 1,
      failed: 0,
    });
  });
});

describe('what of these stages fails pnpm bench', () => {
  it('nothing, when every run of ours finished and broke nothing, however slow', () => {
    const slow = fabricatedScaleOut().runs.map((run) => ({ ...run, messagesPerSecond: 1 }));
    expect(failuresOfOurs({ ...fabricatedResults(), scaleOut: fabricatedScaleOut(slow) })).toEqual([]);
  });

  it('a scale-out run of ours that lost an order, stored a wrong state, or did not finish', () => {
    const [first, second] = fabricatedScaleOut().runs as [ScaleOutRun, ScaleOutRun];
    const violations = ['lost = 1, expected 0: …', 'wrong state = 1, expected 0: …'];
    const runs: ScaleOutRun[] = [
      first,
      { ...second, verdict: { ...(second.verdict as NonNullable<ScaleOutRun['verdict']>), lost: 1, violations } },
      { ...first, round: 1, ok: false, note: 'scale-out-p1 exited (1) too early' },
    ];
    expect(failuresOfOurs({ ...fabricatedResults(), scaleOut: fabricatedScaleOut(runs) })).toEqual([
      'scale-out, 2 process(es), round 1: lost = 1, expected 0: …',
      'scale-out, 2 process(es), round 1: wrong state = 1, expected 0: …',
      'scale-out, 1 process(es), round 2: scale-out-p1 exited (1) too early',
    ]);
  });

  it('a simulation that did not run, or broke its own invariants', () => {
    const runs: SimulationRun[] = [
      { round: 0, ok: false, note: 'orders simulate exited 2 without its summary: boom' },
      { round: 1, ok: true, verdictOk: false, violations: ['lost: 1 messages were …'], wallSeconds: 1, published: 1 },
    ];
    expect(failuresOfOurs({ ...fabricatedResults(), simulation: fabricatedSimulation(runs) })).toEqual([
      'orders simulate, round 1: orders simulate exited 2 without its summary: boom',
      'orders simulate, round 2: lost: 1 messages were …',
    ]);
  });
});
