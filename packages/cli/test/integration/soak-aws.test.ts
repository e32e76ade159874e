import { describeResources, ResourceMissingError } from '@orders/adapters-aws';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { awsSoakTarget } from '../../src/soak/aws/aws-soak-target';
import { runSoak, type SoakResult } from '../../src/soak/run-soak';
import { DEFAULT_SOAK_OPTIONS, type SoakOptions } from '../../src/soak/soak-options';
import { keysNotInSnakeCase } from '../unit/soak-key-style';

// The fault-injection soak through SNS → SQS → the real handler → DynamoDB on the emulator the
// integration project chose, checked with the same invariants as the in-memory soak. Delivery
// order is the endpoint's, so unlike the in-memory soak the summary is not the same from run to
// run; every invariant must hold anyway.

const environment = integrationEnvironment();
// moto's SQS calls slow down with queue length (see aws-soak-target); ~35 s for the 1,000 messages here.
const SOAK_TIMEOUT_MS = 150_000;

async function soakOnEmulator(
  label: string,
  overrides: Partial<SoakOptions>,
): Promise<{ result: SoakResult; names: ReturnType<typeof uniqueResourceNames>; notices: string[] }> {
  const names = uniqueResourceNames(label);
  const notices: string[] = [];
  const target = awsSoakTarget({
    endpoint: environment.endpoint,
    region: environment.region,
    names,
    onNotice: (message) => notices.push(message),
  });
  const result = await runSoak({ ...DEFAULT_SOAK_OPTIONS, ...overrides }, {}, target);
  return { result, names, notices };
}

/** Every invariant the in-memory soak tests assert, read from the summary and the facts. */
function expectEveryInvariant({ summary, facts }: SoakResult): void {
  const K = summary.options.max_receive_count;
  expect(summary.violations).toEqual([]);
  expect(summary.ok).toBe(true);
  // lost = 0: every published message acknowledged as processed, or in OrderDLQ.
  expect(summary.lost).toBe(0);
  expect(summary.lost_detail).toEqual({
    unaccounted: 0,
    poison_acknowledged: 0,
    deleted_without_success: 0,
    acknowledged_without_effect: 0,
  });
  expect(summary.valid + summary.poison).toBe(summary.published);
  expect(summary.acknowledged).toBe(summary.valid);
  // Every order stored at its newest event, and nothing else stored.
  expect(summary.stale_overwrites).toBe(0);
  expect(summary.unexpected_orders).toBe(0);
  expect(summary.stored_orders).toBe(summary.orders);
  // After the redrive OrderDLQ holds exactly the poison, each moved after exactly K receives.
  expect(summary.dlq_after_redrive).toBe(summary.poison);
  const poisonIds = facts.published
    .filter((m) => m.kind === 'poison')
    .map((m) => m.messageId)
    .sort();
  expect(facts.deadLettersAfterRedrive.map((d) => d.messageId).sort()).toEqual(poisonIds);
  expect([...facts.deadLettersAfterDrain, ...facts.deadLettersAfterRedrive].every((d) => d.receiveCount === K)).toBe(
    true,
  );
  expect(summary.max_receive_count_seen).toBe(K);
  expect(summary.max_receive_count_delivered).toBe(K);
  // Each poison message was rejected exactly K times in each drain; the redrive drain had no store failures.
  expect(summary.outcomes.invalid).toBe(summary.poison * K * 2);
  expect(summary.dlq_after_drain).toBeGreaterThanOrEqual(summary.poison);
  expect(summary.redriven).toBe(summary.dlq_after_drain);
  expect(summary.phases.redrive.outcomes.failed).toBe(0);
  expect(facts.leftOnQueue).toEqual({ afterDrain: 0, afterRedrive: 0 });
  expect(facts.drainsFinished).toBe(true);
  // What the AWS target adds: every published message was matched to exactly one SQS message,
  // and OrderDLQ's receive counts agree with the counts the deliveries carried.
  expect(summary.target).toMatchObject({
    kind: 'aws',
    extra_deliveries: 0,
    never_delivered: 0,
    dead_letters: {
      receive_counts: { checked: summary.dlq_after_drain + summary.dlq_after_redrive, mismatches_with_deliveries: 0 },
    },
  });
  // One key style in the whole summary, the target's detail included.
  expect(keysNotInSnakeCase(JSON.parse(JSON.stringify(summary)))).toEqual([]);
}

describe('the soak on SNS/SQS/DynamoDB', () => {
  beforeAll(async () => {
    await resetEmulator();
  });

  it(
    'holds every invariant over 1,000 messages with store faults before and after the write, poison, duplicates and reordering',
    async () => {
      const started = Date.now();
      const { result, names, notices } = await soakOnEmulator('soak', {
        messages: 1000,
        faultRate: 0.1,
        faultMode: 'mixed',
        poisonRate: 0.03,
        duplicateRate: 0.1,
        reorderRate: 0.1,
        seed: 5,
      });
      const { summary } = result;
      process.stdout.write(`[soak-aws] ${Date.now() - started} ms wall: ${JSON.stringify(summary)}\n`);

      expect(notices).toEqual([]);
      expectEveryInvariant(result);
      expect(summary.published).toBe(1000);
      // It exercised what it claims to.
      expect(summary.poison).toBeGreaterThan(10);
      expect(summary.faults_injected.before_write).toBeGreaterThan(0);
      expect(summary.faults_injected.after_write).toBeGreaterThan(0);
      expect(summary.outcomes.failed).toBeGreaterThan(0);
      expect(summary.workload.duplicates_republished).toBeGreaterThan(0);
      expect(summary.workload.duplicates_sns_redelivered).toBeGreaterThan(0);
      expect(summary.workload.reordered_orders).toBeGreaterThan(0);
      expect(summary.outcomes.duplicate).toBeGreaterThan(0);
      expect(summary.outcomes.stale).toBeGreaterThan(0);
      expect(summary.target).toMatchObject({
        sent_to_queue_as_sns_redelivery: summary.workload.duplicates_sns_redelivered,
      });
      if (environment.flavour === 'moto')
        expect(summary.target).toMatchObject({ dead_letters: { redrive_strategy: 'manual' } });
      // Envelope delivery: a tap queue beside OrderQueue shows the notification bodies.
      expect(summary.target).toMatchObject({
        resources: {
          table_name: names.tableName,
          queue_name: names.queueName,
          tap_queue_name: `${names.queueName}-tap`,
        },
      });
      // The soak deletes what it created.
      await expect(describeResources({ names })).rejects.toBeInstanceOf(ResourceMissingError);
    },
    SOAK_TIMEOUT_MS,
  );

  it(
    'holds them under raw delivery, maxReceiveCount 2, batches of 4 and invocations that crash after the handler ran',
    async () => {
      const { result, notices } = await soakOnEmulator('soak-raw', {
        messages: 300,
        rawDelivery: true,
        maxReceiveCount: 2,
        batchSize: 4,
        crashRate: 0.1,
        faultRate: 0.2,
        faultMode: 'after-write',
        poisonRate: 0.05,
        seed: 6,
      });
      expect(notices).toEqual([]);
      expectEveryInvariant(result);
      expect(result.summary.faults_injected.crashes).toBeGreaterThan(0);
      expect(result.summary.faults_injected.before_write).toBe(0);
    },
    SOAK_TIMEOUT_MS,
  );
});
