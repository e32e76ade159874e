#!/usr/bin/env node
import { Command } from 'commander';
import { consumeCommand } from './commands/consume-command';
import { demoCommand } from './commands/demo-command';
import { dlqCommand } from './commands/dlq-command';
import { provisionCommand } from './commands/provision-command';
import { publishCommand } from './commands/publish-command';
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
    .addCommand(dlqCommand())
    .addCommand(statusCommand())
    .addCommand(soakCommand());
}

if (require.main === module) {
  // The SDK warns on every command that its 2027 releases will need Node 22; the README says so
  // once, and Lambda already runs Node 22. Set the variable to "false" to see it.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  buildProgram()
    .parseAsync(stripPnpmSeparator(process.argv))
    .catch((error: unknown) => {
      process.stderr.write(`orders: ${describeFailure(error)}\n`);
      if (process.env['ORDERS_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
      process.exitCode = 1;
    });
}
