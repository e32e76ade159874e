import { spawn } from 'node:child_process';
import { join } from 'node:path';

// The consumer image's entry loads early-signal-exit.ts first: until the command installs its own
// graceful-stop handlers, SIGTERM exits 0 at once (node as a container's PID 1 would otherwise
// ignore it and wait for SIGKILL). Run in a child process: the signal and the exit are the subject.

const MODULE = join(__dirname, '..', '..', 'src', 'entry', 'early-signal-exit.ts');

/** Starts a node that loads the module (and, if asked, releases it), waits for SIGTERM, and reports how it ended. */
function stopped(release: boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const program = [
    `const { releaseEarlySignalExit } = require(${JSON.stringify(MODULE)});`,
    release ? 'releaseEarlySignalExit();' : '',
    'setInterval(() => {}, 1000);',
    "process.stdout.write('ready\\n');",
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the child did not end within 30 s'));
    }, 30_000);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (text.includes('ready')) child.kill('SIGTERM');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

describe('early-signal-exit', () => {
  it('exits 0 on SIGTERM while the command has not taken over', async () => {
    await expect(stopped(false)).resolves.toEqual({ code: 0, signal: null });
  });

  it('leaves SIGTERM to the command once released (here: node’s default, death by the signal)', async () => {
    await expect(stopped(true)).resolves.toEqual({ code: null, signal: 'SIGTERM' });
  });
});
