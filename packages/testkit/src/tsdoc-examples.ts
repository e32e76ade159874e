import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One `@example` code block of a TSDoc comment, where it is written. */
export interface TsdocExample {
  /** `packages/core/src/…/file.ts:42`, for the test's name and a failure's message. */
  readonly where: string;
  readonly code: string;
}

/** Every ```ts block under an `@example` tag in the TypeScript files below `sourceDir`. */
export function tsdocExamples(sourceDir: string, root: string): TsdocExample[] {
  const examples: TsdocExample[] = [];
  for (const file of typeScriptFiles(sourceDir)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*\*\s*@example\s*$/.test(lines[i] ?? '')) continue;
      const open = lines.findIndex((line, j) => j > i && /^\s*\*\s*```ts\s*$/.test(line));
      const close = lines.findIndex((line, j) => j > open && /^\s*\*\s*```\s*$/.test(line));
      if (open < 0 || close < 0) throw new Error(`${relative(root, file)}:${i + 1}: @example without a \`\`\`ts block`);
      const code = lines
        .slice(open + 1, close)
        .map((line) => line.replace(/^\s*\* ?/, ''))
        .join('\n');
      examples.push({ where: `${relative(root, file)}:${i + 1}`, code });
      i = close;
    }
  }
  return examples;
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? typeScriptFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

export interface ExampleRun {
  readonly exitCode: number | null;
  readonly output: string;
}

/**
 * Runs an example as its reader would: a module of its own, importing the workspace packages by
 * name (from their sources), in a fresh node. The file goes in the root's node_modules cache, where
 * every `@orders/*` package resolves.
 */
export async function runExample(
  example: TsdocExample,
  root: string,
  options: { readonly timeoutMs: number; readonly env?: NodeJS.ProcessEnv },
): Promise<ExampleRun> {
  const dir = join(root, 'node_modules', '.cache', 'tsdoc-examples');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${example.where.replace(/[^\w]+/g, '-')}.mts`);
  writeFileSync(file, `${example.code}\nexport {};\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
      cwd: root,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}
