import { DYNAMODB_CLIENT_DEFAULTS, resolveClientTimeouts, type AwsClientOptions } from '@orders/adapters-aws';
import { FAULT_KINDS, startFaultProxy, type FaultCounts, type FaultKind, type FaultProxy } from '@orders/simulation';
import { snakeCaseKeys } from '../summary-keys';

/** Every fault kind the proxy has, equally likely: on DynamoDB a stalled body is cut as fast as a silent one. */
const ALL_KINDS: Readonly<Record<FaultKind, number>> = Object.fromEntries(
  FAULT_KINDS.map((kind) => [kind, 1]),
) as Record<FaultKind, number>;

/**
 * Network faults between the function and DynamoDB, for the AWS soak: a fault-injecting proxy in
 * front of the emulator that the handler's store talks through. Only the function's own calls go
 * through it. The event source mapping stands for Lambda's poller, which is AWS's code, and the
 * soak's bookkeeping (publishing, listing the DLQ, reading the end state) must see the system as
 * it is, so both talk to the emulator directly.
 */
export class SoakNetworkFaults {
  private constructor(
    private readonly proxy: FaultProxy,
    readonly rate: number,
  ) {}

  static async start(
    endpoint: string | undefined,
    rate: number,
    seed: number,
    storeClientOptions: AwsClientOptions,
  ): Promise<SoakNetworkFaults> {
    if (endpoint === undefined)
      throw new Error(
        '--network-fault-rate needs an emulator endpoint (AWS_ENDPOINT_URL): the fault proxy sits in front of it',
      );
    // A late answer must come after the client gave up on it.
    const { requestTimeoutMs } = resolveClientTimeouts(DYNAMODB_CLIENT_DEFAULTS, storeClientOptions);
    const proxy = await startFaultProxy({
      target: endpoint,
      seed,
      rules: [{ services: ['dynamodb'], rate, kinds: ALL_KINDS }],
      delayMs: 2 * requestTimeoutMs,
    });
    return new SoakNetworkFaults(proxy, rate);
  }

  /** Where the function's DynamoDB client must point. */
  get endpoint(): string {
    return this.proxy.url;
  }

  /** From now on everything passes (the soak turns its faults off for the redrive). */
  stop(): void {
    this.proxy.setRules([]);
  }

  counts(): FaultCounts {
    return this.proxy.counts();
  }

  describe(): Readonly<Record<string, unknown>> {
    const counts = this.proxy.counts();
    return {
      rate: this.rate,
      on: "the function's DynamoDB calls",
      requests: counts.requests,
      injected: counts.totalFaults,
      by_kind: snakeCaseKeys(counts.faults),
    };
  }

  close(): Promise<void> {
    return this.proxy.close();
  }
}
