import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildProgram } from '../../src/main';
import { problemsOf, type ShownCommand, scriptsToCli, shownCommands } from './shown-commands';

// Every `orders` command the README and docs/ show a reader must run as shown: its subcommand
// exists and each --flag it uses is one that subcommand's --help lists. The command tree is the
// real one, built in process (no spawn, no build needed).

const root = join(__dirname, '..', '..', '..', '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const scripts = scriptsToCli(packageJson.scripts);
const program = buildProgram();

function markdownFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const documents = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];
const shown: ShownCommand[] = documents.flatMap((path) =>
  shownCommands(relative(root, path), readFileSync(path, 'utf8'), scripts),
);

const shownIn = (file: string, markdown: string) => shownCommands(file, markdown, scripts);
const problemsIn = (markdown: string) =>
  shownIn('synthetic.md', markdown).flatMap((command) => problemsOf(command, program));

// Building each subcommand's help text is quick, but the first import of the CLI's modules can
// take seconds on a busy 2-core machine.
const TIMEOUT_MS = 30_000;

describe('the commands README.md and docs/ show', () => {
  it(
    'are found: the scripts that run the CLI, and the walkthrough in the README',
    () => {
      expect(Object.fromEntries(scripts)).toMatchObject({ start: ['demo'], orders: [] });
      const readme = shown.filter((command) => command.where.startsWith('README.md:'));
      expect(readme.length).toBeGreaterThan(20);
      expect(readme.map((command) => command.args.join(' '))).toEqual(
        expect.arrayContaining(['consume --until-empty --retry-delay 0', 'demo --orders 500 --seed 3', 'dlq redrive']),
      );
    },
    TIMEOUT_MS,
  );

  it(
    'name subcommands that exist and flags their --help lists',
    () => {
      const problems = shown.flatMap((command) => problemsOf(command, program));
      expect(problems).toEqual([]);
    },
    TIMEOUT_MS,
  );
});

describe('the check itself, on synthetic documents', () => {
  it(
    'fails on a flag the subcommand does not have, in a code block and in inline code',
    () => {
      expect(problemsIn('```bash\n./orders consume --until-empty --made-up-flag 3\n```\n')).toEqual([
        'synthetic.md:2: `orders consume --help` lists no --made-up-flag (./orders consume --until-empty --made-up-flag 3)',
      ]);
      // --retry-delay is consume's, not the demo's that `pnpm start` runs.
      expect(problemsIn('Try `pnpm -s start --retry-delay 0`.\n')).toEqual([
        'synthetic.md:1: `orders demo --help` lists no --retry-delay (pnpm -s start --retry-delay 0)',
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'fails on a subcommand that does not exist, at any depth',
    () => {
      expect(problemsIn('`pnpm orders frobnicate --json`')).toEqual([
        'synthetic.md:1: `orders` has no subcommand "frobnicate" (pnpm orders frobnicate --json)',
      ]);
      expect(problemsIn('```sh\n$ ./orders dlq lst\n```')).toEqual([
        'synthetic.md:2: `orders dlq` has no subcommand "lst" (./orders dlq lst)',
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'reads commands as the shell does: comments, pipes, variables, continued lines, usage syntax',
    () => {
      const markdown = [
        '```bash',
        "printf '%s\\n' '{\"a\":1}' | ./orders publish --file - --unchecked   # --not-a-flag in a comment",
        'AWS_ENDPOINT_URL=http://127.0.0.1:5000 ./orders status --json && ./orders dlq list \\',
        '  --max 5',
        '```',
        '',
        'The table: `orders provision [--max-receive-count 3] [--raw-delivery]`, `./orders <command> --help`.',
        '```text',
        './orders consume --not-shell-so-not-read',
        '```',
        '```',
        'orders consume: stopped (queue drained)',
        '```',
      ].join('\n');
      expect(shownIn('synthetic.md', markdown).map(({ where, args }) => [where, args.join(' ')])).toEqual([
        ['synthetic.md:2', 'publish --file - --unchecked'],
        ['synthetic.md:3', 'status --json'],
        ['synthetic.md:3', 'dlq list --max 5'],
        ['synthetic.md:7', 'provision [--max-receive-count 3] [--raw-delivery]'],
        ['synthetic.md:7', '<command> --help'],
      ]);
      expect(problemsIn(markdown)).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
