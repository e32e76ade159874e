import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..', '..');

/**
 * Synthesizes the real CDK app (infra/src/main.ts, the code `pnpm synth` runs) into a temp cloud
 * assembly, so tests read the template a deploy would use without touching infra/cdk.out.
 * Needs the bundle (pnpm build, which pnpm test runs first).
 */
export function synthesizeStack(): { readonly cdkOut: string; remove(): void } {
  const cdkOut = mkdtempSync(join(tmpdir(), 'lambda-local-cdk-out-'));
  execFileSync(process.execPath, ['--import', 'tsx', 'infra/src/main.ts'], {
    cwd: root,
    env: { ...process.env, CDK_OUTDIR: cdkOut },
    stdio: 'pipe',
    timeout: 120_000,
  });
  return { cdkOut, remove: () => rmSync(cdkOut, { recursive: true, force: true }) };
}
