import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HostSetupError } from '../errors';

/** A private copy of the function's code, where LAMBDA_TASK_ROOT points (Lambda's /var/task). */
export interface TaskDirectory {
  readonly path: string;
  /** `node_modules` folders above the copy: module resolution would search them, so they are reported. */
  readonly ancestorNodeModules: readonly string[];
  dispose(): void;
}

/**
 * Copies the code asset to a fresh directory under the OS temp directory, outside the repository,
 * so that Node's module resolution cannot find a dependency in a parent `node_modules` that the
 * deployed zip would not contain: a bundle that forgot one fails here as it would in Lambda.
 */
export function prepareTaskDirectory(codeDirectory: string, parent: string = tmpdir()): TaskDirectory {
  if (!existsSync(codeDirectory)) {
    throw new HostSetupError('code_missing', `the function's code directory ${codeDirectory} does not exist`);
  }
  const path = mkdtempSync(join(parent, 'lambda-task-'));
  try {
    cpSync(codeDirectory, path, { recursive: true, dereference: true });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw new HostSetupError('code_copy_failed', `could not copy ${codeDirectory} to ${path}`, { cause: error });
  }
  let disposed = false;
  return {
    path,
    ancestorNodeModules: nodeModulesAbove(path),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      rmSync(path, { recursive: true, force: true });
    },
  };
}

function nodeModulesAbove(path: string): string[] {
  const found: string[] = [];
  for (let directory = dirname(path); ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules');
    if (existsSync(candidate)) found.push(candidate);
    if (dirname(directory) === directory) return found;
  }
}
