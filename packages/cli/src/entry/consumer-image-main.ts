// The entry of the consumer image's bundle (scripts/bundle-container.mjs → dist/container/orders.cjs):
// `orders consume` and nothing else. The full CLI's other commands bring what an image that only
// consumes must not carry: lambda-local's native runtime client, the contract tooling, the
// simulators. The Node check comes first, as in bin.ts: a base image with an older Node gets one
// sentence, not a syntax error.
import './require-node';
import { releaseEarlySignalExit } from './early-signal-exit';
import { Command } from 'commander';
import { consumeCommand } from '../commands/consume-command';
import { describeFailure } from '../runtime/describe-failure';

/**
 * Set by the bundler (`define`): the package version and the commit it was built from. Unset when
 * this file runs unbundled (tsx, a test), hence the typeof check rather than a plain reference.
 */
declare const ORDERS_CONSUMER_VERSION: string | undefined;

const CONSUMER_IMAGE_VERSION: string =
  typeof ORDERS_CONSUMER_VERSION === 'string' ? ORDERS_CONSUMER_VERSION : 'unbundled';

/** `orders` with the one command the image runs; `--version` says which build it is. */
function consumerImageProgram(): Command {
  return (
    new Command('orders')
      .description('The order consumer image: OrderQueue → the Lambda’s use case → Orders')
      .version(CONSUMER_IMAGE_VERSION, '--version', 'print the bundle’s version and commit')
      .showHelpAfterError()
      .addCommand(consumeCommand())
      // The action installs its graceful-stop handlers first thing, in the same turn of the event loop.
      .hook('preAction', releaseEarlySignalExit)
  );
}

// Same last word as the full CLI's runOrders: one sentence on stderr, exit code 1.
consumerImageProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`orders: ${describeFailure(error)}\n`);
    if (process.env['ORDERS_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    process.exitCode = 1;
  });
