import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp } from '../../../../infra/src/app';
import { DEFAULTS } from '../../../../infra/src/stack/props';
import { buildProgram } from '../../src/main';
import { runSimulation } from '../../src/simulate/run-simulation';
import { SIMULATE_DEFAULTS, type SimulateFlags, simulationOptionsFrom } from '../../src/simulate/simulate-flags';
import { SimulatedWorkload } from '../../src/simulate/simulated-workload';
import { STACK_DEFAULT_SETTINGS, settingsFromTemplate } from '../../src/simulate/stack-settings';

let workDir: string;
beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-simulate-template-'));
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const flags = (overrides: Partial<SimulateFlags> = {}): SimulateFlags => ({ ...SIMULATE_DEFAULTS, ...overrides });
const defaults = { kind: 'defaults' } as const;

describe('orders simulate: the stack defaults it falls back to', () => {
  it("are the stack's own (infra/src/stack/props.ts), visibility timeout 6 × the function timeout", () => {
    expect(STACK_DEFAULT_SETTINGS).toMatchObject({
      batchSize: DEFAULTS.batchSize,
      maximumConcurrency: DEFAULTS.maxConcurrency,
      maxReceiveCount: DEFAULTS.maxReceiveCount,
      functionTimeoutSeconds: DEFAULTS.functionTimeout.toSeconds(),
      memoryMb: DEFAULTS.memorySize,
      visibilityTimeoutSeconds: 6 * DEFAULTS.functionTimeout.toSeconds(),
      // The stack reserves exactly what the event source polls for (ADR 6).
      reservedConcurrency: DEFAULTS.maxConcurrency,
    });
  });

  it("are the synthesized stack's: the template reserves MaximumConcurrency, and the simulator reads it", () => {
    // The template, not the code: synthesized as `pnpm synth` does (a stand-in bundle suffices).
    const bundleDirectory = path.join(workDir, 'bundle');
    fs.mkdirSync(bundleDirectory, { recursive: true });
    fs.writeFileSync(path.join(bundleDirectory, 'index.mjs'), 'export const handler = async () => ({});\n');
    fs.writeFileSync(path.join(bundleDirectory, 'tracing-sdk.mjs'), 'export {};\n');
    const cdkOut = path.join(workDir, 'cdk.out');
    createApp({ outdir: cdkOut, bundleDirectory }).app.synth();
    expect(settingsFromTemplate(cdkOut)).toEqual(STACK_DEFAULT_SETTINGS);
    const optedOut = path.join(workDir, 'cdk.out.none');
    createApp({ outdir: optedOut, bundleDirectory, context: { reservedConcurrency: 'none' } }).app.synth();
    expect(settingsFromTemplate(optedOut).reservedConcurrency).toBeUndefined();
  }, 60_000);
});

describe('orders simulate: throttling (issue 19, item 3; ADR 6)', () => {
  const thirtyMinutes = { startSeconds: 0, durationSeconds: 1_800 };

  it('30 minutes of account-pool throttling on the stack defaults dead-letters no valid message: the reservation is carved out of the pool', async () => {
    const summary = await runSimulation(
      simulationOptionsFrom(
        STACK_DEFAULT_SETTINGS,
        flags({ rate: 5, duration: 1_800, throttle: thirtyMinutes, throttleCause: 'account' }),
      ),
      defaults,
    );
    const r = summary.results;
    expect(summary.settings).toMatchObject({ reserved_concurrency: 10, maximum_concurrency: 10, throttle_safe: true });
    expect(r.throttled_invocations).toBe(0);
    expect(r.invocations).toBeGreaterThan(0);
    expect(r.valid_dead_lettered).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.drained).toBe(true);
    expect(summary.ok).toBe(true);
  }, 60_000);

  it('the same throttling with reserved concurrency opted out (none) dead-letters every valid order in about 9 minutes', async () => {
    const summary = await runSimulation(
      simulationOptionsFrom(
        STACK_DEFAULT_SETTINGS,
        flags({ rate: 5, duration: 60, throttle: thirtyMinutes, reservedConcurrency: 'none' }),
      ),
      defaults,
    );
    const r = summary.results;
    expect(summary.settings.throttle_safe).toBe(false);
    // The handler never ran: every batch was throttled, and each came back after the visibility
    // timeout with a receive spent, three times, then went to OrderDLQ.
    expect(r.invocations).toBe(0);
    expect(r.throttled_by['account-concurrency']).toBeGreaterThan(0);
    expect(r.receives_per_message).toBe(3);
    expect(r.valid_dead_lettered).toBe(r.valid_published);
    expect(r.lost).toBe(0);
    expect(summary.ok).toBe(false);
    expect(summary.violations.join('\n')).toMatch(
      /valid_dead_lettered: \d+ valid messages reached OrderDLQ in a 1800 s window, shorter than the 3660 s .*records were in throttled batches/,
    );
  }, 60_000);

  it('reserved concurrency below MaximumConcurrency dead-letters valid orders with no window at all (synth refuses it)', async () => {
    // Slow invocations (1 s per PutItem) keep the two invocations the reservation allows busy, so
    // the mapping's other pollers keep receiving batches Lambda throttles: each spends a receive.
    const summary = await runSimulation(
      simulationOptionsFrom(
        STACK_DEFAULT_SETTINGS,
        flags({ rate: 50, duration: 120, reservedConcurrency: 2, maximumConcurrency: 10, rttPut: 1_000 }),
      ),
      defaults,
    );
    const r = summary.results;
    expect(summary.settings).toMatchObject({ reserved_concurrency: 2, maximum_concurrency: 10, throttle_safe: false });
    expect(r.throttled_by['reserved-concurrency']).toBeGreaterThan(0);
    expect(r.throttled_by['account-concurrency']).toBe(0);
    expect(r.peak_concurrency).toBeLessThanOrEqual(2);
    expect(r.valid_dead_lettered).toBeGreaterThan(0);
    expect(r.lost).toBe(0);
    expect(summary.ok).toBe(false);
    expect(summary.violations.join('\n')).toMatch(
      /valid messages reached OrderDLQ with no outage or throttling window at all; \d+ records were in throttled batches/,
    );
    // The same run with the reservation the stack makes (= MaximumConcurrency): nothing throttled, nothing dead-lettered.
    const safe = await runSimulation(
      simulationOptionsFrom(
        STACK_DEFAULT_SETTINGS,
        flags({ rate: 50, duration: 120, maximumConcurrency: 10, rttPut: 1_000 }),
      ),
      defaults,
    );
    expect(safe.results.throttled_invocations).toBe(0);
    expect(safe.results.valid_dead_lettered).toBe(0);
  }, 60_000);

  it('the mapping never invokes above MaximumConcurrency, and a reservation that follows it is never exceeded', async () => {
    const summary = await runSimulation(
      simulationOptionsFrom(
        STACK_DEFAULT_SETTINGS,
        flags({ rate: 0, duration: 0, backlog: 20_000, maximumConcurrency: 30 }),
      ),
      defaults,
    );
    const r = summary.results;
    // --maximum-concurrency 30 moved the default reservation with it, as -c maxConcurrency=30 does.
    expect(summary.settings).toMatchObject({ maximum_concurrency: 30, reserved_concurrency: 30, throttle_safe: true });
    expect(r.peak_mapping_batches).toBe(30);
    expect(r.peak_concurrency).toBeLessThanOrEqual(30);
    expect(r.throttled_invocations).toBe(0);
    expect(r.drained).toBe(true);
  }, 60_000);

  it('a reservation set by hand below the mapping inside a window (--throttle-cause reserved) still dead-letters: only the Throttles alarm catches it', async () => {
    const summary = await runSimulation(
      simulationOptionsFrom(
        STACK_DEFAULT_SETTINGS,
        flags({ rate: 5, duration: 60, throttle: thirtyMinutes, throttleCause: 'reserved' }),
      ),
      defaults,
    );
    expect(summary.results.throttled_by['reserved-concurrency']).toBeGreaterThan(0);
    expect(summary.results.valid_dead_lettered).toBe(summary.results.valid_published);
  }, 60_000);

  it('refuses a reservation Lambda would refuse (less than 100 left unreserved), as synth does', () => {
    expect(() => simulationOptionsFrom(STACK_DEFAULT_SETTINGS, flags({ maximumConcurrency: 1_000 }))).toThrow(
      /reserved concurrency 1000 leaves less than the 100 unreserved/,
    );
    expect(() =>
      simulationOptionsFrom(STACK_DEFAULT_SETTINGS, flags({ maximumConcurrency: 1_000, accountConcurrency: 1_100 })),
    ).not.toThrow();
    expect(() =>
      simulationOptionsFrom(STACK_DEFAULT_SETTINGS, flags({ accountConcurrency: 50, reservedConcurrency: 'none' })),
    ).not.toThrow();
  });
});

describe('orders simulate: scenarios', () => {
  it('a hot orderId throttled by its partition: the throttles are absorbed, nothing lost or dead-lettered', async () => {
    const summary = await runSimulation(
      simulationOptionsFrom(
        STACK_DEFAULT_SETTINGS,
        flags({ rate: 2_000, duration: 5, hotKeyShare: 0.8, maximumConcurrency: 900, seed: 7 }),
      ),
      defaults,
    );
    const r = summary.results;
    expect(r.dynamodb_throttles).toBeGreaterThan(0);
    // Each throttled save counted once by the handler, however many of its attempts were throttled.
    expect(r.throttled_saves).toBeGreaterThan(0);
    expect(r.throttled_saves).toBeLessThanOrEqual(r.dynamodb_throttles);
    expect(r.dynamodb_throttled_saves).toBeLessThanOrEqual(r.throttled_saves);
    // The environments wrote fewer at once (simulate-aimd.test.ts follows the limit down and back).
    expect(r.write_concurrency.lowest).toBeLessThan(r.write_concurrency.configured);
    expect(r.valid_dead_lettered).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.stored_wrong).toBe(0);
    expect(r.drained).toBe(true);
    expect(summary.ok).toBe(true);
  }, 60_000);

  it('a warm start begins with the mapping at its ceiling and environments initialised, counted neither as cold starts nor in the peak', async () => {
    const run = (warmStart: boolean) =>
      runSimulation(
        simulationOptionsFrom(
          STACK_DEFAULT_SETTINGS,
          flags({ rate: 100, duration: 5, maximumConcurrency: 30, warmStart }),
        ),
        defaults,
      );
    const [cold, warm] = [await run(false), await run(true)];
    expect(warm.workload.warm_start).toBe(true);
    expect(warm.results.peak_mapping_batches).toBe(30);
    expect(warm.results.cold_starts).toBe(0);
    // 100 orders/s arrive 10 at a time: one batch each 100 ms, never 30 at once.
    expect(warm.results.peak_concurrency).toBeLessThan(5);
    expect(warm.results.throttled_invocations).toBe(0);
    // Cold, the mapping starts at 5 batches and never needs more; the first invocations start environments.
    expect(cold.results.peak_mapping_batches).toBe(5);
    expect(cold.results.cold_starts).toBeGreaterThan(0);
    // Mean concurrency is invocation-seconds per second: 5 s of 10 batches a second, each 20 ms
    // receive + 15 ms overhead + 8 ms PutItem, 0.43 (cold starts add to the cold run's).
    expect(warm.results.mean_concurrency).toBeCloseTo(0.43, 1);
    expect(cold.results.mean_concurrency).toBeGreaterThan(warm.results.mean_concurrency);
  }, 60_000);

  it('a hot key window: the hot orders get their share inside it only (a flash sale)', () => {
    const shape = {
      rate: 0,
      durationSeconds: 10,
      backlog: 0,
      hotKeyShare: 1,
      hotKeys: 1,
      hotKeyWindow: { startSeconds: 2, durationSeconds: 3 },
      poisonRate: 0,
      duplicateRate: 0,
    };
    const workload = new SimulatedWorkload(shape, 1);
    const hotAt = (seconds: number): boolean => {
      const before = workload.published.hot;
      workload.next(seconds);
      return workload.published.hot > before;
    };
    expect([0, 1.9, 2, 3, 4.9, 5, 9].map(hotAt)).toEqual([false, false, true, true, true, false, false]);
    // Without a window, the whole run.
    const always = new SimulatedWorkload({ ...shape, hotKeyWindow: undefined }, 1);
    always.next(0);
    always.next(9);
    expect(always.published.hot).toBe(2);
  });

  it('the same seed gives the same summary', async () => {
    const options = simulationOptionsFrom(
      STACK_DEFAULT_SETTINGS,
      flags({ rate: 200, duration: 20, reservedConcurrency: 2, seed: 3 }),
    );
    const [a, b] = [await runSimulation(options, defaults), await runSimulation(options, defaults)];
    expect(a.results.throttled_by['reserved-concurrency']).toBeGreaterThan(0);
    expect(a.results.lost).toBe(0);
    expect({ ...a, performance: undefined }).toEqual({ ...b, performance: undefined });
  }, 60_000);
});

describe('orders simulate: the command', () => {
  it('refuses provisioned mode with MaximumConcurrency, as AWS does', () => {
    expect(() => simulationOptionsFrom(STACK_DEFAULT_SETTINGS, flags({ esmMode: 'provisioned' }))).toThrow(
      /provisioned mode cannot be combined with MaximumConcurrency/,
    );
    expect(() =>
      simulationOptionsFrom(STACK_DEFAULT_SETTINGS, flags({ esmMode: 'provisioned', maximumConcurrency: 'none' })),
    ).not.toThrow();
  });

  it('applies its flags over the stack settings and prints the JSON summary with every key; exit 1 on a broken invariant', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err.push(String(chunk));
      return true;
    });
    try {
      await buildProgram().parseAsync(
        [
          'simulate',
          '--no-template',
          '--json',
          '--rate',
          '5',
          '--duration',
          '4',
          '--throttle',
          '0:1800',
          '--batch-size',
          '5',
          '--maximum-concurrency',
          'none',
          '--reserved-concurrency',
          '20',
          '--throttle-cause',
          'reserved',
          '--memory',
          '1024',
          '--max-receive-count',
          '4',
          '--price-sqs',
          '1',
          '--hot-key-share',
          '0.5',
          '--hot-key-window',
          '1:2',
        ],
        { from: 'user' },
      );
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    const summary = JSON.parse(out.join('')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(summary)).toEqual([
      'ok',
      'violations',
      'settings',
      'platform',
      'workload',
      'results',
      'cost',
      'performance',
    ]);
    expect(summary['workload']).toMatchObject({ hot_key_share: 0.5, hot_key_window: { start_s: 1, duration_s: 2 } });
    expect(summary['settings']).toMatchObject({
      source: 'stack defaults',
      batch_size: 5,
      maximum_concurrency: null,
      reserved_concurrency: 20,
      memory_mb: 1024,
      max_receive_count: 4,
    });
    expect(Object.keys(summary['results'] ?? {})).toEqual(
      expect.arrayContaining([
        'time_to_drain_s',
        'message_age_s',
        'peak_concurrency',
        'throttled_invocations',
        'dynamodb_throttles',
        'throttled_saves',
        'write_concurrency',
        'receives_per_message',
        'valid_dead_lettered',
        'lost',
      ]),
    );
    // Every batch throttled before the handler ran: no save, no cut.
    expect(summary['results']).toMatchObject({
      receives_per_message: 4,
      lost: 0,
      throttled_saves: 0,
      write_concurrency: { configured: 100, lowest: 100, final: 100 },
    });
    expect(summary['cost']).toMatchObject({ region: 'us-east-1', prices_as_of: '2026-12 (overridden)' });
    expect(Object.keys((summary['cost'] as { per_million_orders_usd: object }).per_million_orders_usd)).toEqual([
      'lambdaRequests',
      'lambdaDuration',
      'sqs',
      'sns',
      'dynamodb',
      'total',
    ]);
    expect(summary['performance']).toHaveProperty('events_per_s');
    expect(err.join('')).toMatch(/simulate: invariant broken: valid_dead_lettered/);
  }, 60_000);
});
