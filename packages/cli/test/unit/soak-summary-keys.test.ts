import { FAULT_KINDS } from '@orders/simulation';
import { SoakNetworkFaults } from '../../src/soak/aws/aws-network-faults';
import { POISON_KINDS } from '../../src/soak/poison-messages';
import { runSoak } from '../../src/soak/run-soak';
import { DEFAULT_SOAK_OPTIONS, type SoakOptions } from '../../src/soak/soak-options';
import { snakeCaseKey, snakeCaseKeys } from '../../src/soak/summary-keys';
import { keysNotInSnakeCase } from './soak-key-style';

describe('the soak summary keys: snake_case everywhere', () => {
  it('converts camelCase, labels with spaces and kebab-case names', () => {
    expect(snakeCaseKey('maxReceiveCount')).toBe('max_receive_count');
    expect(snakeCaseKey('subscriptionDlqName')).toBe('subscription_dlq_name');
    expect(snakeCaseKey('orderId as a number')).toBe('order_id_as_a_number');
    expect(snakeCaseKey('SNS envelope with a non-string Message')).toBe('sns_envelope_with_a_non_string_message');
    expect(snakeCaseKey('__proto__ key')).toBe('proto_key');
    expect(snakeCaseKey('drop-answer')).toBe('drop_answer');
    expect(snakeCaseKey('hour 24')).toBe('hour_24');
  });

  it('keeps the entries and their order, and refuses two keys that would become one', () => {
    expect(Object.entries(snakeCaseKeys({ tableName: 'T', 'drop-answer': 2, ok: true }))).toEqual([
      ['table_name', 'T'],
      ['drop_answer', 2],
      ['ok', true],
    ]);
    expect(() => snakeCaseKeys({ tableName: 1, table_name: 2 })).toThrow(/'table_name'/);
  });

  it.each([
    ['poison kind', POISON_KINDS.map((kind) => kind.label)],
    ['network fault kind', [...FAULT_KINDS]],
  ])('gives every %s its own snake_case key', (_what, names) => {
    const keys = names.map(snakeCaseKey);
    expect(new Set(keys).size).toBe(names.length);
    expect(keysNotInSnakeCase(Object.fromEntries(keys.map((key) => [key, 0])))).toEqual([]);
  });

  it('has no other style at any depth of an in-memory summary, and every option under its snake_case name', async () => {
    const options: SoakOptions = {
      ...DEFAULT_SOAK_OPTIONS,
      messages: 600,
      seed: 9,
      poisonRate: 0.1,
      crashRate: 0.05,
      deliverySeed: 4,
      rawDelivery: true,
      outage: { startSeconds: 0, durationSeconds: 600, failureClass: 'transient' },
    };
    const { summary } = await runSoak(options);
    expect(keysNotInSnakeCase(JSON.parse(JSON.stringify(summary)))).toEqual([]);
    // Every option is in the summary (a new option the summary forgot would fail here).
    expect(Object.keys(summary.options).sort()).toEqual(Object.keys(options).map(snakeCaseKey).sort());
    expect(summary.options).toMatchObject({
      fault_rate: options.faultRate,
      max_receive_count: options.maxReceiveCount,
      delivery_seed: 4,
      raw_delivery: true,
      outage: { start_s: 0, duration_s: 600, failure_class: 'transient' },
    });
    expect(Object.keys(summary.workload.poison_kinds).length).toBeGreaterThan(10);
  });

  it('names the network faults of the AWS target by kind in snake_case', async () => {
    // Nothing is sent: the proxy only has to exist to be described.
    const faults = await SoakNetworkFaults.start('http://127.0.0.1:9', 0.5, 1, {});
    try {
      const described = faults.describe();
      expect(keysNotInSnakeCase(described)).toEqual([]);
      expect(Object.keys(described.by_kind as object)).toEqual(FAULT_KINDS.map(snakeCaseKey));
    } finally {
      await faults.close();
    }
  });
});
