/**
 * Stage: the stand-in process the handler figures are taken against (fake DynamoDB listeners at
 * three answer delays, and the fake SQS the consumer comparison uses), with the Orders table.
 */
import { SLOW_PUT_MS, SQS_DELAYS } from '../consumers/measure-consumers';
import { createOrdersTable } from '../orders-table';
import { STANDIN_DELAY_MS } from '../plan';
import { startStandins, type Standins } from '../standins/launch';

export interface HandlerStandins {
  /** The stand-in process: its fake SQS serves the consumer comparison. */
  readonly process: Standins;
  /** Answers after STANDIN_DELAY_MS: the batch latency run and the consumers' drain scenario. */
  readonly delayedUrl: string;
  /** Answers at once: cold starts and the runtime client. */
  readonly instantUrl: string;
  /** Puts take SLOW_PUT_MS: the consumers' heartbeat scenario. */
  readonly slowPutUrl: string;
}

/** The caller stops the process (`process.stop()`); if setting up the table fails, it is stopped here. */
export async function startHandlerStandins(): Promise<HandlerStandins> {
  const standins = await startStandins({
    fakeDelaysMs: [STANDIN_DELAY_MS, 0, SLOW_PUT_MS],
    proxies: [],
    sqs: { delays: SQS_DELAYS },
  });
  try {
    const [delayedUrl, instantUrl, slowPutUrl] = standins.fakeUrls as [string, string, string];
    await createOrdersTable(delayedUrl);
    return { process: standins, delayedUrl, instantUrl, slowPutUrl };
  } catch (error) {
    await standins.stop();
    throw error;
  }
}
