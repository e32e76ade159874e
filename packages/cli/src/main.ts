import { Command } from 'commander';
import { consumeCommand } from './commands/consume-command';
import { contractCommand } from './commands/contract-command';
import { demoCommand } from './commands/demo-command';
import { dlqCommand } from './commands/dlq-command';
import { getCommand } from './commands/get-command';
import { lambdaCommand } from './commands/lambda-command';
import { listCommand } from './commands/list-command';
import { provisionCommand } from './commands/provision-command';
import { publishCommand } from './commands/publish-command';
import { simulateCommand } from './commands/simulate-command';
import { soakCommand } from './commands/soak-command';
import { statusCommand } from './commands/status-command';
import { describeFailure } from './runtime/describe-failure';
import { stripPnpmSeparator } from './runtime/strip-pnpm-separator';

/** `orders`: the operator's and developer's command line for the order-processing system. */
export function buildProgram(): Command {
  return new Command('orders')
    .description('Order processing: SNS → SQS (+DLQ) → OrderProcessor → DynamoDB')
    .showHelpAfterError()
    .addCommand(demoCommand())
    .addCommand(provisionCommand())
    .addCommand(publishCommand())
    .addCommand(consumeCommand())
    .addCommand(lambdaCommand())
    .addCommand(dlqCommand())
    .addCommand(statusCommand())
    .addCommand(getCommand())
    .addCommand(listCommand())
    .addCommand(soakCommand())
    .addCommand(simulateCommand())
    .addCommand(contractCommand());
}

/** Runs the command line: an error becomes one sentence on stderr and exit code 1 (ORDERS_DEBUG=1 adds the stack). */
export function runOrders(argv: readonly string[]): void {
  buildProgram()
    .parseAsync(stripPnpmSeparator([...argv]))
    .catch((error: unknown) => {
      process.stderr.write(`orders: ${describeFailure(error)}\n`);
      if (process.env['ORDERS_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
      process.exitCode = 1;
    });
}

// Run directly (tsx in a test, or an old `node dist/main.js`): same as the `orders` entry.
if (require.main === module) runOrders(process.argv);
