import { createPowertoolsMetrics } from '@orders/observability';

const batch = {
  counts: { created: 1, updated: 0, duplicate: 0, conflict: 0, stale: 0, invalid: 1, failed: 2 },
  failures: [
    { failureClass: 'invalid' as const, code: 'not_json', count: 1 },
    { failureClass: 'transient' as const, code: 'throttled', count: 2 },
  ],
  batchSize: 4,
  durationMs: 12,
};

describe('PowertoolsMetricsRecorder', () => {
  it('publishes nothing for an invocation that recorded no batch (no stray warning line)', () => {
    const recorder = createPowertoolsMetrics({ namespace: 'Test', serviceName: 'test' });
    const publish = jest
      .spyOn(recorder.powertools, 'publishStoredMetrics')
      .mockImplementation(() => recorder.powertools);
    recorder.flush();
    expect(publish).not.toHaveBeenCalled();
  });

  it('publishes the batch once, then one failedRecords metric per failure class and code', () => {
    const recorder = createPowertoolsMetrics({ namespace: 'Test', serviceName: 'test' });
    const publish = jest
      .spyOn(recorder.powertools, 'publishStoredMetrics')
      .mockImplementation(() => recorder.powertools);
    const singles: { dimensions: Record<string, string>; metric: [string, number] }[] = [];
    jest.spyOn(recorder.powertools, 'singleMetric').mockImplementation(() => {
      const single = { dimensions: {} as Record<string, string>, metric: ['', 0] as [string, number] };
      singles.push(single);
      return {
        addDimension: (name: string, value: string) => {
          single.dimensions[name] = value;
        },
        addMetric: (name: string, _unit: unknown, value: number) => {
          single.metric = [name, value];
        },
      } as unknown as ReturnType<typeof recorder.powertools.singleMetric>;
    });
    recorder.recordBatch(batch);
    recorder.flush();
    recorder.flush();
    expect(publish).toHaveBeenCalledTimes(1);
    expect(singles).toEqual([
      { dimensions: { failureClass: 'invalid', errorCode: 'not_json' }, metric: ['failedRecords', 1] },
      { dimensions: { failureClass: 'transient', errorCode: 'throttled' }, metric: ['failedRecords', 2] },
    ]);
  });

  it('counts deferred records (FIFO: handed back behind a failed record) as their own metric, not as transient', () => {
    const recorder = createPowertoolsMetrics({ namespace: 'Test', serviceName: 'test' });
    const added: [string, number][] = [];
    jest.spyOn(recorder.powertools, 'addMetric').mockImplementation((name: string, _unit: unknown, value: number) => {
      added.push([name, value]);
      return recorder.powertools;
    });
    recorder.recordBatch({
      ...batch,
      counts: { ...batch.counts, failed: 1 },
      failures: [{ failureClass: 'transient', code: 'throttled', count: 1 }],
      deferred: 3,
    });
    const metric = (name: string) => added.filter(([n]) => n === name).map(([, value]) => value);
    // One throttled record with three waiting behind it: one transient failure, not four.
    expect([metric('deferred'), metric('transient'), metric('failed')]).toEqual([[3], [1], [1]]);
  });
});

describe('PowertoolsMetricsRecorder: throttled saves', () => {
  const addedBy = () => {
    const recorder = createPowertoolsMetrics({ namespace: 'Test', serviceName: 'test' });
    const added: [string, number][] = [];
    jest.spyOn(recorder.powertools, 'addMetric').mockImplementation((name: string, _unit: unknown, value: number) => {
      added.push([name, value]);
      return recorder.powertools;
    });
    return { recorder, metric: (name: string) => added.filter(([n]) => n === name).map(([, value]) => value) };
  };

  it('adds one throttledSaves metric per batch: the saves DynamoDB throttled, retried to success or not', () => {
    const { recorder, metric } = addedBy();
    recorder.recordBatch({ ...batch, throttledSaves: 5 });
    expect(metric('throttledSaves')).toEqual([5]);
  });

  it('adds 0 when none was (the metric always has data, so an alarm on it never reads missing data)', () => {
    const { recorder, metric } = addedBy();
    recorder.recordBatch(batch);
    expect(metric('throttledSaves')).toEqual([0]);
  });
});
