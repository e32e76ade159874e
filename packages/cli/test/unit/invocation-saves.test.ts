import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { type InboundMessage, ProcessOrderBatch, serializeOrder } from '@orders/core';
import { TableWriteThroughput, ThroughputLimitedOrderRepository } from '@orders/simulation';
import { InvocationSaves } from '../../src/simulate/invocation-saves';

const PUT_MS = 8;
const START = Date.parse('2025-05-03T12:00:00Z');

const message = (orderId: string, n = 0): InboundMessage => ({
  messageId: `m-${orderId}-${n}`,
  body: serializeOrder({
    orderId,
    userId: 'U1',
    itemName: 'Laptop',
    quantity: 1,
    status: 'new',
    timestamp: new Date(START + n * 1_000).toISOString(),
  }),
});

const batch = (prefix: string, count: number): InboundMessage[] =>
  Array.from({ length: count }, (_, i) => message(`${prefix}${i}`));

/** `count` orders none of which shares a partition with `HOT`. */
function coldBatch(table: TableWriteThroughput, prefix: string, count: number): InboundMessage[] {
  const hot = table.partitionOf('HOT');
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) if (table.partitionOf(`${prefix}${i}`) !== hot) ids.push(`${prefix}${i}`);
  return ids.map((id) => message(id));
}

/** The simulator's store for one execution environment's use case (as capacity-simulation.ts composes it). */
function environment(concurrency: number, table = new TableWriteThroughput()) {
  const attemptsAt: number[] = [];
  const limited: ThroughputLimitedOrderRepository = new ThroughputLimitedOrderRepository(
    new InMemoryOrderRepository(),
    {
      table,
      now: (): number => {
        attemptsAt.push(saves.startsAt());
        return saves.startsAt();
      },
      putRoundTripMs: PUT_MS,
      onSave: (latency) => saves.took(latency),
    },
  );
  const saves: InvocationSaves = new InvocationSaves(limited);
  const useCase = new ProcessOrderBatch({ repository: saves, clock: saves.clock }, { concurrency });
  const invoke = (at: number, messages: readonly InboundMessage[]) => saves.run(at, () => useCase.execute(messages));
  return { table, useCase, invoke, saveStartsAt: attemptsAt };
}

describe('InvocationSaves: a batch in simulated time', () => {
  it('runs the saves as the write limit lets them: 6 saves two at a time take three round trips, and start when others end', async () => {
    const { invoke, saveStartsAt } = environment(2);
    const { outcome, endedAt } = await invoke(0, batch('A', 6));
    expect(outcome.ok).toBe(true);
    expect(endedAt).toBe(3 * PUT_MS);
    expect(saveStartsAt).toEqual([0, 0, 8, 8, 16, 16]);
    // All at once when the limit allows it.
    const wide = environment(10);
    expect((await wide.invoke(0, batch('A', 6))).endedAt).toBe(PUT_MS);
    expect(wide.saveStartsAt).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('tells a throttled attempt when it answers (all 10 in flight), answers the save after its retry, and the next batch then spreads its writes', async () => {
    const { table, useCase, invoke, saveStartsAt } = environment(10);
    // The hot order's partition has nothing left at 0: its save is throttled, retried 258 ms later.
    for (let i = 0; i < 1_000; i++) table.tryWrite('HOT', 1, 0);
    const first = await invoke(0, [message('HOT', 1), ...coldBatch(table, 'C', 9)]);
    expect(first.outcome).toMatchObject({ ok: true, value: { throttledSaves: 1 } });
    // The hot save's throttled first attempt answers at 8 ms, with all 10 saves in flight: half of 10, so 5.
    // The cold saves end then; the hot one after its backoff (8 + 250 + 8).
    expect(first.endedAt).toBe(PUT_MS + 250 + PUT_MS);
    expect(useCase.writeConcurrency.limit).toBe(5);
    // The next batch, 10 cold saves, runs five at a time: 2 round trips, each half starting as the last ends.
    saveStartsAt.length = 0;
    const second = await invoke(first.endedAt, coldBatch(table, 'D', 10));
    expect(second.endedAt - first.endedAt).toBe(2 * PUT_MS);
    expect(saveStartsAt).toEqual([
      ...Array.from({ length: 5 }, () => first.endedAt),
      ...Array.from({ length: 5 }, () => first.endedAt + PUT_MS),
    ]);
  });

  it("climbs back on the invocation's own clock: one step a second of saves that succeed", async () => {
    const { table, useCase, invoke } = environment(10);
    for (let i = 0; i < 1_000; i++) table.tryWrite('HOT', 1, 0);
    const cut = await invoke(0, [message('HOT', 1)]);
    expect(useCase.writeConcurrency.limit).toBe(1);
    // Within the second after the cut: no step up.
    await invoke(cut.endedAt + 500, coldBatch(table, 'E', 3));
    expect(useCase.writeConcurrency.limit).toBe(1);
    // A second on: one step; and again a second later.
    await invoke(cut.endedAt + 1_000, coldBatch(table, 'F', 3));
    expect(useCase.writeConcurrency.limit).toBe(2);
    await invoke(cut.endedAt + 2_100, coldBatch(table, 'G', 3));
    expect(useCase.writeConcurrency.limit).toBe(3);
  });

  it('hands a failed save to the handler when its last attempt ends, as the adapter would', async () => {
    // Half a write unit a second: a 1-unit put never fits, every attempt is throttled.
    const { useCase, invoke } = environment(
      10,
      new TableWriteThroughput({ warmWriteUnits: 1, partitionWriteUnits: 0.5 }),
    );
    const { outcome, endedAt } = await invoke(0, [message('HOT', 1)]);
    expect(outcome).toMatchObject({
      ok: true,
      value: { throttledSaves: 1, outcomes: [{ status: 'failed', error: { code: 'throttled' } }] },
    });
    expect(endedAt).toBe(4 * PUT_MS + 250 + 500 + 1_000);
    expect(useCase.writeConcurrency.limit).toBe(1);
  });
});
