#!/usr/bin/env node
import { Command } from 'commander';
import { demoCommand } from './commands/demo-command';
import { soakCommand } from './commands/soak-command';

/** `orders`: the operator's and developer's command line for the order-processing system. */
export function buildProgram(): Command {
  return new Command('orders')
    .description('Order processing: SNS → SQS (+DLQ) → OrderProcessor → DynamoDB')
    .showHelpAfterError()
    .addCommand(demoCommand())
    .addCommand(soakCommand());
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`orders: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
