import { FaultInjectingOrderRepository } from '@orders/adapters-memory';
import { type RetryPacingOptions, silentLogger } from '@orders/core';
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';
import { seededRandom } from '@orders/simulation';
import { CountingMetrics } from '../demo/counting-metrics';
import { DeliveryLedger } from './delivery-ledger';
import { OutageWindow } from './outage-window';
import type { SoakHooks } from './soak-hooks';
import type { SoakOptions } from './soak-options';
import type { SoakTarget } from './soak-target';

/**
 * The system under test as the soak runs it: the real OrderProcessor handler from the real
 * composition root, over the target's store wrapped in injected faults (and an outage, when one
 * is asked for), with the soak's instruments around it: the delivery ledger on every invocation,
 * the outcome counts of every batch.
 */
export interface SoakSystem {
  /** The store with injected faults before or after the write; its `injected` counts are reported. */
  readonly faultyStore: FaultInjectingOrderRepository;
  readonly outage: OutageWindow | undefined;
  /** Outcomes the handler reported, summed over every batch. */
  readonly metrics: CountingMetrics;
  readonly ledger: DeliveryLedger;
  /** The handler as the event source mapping invokes it: recorded by the ledger, crashing now and then. */
  readonly handler: SqsBatchHandler;
  /** The pacing the handler runs with (from the target's environment, as the function reads it). */
  readonly retryPacing: RetryPacingOptions;
  /** Switches the store faults and the crashes off, for the redrive. An outage keeps its window. */
  stopInjectingFaults(): void;
}

/** Independent PRNG streams from one seed, so turning one knob does not reshuffle the others. */
const stream = (seed: number, index: number): (() => number) =>
  seededRandom((seed ^ Math.imul(index, 0x9e3779b9)) >>> 0);

/** Wires OrderTopic → OrderQueue (→ OrderDLQ after K receives) → the real handler → the faulty store. */
export function wireSoakSystem(target: SoakTarget, options: SoakOptions, hooks: SoakHooks): SoakSystem {
  const faultyStore = injectStoreFaults(target, options);
  const outage = options.outage === undefined ? undefined : new OutageWindow(options.outage, target.now);
  const store = outage ? outage.wrap(faultyStore) : faultyStore;
  const metrics = new CountingMetrics();
  const entryConfig = readEntryConfig(target.entryEnvironment);
  const container = buildContainer(entryConfig, {
    repository: hooks.wrapRepository ? hooks.wrapRepository(store) : store,
    metrics,
    logger: hooks.logger ?? silentLogger,
    // Failed records are paced on the target's own OrderQueue, with jitter from the seed.
    visibilityFor: () => target.queue,
    random: stream(options.seed, 3),
  });
  const realHandler = container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);
  const handler = hooks.wrapHandler ? hooks.wrapHandler(realHandler) : realHandler;

  const ledger = new DeliveryLedger();
  if (outage) ledger.inOutage = () => outage.isActive();
  const crashRandom = stream(options.seed, 2);
  let crashesOn = true;
  const trackedHandler = ledger.invoke(
    handler,
    () => crashesOn && options.crashRate > 0 && crashRandom() < options.crashRate,
  );
  return {
    faultyStore,
    outage,
    metrics,
    ledger,
    handler: trackedHandler,
    retryPacing: entryConfig.retryPacing,
    stopInjectingFaults: () => {
      faultyStore.enabled = false;
      crashesOn = false;
    },
  };
}

/** `--fault-rate` split between faults before the write and after it, as `--fault-mode` says. */
function injectStoreFaults(target: SoakTarget, options: SoakOptions): FaultInjectingOrderRepository {
  const beforeShare = options.faultMode === 'before-write' ? 1 : options.faultMode === 'after-write' ? 0 : 0.5;
  return new FaultInjectingOrderRepository(target.store, {
    random: stream(options.seed, 1),
    beforeWriteRate: options.faultRate * beforeShare,
    afterWriteRate: options.faultRate * (1 - beforeShare),
  });
}
