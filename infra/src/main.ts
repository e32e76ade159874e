/**
 * Entry point of the CDK app. `pnpm synth` runs it with tsx (offline: no cdk CLI, no credentials,
 * no Docker); the cdk CLI runs it through cdk.json for `cdk deploy` / `cdk diff`.
 */
import * as fs from 'node:fs';
import { createApp, DEFAULT_OUTDIR } from './app';
import { contextFromArgs } from './context';

try {
  const context = contextFromArgs(process.argv.slice(2));
  const runByCdkCli = process.env.CDK_OUTDIR !== undefined;
  if (!runByCdkCli) {
    // Start from an empty infra/cdk.out: no stale templates (cfn-lint lints every *.template.json)
    // and no asset directories of earlier bundles.
    fs.rmSync(DEFAULT_OUTDIR, { recursive: true, force: true });
  }
  const { app } = createApp({ context });
  const assembly = app.synth();
  if (!runByCdkCli) {
    for (const stack of assembly.stacks) {
      process.stdout.write(`${stack.stackName}: ${stack.templateFullPath}\n`);
      // The cdk CLI prints these itself; without it, a warning (e.g. no reserved concurrency)
      // would be in the assembly's metadata only.
      for (const message of stack.messages) {
        if (message.level === 'info') continue;
        process.stderr.write(`${message.level}: ${message.id}: ${String(message.entry.data)}\n`);
      }
    }
  }
} catch (error) {
  // A configuration mistake or a missing bundle: the message says what to do, the stack adds nothing.
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
}
