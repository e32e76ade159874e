import { consumeCommand } from '../../src/commands/consume-command';
import { refuseFifoQueue } from '../../src/consume/fifo-queue';
import { UsageError } from '../../src/runtime/usage-error';

describe('orders consume on a FIFO queue', () => {
  it('refuses it in one sentence (what, why, what to use instead) before any request', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      // An endpoint nothing listens on: a refusal that came after a request would fail differently.
      const run = consumeCommand()
        .exitOverride()
        .parseAsync(['--queue', 'OrderQueue.fifo', '--endpoint', 'http://127.0.0.1:9', '--region', 'us-east-1'], {
          from: 'user',
        });
      await expect(run).rejects.toThrow(UsageError);
      await expect(run).rejects.toThrow(
        "orders consume does not serve the FIFO queue \"OrderQueue.fifo\": it stores a batch's messages concurrently and retries each failure on its own, so a message group's later messages could overtake earlier ones; consume a FIFO queue with the OrderProcessor Lambda, which keeps each group's order.",
      );
      // Not even the "talking to …" line: nothing was opened.
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
    }
  });

  it('serves a standard queue (no standard queue name can end in .fifo)', () => {
    expect(() => refuseFifoQueue('OrderQueue')).not.toThrow();
    expect(() => refuseFifoQueue('orders-fifo')).not.toThrow();
    expect(() => refuseFifoQueue('OrderQueue.fifo')).toThrow(UsageError);
  });
});
