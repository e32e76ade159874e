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
    }
  }
} catch (error) {
  // A configuration mistake or a missing bundle: the message says what to do, the stack adds nothing.
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
}
