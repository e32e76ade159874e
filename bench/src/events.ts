import { lambdaContext } from '@orders/lambda-local';
import { snsEnvelopeBody, sqsEvent, sqsRecord } from '@orders/testkit';
import { createOrderGenerator, type OrderGenerator } from '@orders/simulation';
import type { Context, SQSEvent } from './references/types';

/**
 * Batches of fresh orders as Lambda delivers them (SNS envelope in each SQS body), so every put
 * is a `created` — the common path. One generator per handler keeps order ids disjoint.
 */
export class BatchFactory {
  private readonly generator: OrderGenerator;

  constructor(seed: number) {
    this.generator = createOrderGenerator(seed);
  }

  next(size: number): SQSEvent {
    return sqsEvent(Array.from({ length: size }, () => sqsRecord(snsEnvelopeBody(this.generator.next()))));
  }
}

export const benchContext = (): Context => lambdaContext({}, 900_000);
