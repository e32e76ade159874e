import type { AwsClientOptions, ResourceNames } from '@orders/adapters-aws';
import { reachesRealAws } from './aws-endpoint';
import { soakResourceNames } from './aws-soak-resources';

export interface AwsSoakSettings {
  /** The endpoint (moto, LocalStack); undefined means AWS itself. */
  readonly endpoint: string | undefined;
  readonly region: string | undefined;
  /** Must be true to run against AWS itself: the soak creates (billed) resources there. */
  readonly allowRealAws?: boolean;
  /** Default: fresh `…-soak-<time><random>` names. */
  readonly names?: ResourceNames;
  /** Leave the resources in place at the end (default: delete them). */
  readonly keep?: boolean;
  /** OrderQueue's visibility timeout: how soon a failed message comes back. Default 1 s. */
  readonly visibilityTimeoutSeconds?: number;
  /** The use case's ORDERS_CONCURRENCY. Default: 1 on an emulator (see awsSoakTarget), the function's default on AWS. */
  readonly handlerConcurrency?: number;
  /**
   * Publish this many messages before the drain starts, and the rest while it runs, keeping about
   * that many unsettled on OrderQueue. 0: publish everything first, as the in-memory soak does.
   * Default: 100 on an emulator (see awsSoakTarget), 0 on AWS.
   */
  readonly publishWindow?: number;
  /** Give up on a drain when OrderQueue holds messages but none was received for this long. Default 30 s + 2 visibility timeouts. */
  readonly idleTimeoutMs?: number;
  /** Told what the operator should know (resources kept or left behind, redrive failures). */
  readonly onNotice?: (message: string) => void;
  /**
   * Probability that one of the function's DynamoDB calls meets a network fault (a reset, a lost
   * answer, a 5xx, throttling, a late answer, a hang, a stalled body), through a fault-injecting
   * proxy in front of the emulator; off for the redrive, like the store faults. Default 0.
   */
  readonly networkFaultRate?: number;
  /** Client settings of the function's DynamoDB client (e.g. a shorter request timeout for a quick soak). */
  readonly storeClientOptions?: Pick<AwsClientOptions, 'requestTimeoutMs' | 'maxAttempts'>;
}

export const DEFAULT_AWS_SOAK_VISIBILITY_TIMEOUT_SECONDS = 1;
export const DEFAULT_EMULATOR_PUBLISH_WINDOW = 100;

/** The settings checked, with every default applied: what one AWS soak run uses. */
export interface ResolvedAwsSoakSettings {
  readonly endpoint: string | undefined;
  readonly region: string | undefined;
  /** The soak's own clients: publishing, listing and redriving OrderDLQ, reading the end state. */
  readonly clientOptions: AwsClientOptions;
  /** The function's DynamoDB client (through the fault proxy, when there is one). */
  readonly storeClientOptions: AwsClientOptions;
  readonly names: ResourceNames;
  readonly keep: boolean;
  readonly visibilityTimeoutSeconds: number;
  /** ORDERS_CONCURRENCY; undefined keeps the function's default. */
  readonly handlerConcurrency: number | undefined;
  /** 0: everything is published before the drain. */
  readonly publishWindow: number;
  readonly idleTimeoutMs: number;
  readonly networkFaultRate: number;
  readonly notice: (message: string) => void;
}

/**
 * Refuses AWS itself unless allowed and a network fault rate outside 0–1, then fills in the
 * defaults, which differ between an emulator and AWS (see awsSoakTarget for why).
 */
export function resolveAwsSoakSettings(settings: AwsSoakSettings): ResolvedAwsSoakSettings {
  const realAws = reachesRealAws(settings.endpoint);
  if (realAws && settings.allowRealAws !== true) {
    throw new Error(
      'refusing to soak AWS itself (no emulator endpoint is set): it creates billed resources; pass --i-know-this-is-real-aws to do it anyway',
    );
  }
  const networkFaultRate = settings.networkFaultRate ?? 0;
  if (!(networkFaultRate >= 0 && networkFaultRate <= 1))
    throw new RangeError(`networkFaultRate must be from 0 to 1, got ${networkFaultRate}`);
  const clientOptions: AwsClientOptions = {
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.region === undefined ? {} : { region: settings.region }),
  };
  const visibilityTimeoutSeconds = settings.visibilityTimeoutSeconds ?? DEFAULT_AWS_SOAK_VISIBILITY_TIMEOUT_SECONDS;
  return {
    endpoint: settings.endpoint,
    region: settings.region,
    clientOptions,
    storeClientOptions: { ...clientOptions, ...settings.storeClientOptions },
    names: settings.names ?? soakResourceNames(),
    keep: settings.keep === true,
    visibilityTimeoutSeconds,
    handlerConcurrency: settings.handlerConcurrency ?? (realAws ? undefined : 1),
    publishWindow: settings.publishWindow ?? (realAws ? 0 : DEFAULT_EMULATOR_PUBLISH_WINDOW),
    idleTimeoutMs: settings.idleTimeoutMs ?? 30_000 + 2_000 * visibilityTimeoutSeconds,
    networkFaultRate,
    notice: settings.onNotice ?? (() => undefined),
  };
}
