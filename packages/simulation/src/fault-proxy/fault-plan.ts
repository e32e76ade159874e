import { seededRandom } from '../seeded-random';
import type { AwsRequestIdentity, AwsServiceName } from './aws-request-identity';

/**
 * What the proxy can do to a request instead of passing it through:
 * - `reset`: the connection is reset before anything is forwarded (nothing happened);
 * - `drop-answer`: forwarded, then the connection is reset instead of answering (it happened, the
 *   caller cannot know);
 * - `server-error` / `unavailable`: a 500 / 503 in the service's error shape (nothing happened);
 * - `throttle`: the service's throttling error (nothing happened);
 * - `delay`: forwarded, and the answer held back for `delayMs` (past the SDK's timeout: it
 *   happened, the caller gave up);
 * - `hang`: never forwarded, never answered; the socket stays open until the caller gives up;
 * - `stall-body`: forwarded, the headers and half the body sent, then silence (only a socket
 *   inactivity timeout notices).
 */
export type FaultKind =
  | 'reset'
  | 'drop-answer'
  | 'server-error'
  | 'unavailable'
  | 'throttle'
  | 'delay'
  | 'hang'
  | 'stall-body';

export const FAULT_KINDS: readonly FaultKind[] = [
  'reset',
  'drop-answer',
  'server-error',
  'unavailable',
  'throttle',
  'delay',
  'hang',
  'stall-body',
];

/** The faults that cost the caller a timeout rather than a quick error. */
export const SLOW_FAULT_KINDS: readonly FaultKind[] = ['delay', 'hang', 'stall-body'];

/** Which requests a rule applies to, and how often it strikes. */
export interface FaultRule {
  /** Services it applies to; all when omitted. */
  readonly services?: readonly AwsServiceName[];
  /** Actions it applies to (`PutItem`, `DeleteMessageBatch`…); all when omitted. */
  readonly actions?: readonly string[];
  /** Actions it never applies to. */
  readonly exceptActions?: readonly string[];
  /** Probability that a matching request gets a fault, 0–1. */
  readonly rate: number;
  /** Relative weights of the fault kinds (default: every kind but `stall-body`, equally). */
  readonly kinds?: Partial<Record<FaultKind, number>>;
}

export const DEFAULT_FAULT_WEIGHTS: Readonly<Partial<Record<FaultKind, number>>> = {
  reset: 1,
  'drop-answer': 1,
  'server-error': 1,
  unavailable: 1,
  throttle: 1,
  delay: 1,
  hang: 1,
};

export interface ActionCounts {
  requests: number;
  faults: Partial<Record<FaultKind, number>>;
}

/** Everything the proxy saw and did. */
export interface FaultCounts {
  readonly requests: number;
  /** Passed through untouched. */
  readonly passed: number;
  /** Faults by kind. */
  readonly faults: Readonly<Record<FaultKind, number>>;
  readonly totalFaults: number;
  /** By `service:Action`. */
  readonly byAction: Readonly<Record<string, ActionCounts>>;
}

function checkRule(rule: FaultRule): void {
  if (!(rule.rate >= 0 && rule.rate <= 1)) throw new RangeError(`a fault rate must be from 0 to 1, got ${rule.rate}`);
  const weights = Object.entries(rule.kinds ?? DEFAULT_FAULT_WEIGHTS);
  for (const [kind, weight] of weights) {
    if (!FAULT_KINDS.includes(kind as FaultKind)) throw new RangeError(`unknown fault kind "${kind}"`);
    if (!(typeof weight === 'number' && weight >= 0)) throw new RangeError(`the weight of ${kind} must be 0 or more`);
  }
  if (rule.rate > 0 && !weights.some(([, weight]) => (weight ?? 0) > 0))
    throw new RangeError('a rule with a fault rate needs at least one fault kind with a positive weight');
}

/**
 * The seeded decisions: for each request, the first rule that matches it decides whether it gets
 * a fault, and which. The same seed gives the same decisions for the same sequence of requests
 * (a concurrent client's order of requests may still vary from run to run).
 */
export class FaultPlan {
  private readonly random: () => number;
  private rules: readonly FaultRule[];
  private readonly counts = {
    requests: 0,
    passed: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
    byAction: {} as Record<string, ActionCounts>,
  };

  constructor(seed: number, rules: readonly FaultRule[]) {
    this.random = seededRandom(seed);
    for (const rule of rules) checkRule(rule);
    this.rules = rules;
  }

  /** Replaces the rules (e.g. `[]` to let everything through from now on). */
  setRules(rules: readonly FaultRule[]): void {
    for (const rule of rules) checkRule(rule);
    this.rules = rules;
  }

  /** The fault for this request, or undefined to pass it through; counted either way. */
  decide(request: AwsRequestIdentity): FaultKind | undefined {
    const key = `${request.service}:${request.action ?? '(none)'}`;
    this.counts.byAction[key] ??= { requests: 0, faults: {} };
    const perAction = this.counts.byAction[key];
    this.counts.requests++;
    perAction.requests++;
    const kind = request.action === undefined ? undefined : this.draw(request);
    if (kind === undefined) this.counts.passed++;
    else {
      this.counts.faults[kind]++;
      perAction.faults[kind] = (perAction.faults[kind] ?? 0) + 1;
    }
    return kind;
  }

  snapshot(): FaultCounts {
    const faults = { ...this.counts.faults };
    return {
      requests: this.counts.requests,
      passed: this.counts.passed,
      faults,
      totalFaults: Object.values(faults).reduce((sum, n) => sum + n, 0),
      byAction: structuredClone(this.counts.byAction),
    };
  }

  private draw(request: AwsRequestIdentity): FaultKind | undefined {
    const rule = this.rules.find(
      (candidate) =>
        (candidate.services === undefined || candidate.services.includes(request.service)) &&
        (candidate.actions === undefined || candidate.actions.includes(request.action as string)) &&
        !(candidate.exceptActions ?? []).includes(request.action as string),
    );
    if (rule === undefined || rule.rate === 0) return undefined;
    // Two draws per request whatever the outcome, so one rule's rate does not shift the next decisions.
    const strikes = this.random() < rule.rate;
    const pick = this.random();
    if (!strikes) return undefined;
    const weights = Object.entries(rule.kinds ?? DEFAULT_FAULT_WEIGHTS).filter(([, w]) => (w ?? 0) > 0) as [
      FaultKind,
      number,
    ][];
    const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
    let threshold = pick * total;
    for (const [kind, weight] of weights) {
      threshold -= weight;
      if (threshold < 0) return kind;
    }
    return weights[weights.length - 1]?.[0];
  }
}
