import { performance } from 'node:perf_hooks';
import { createMemorySoakTarget } from './memory-soak-target';
import { drainPhase } from './soak-drain';
import { collectSoakFacts, type DrainsObserved } from './soak-facts';
import type { SoakHooks } from './soak-hooks';
import { evaluateSoak, type SoakFacts } from './soak-invariants';
import { soakOptionProblems, type SoakOptions } from './soak-options';
import type { SoakSummary } from './soak-summary';
import { wireSoakSystem } from './soak-system';
import type { SoakTarget, SoakTargetFactory } from './soak-target';
import { buildSoakWorkload } from './soak-workload';
import { summarizeSoak } from './summarize-soak';

export type { SoakHooks, SoakPhase, SoakProgress } from './soak-hooks';
export { deterministicPart, NONDETERMINISTIC_KEYS, type SoakSummary } from './soak-summary';

export interface SoakResult {
  readonly summary: SoakSummary;
  /** What the run observed; `evaluateSoak(facts)` recomputes the verdict. */
  readonly facts: SoakFacts;
}

/**
 * The fault-injection soak: publish a seeded workload to OrderTopic, drain OrderQueue through
 * the real OrderProcessor handler (via the local event source mapping) while the repository
 * fails now and then, then switch faults off, redrive OrderDLQ and drain again; finally check
 * every invariant on what was observed. The target (default: the in-memory simulator) is the
 * system the soak runs against; everything else is the same for every target.
 */
export async function runSoak(
  options: SoakOptions,
  hooks: SoakHooks = {},
  createTarget: SoakTargetFactory = createMemorySoakTarget,
): Promise<SoakResult> {
  const problems = soakOptionProblems(options);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const started = performance.now();
  const target = await createTarget(options);
  try {
    return await soakOn(target, options, hooks, started);
  } finally {
    await target.close();
  }
}

/** The soak's steps on one target: wire, publish, drain and redrive, check, summarize. */
async function soakOn(
  target: SoakTarget,
  options: SoakOptions,
  hooks: SoakHooks,
  started: number,
): Promise<SoakResult> {
  const system = wireSoakSystem(target, options, hooks);
  const run = { target, system, options, hooks };

  const workload = buildSoakWorkload(options);
  await target.publish(workload.messages);
  const published = performance.now();
  const total = workload.messages.length;
  hooks.onProgress?.({ phase: 'publish', settled: total, total, invocations: 0, deadLetters: 0 });

  // Drain with faults on, then redrive OrderDLQ with faults off and drain again.
  system.outage?.begin();
  const drain = await drainPhase('drain', total, run);
  const deadLettersAfterDrain = await target.deadLetters();
  const drained = performance.now();
  system.stopInjectingFaults();
  const redriven = await target.redrive();
  const redrive = await drainPhase('redrive', redriven, run);
  const deadLettersAfterRedrive = await target.deadLetters();
  const redrivenAt = performance.now();
  const drains: DrainsObserved = { drain, deadLettersAfterDrain, redriven, redrive, deadLettersAfterRedrive };

  const { facts, identified } = await collectSoakFacts(run, workload.messages, drains);
  const verdict = evaluateSoak(facts);
  const checked = performance.now();

  const summary = summarizeSoak({
    options,
    workload,
    system,
    drains,
    facts,
    identified,
    verdict,
    target: target.describe(),
    marks: { started, published, drained, redriven: redrivenAt, checked },
  });
  return { summary, facts };
}
