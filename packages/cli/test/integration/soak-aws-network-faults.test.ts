import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { awsSoakTarget } from '../../src/soak/aws/aws-soak-target';
import { runSoak } from '../../src/soak/run-soak';
import { DEFAULT_SOAK_OPTIONS } from '../../src/soak/soak-options';

// The AWS soak with network faults between the function and DynamoDB (`--network-fault-rate`):
// resets, lost answers, 5xx, throttling, late answers, hangs and stalled bodies under the SDK, on
// top of the soak's own workload (duplicates, reordering, poison). Every invariant must hold.

const environment = integrationEnvironment();

describe('the soak on SNS/SQS/DynamoDB with a faulty network under the function', () => {
  beforeAll(async () => {
    await resetEmulator();
  });

  it('loses nothing and stores every order at its newest event with a quarter of its DynamoDB calls faulted', async () => {
    const notices: string[] = [];
    const target = awsSoakTarget({
      endpoint: environment.endpoint,
      region: environment.region,
      names: uniqueResourceNames('soak-net'),
      networkFaultRate: 0.25,
      // Short, so that each late answer and hang costs half a second, not three.
      storeClientOptions: { requestTimeoutMs: 500 },
      onNotice: (message) => notices.push(message),
    });
    const { summary, facts } = await runSoak(
      { ...DEFAULT_SOAK_OPTIONS, messages: 150, faultRate: 0, poisonRate: 0.03, seed: 8 },
      {},
      target,
    );
    process.stdout.write(`[soak-aws network] ${JSON.stringify(summary.target)}\n`);

    expect(notices).toEqual([]);
    expect(summary.violations).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.lost).toBe(0);
    expect(summary.stale_overwrites).toBe(0);
    expect(summary.unexpected_orders).toBe(0);
    expect(summary.stored_orders).toBe(summary.orders);
    expect(summary.dlq_after_redrive).toBe(summary.poison);
    expect(facts.leftOnQueue).toEqual({ afterDrain: 0, afterRedrive: 0 });
    // Faults did reach the function, of (nearly) every kind, and writes were retried through them.
    const network = (
      summary.target as { network_faults: { injected: number; requests: number; by_kind: Record<string, number> } }
    ).network_faults;
    expect(network.injected).toBeGreaterThan(network.requests * 0.15);
    expect(Object.values(network.by_kind).filter((n) => n > 0).length).toBeGreaterThanOrEqual(6);
    expect(summary.outcomes.duplicate).toBeGreaterThan(0);
  }, 180_000);
});
