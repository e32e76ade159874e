import type { Command } from 'commander';

// The `orders` commands a Markdown document shows a reader (README.md, docs/*.md), found the way a
// reader finds them: in shell code blocks and in inline code. Each is resolved against the real
// command tree, so a renamed subcommand or a flag that no longer exists fails a test instead of a
// newcomer's first try.

/** One command as a document shows it, resolved to the words `orders` itself receives. */
export interface ShownCommand {
  /** `file:line` of the code block line or inline code span. */
  readonly where: string;
  /** The command as shown, from its `./orders` / `pnpm …` / `orders` on. */
  readonly text: string;
  /** What `orders` receives: a pnpm script's own words first (`pnpm start` → `demo`), then the shown ones. */
  readonly args: readonly string[];
}

/** How `pnpm <script>` reaches the CLI: the script names that run it, each with the words the script adds. */
export type ScriptsToCli = ReadonlyMap<string, readonly string[]>;

const CLI_ENTRY = /\bnode packages\/cli\/dist\/bin\.js\b(.*)$/;

/** The root package.json's scripts that run the `orders` CLI (`"start": "… && node packages/cli/dist/bin.js demo"`). */
export function scriptsToCli(scripts: Readonly<Record<string, string>>): ScriptsToCli {
  const mapped = new Map<string, readonly string[]>();
  for (const [name, script] of Object.entries(scripts)) {
    const entry = CLI_ENTRY.exec(script);
    if (entry !== null) mapped.set(name, (entry[1] ?? '').split(/\s+/).filter(Boolean));
  }
  return mapped;
}

/** Fenced blocks a reader would paste into a shell; an unlabelled fence may be a console transcript. */
const SHELL_FENCES = new Set(['', 'bash', 'sh', 'shell', 'console', 'zsh']);

interface Snippet {
  readonly line: number;
  readonly text: string;
}

/** The shell snippets of a Markdown document: each logical line of a shell fence, and each inline code span. */
function snippetsOf(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split('\n');
  let fence: { readonly marker: string; readonly shell: boolean } | undefined;
  let paragraph: Snippet[] = [];
  const endParagraph = () => {
    snippets.push(...inlineCode(paragraph));
    paragraph = [];
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const fenceLine = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (fence === undefined && fenceLine !== null) {
      endParagraph();
      fence = { marker: fenceLine[1] ?? '```', shell: SHELL_FENCES.has((fenceLine[2] ?? '').toLowerCase()) };
    } else if (fence !== undefined) {
      if (line.trim().startsWith(fence.marker)) fence = undefined;
      else if (fence.shell) {
        // A trailing backslash continues the command on the next line, as in the shell.
        const start = index + 1;
        let text = line;
        while (text.endsWith('\\') && index + 1 < lines.length) {
          index += 1;
          text = `${text.slice(0, -1)} ${lines[index] ?? ''}`;
        }
        snippets.push({ line: start, text: text.replace(/^\s*\$\s+/, '') });
      }
    } else if (line.trim() === '') endParagraph();
    else paragraph.push({ line: index + 1, text: line });
  }
  endParagraph();
  return snippets;
}

/** Inline code spans of one paragraph (a span may run across a line break). */
function inlineCode(paragraph: readonly Snippet[]): Snippet[] {
  if (paragraph.length === 0) return [];
  const text = paragraph.map((line) => line.text).join('\n');
  const lineAt = (offset: number) => (paragraph[0]?.line ?? 0) + (text.slice(0, offset).match(/\n/g)?.length ?? 0);
  return [...text.matchAll(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)].map((span) => ({
    line: lineAt(span.index),
    text: (span[2] ?? '').replace(/\s*\n\s*/g, ' ').trim(),
  }));
}

const OPERATORS = new Set(['|', '||', '&&', ';', '&']);

/** Shell words and operators, quotes removed; stops at a comment. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word = (word ?? '') + char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === '#' && word === undefined) {
      break;
    } else if ((char === '|' || char === ';' || char === '&') && !(word ?? '').endsWith('>')) {
      if (word !== undefined) words.push(word);
      word = undefined;
      const next = text[index + 1];
      if ((char === '|' || char === '&') && next === char) {
        words.push(char + next);
        index += 1;
      } else words.push(char);
    } else word = (word ?? '') + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PNPM_OPTIONS = new Set(['-s', '--silent']);

/** The words `orders` receives from one simple command, or undefined when it does not run `orders`. */
function ordersArgs(words: readonly string[], scripts: ScriptsToCli): readonly string[] | undefined {
  let at = 0;
  while (ENV_ASSIGNMENT.test(words[at] ?? '')) at += 1;
  const program = words[at];
  if (program === './orders') return words.slice(at + 1);
  if (program === 'orders') {
    // `orders consume: stopped …` is the CLI's own message prefix in a transcript, not a command.
    return (words[at + 1] ?? '').endsWith(':') ? undefined : words.slice(at + 1);
  }
  if (program !== 'pnpm') return undefined;
  at += 1;
  while (PNPM_OPTIONS.has(words[at] ?? '')) at += 1;
  if (words[at] === 'run') at += 1;
  const scriptWords = scripts.get(words[at] ?? '');
  return scriptWords === undefined ? undefined : [...scriptWords, ...words.slice(at + 1)];
}

/** Every `./orders …`, `orders …` and `pnpm <script that runs orders> …` a Markdown document shows. */
export function shownCommands(file: string, markdown: string, scripts: ScriptsToCli): ShownCommand[] {
  const shown: ShownCommand[] = [];
  for (const snippet of snippetsOf(markdown)) {
    const words = shellWords(snippet.text);
    let start = 0;
    for (let end = 0; end <= words.length; end += 1) {
      if (end < words.length && !OPERATORS.has(words[end] ?? '')) continue;
      const simple = words.slice(start, end);
      const args = ordersArgs(simple, scripts);
      if (args !== undefined) shown.push({ where: `${file}:${snippet.line}`, text: simple.join(' '), args });
      start = end + 1;
    }
  }
  return shown;
}

/** A flag as written: `--retry-delay=0` and `[--json]` are `--retry-delay` and `--json`. */
function flagName(word: string): string | undefined {
  return /^\[?(--[a-z][a-z0-9-]*)/.exec(word)?.[1];
}

/** A usage placeholder (`<command>`, `ORDER_ID…`) stands for a word the reader supplies. */
const isPlaceholder = (word: string) => /^\[?<.*>\]?$/.test(word);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `--help` of this command lists the flag (as `--flag`, `--flag <value>`, `-x, --flag`). */
function helpLists(command: Command, flag: string): boolean {
  return new RegExp(`(^|[\\s,])${escapeRegExp(flag)}(?=[\\s,=<\\[]|$)`, 'm').test(command.helpInformation());
}

/**
 * What is wrong with one shown command, in one sentence each: a subcommand that does not exist,
 * or a flag its `--help` does not list. Flags are checked against the command they follow, as
 * commander parses them (`orders --help`, `orders dlq list --json`).
 */
export function problemsOf(shown: ShownCommand, program: Command): string[] {
  const problems: string[] = [];
  let command = program;
  let path = program.name();
  let args = shown.args;
  // `pnpm soak -- --messages …`: the CLI drops pnpm's separator.
  if (args[0] === '--') args = args.slice(1);
  let mayNameSubcommand = true;
  for (const word of args) {
    const flag = flagName(word);
    if (flag !== undefined) {
      if (!helpLists(command, flag))
        problems.push(`${shown.where}: \`${path} --help\` lists no ${flag} (${shown.text})`);
    } else if (mayNameSubcommand && command.commands.length > 0 && !word.startsWith('-')) {
      if (isPlaceholder(word)) return problems;
      const subcommand = command.commands.find((candidate) => candidate.name() === word);
      if (subcommand === undefined) {
        problems.push(`${shown.where}: \`${path}\` has no subcommand "${word}" (${shown.text})`);
        return problems;
      }
      command = subcommand;
      path = `${path} ${word}`;
    } else mayNameSubcommand = false;
  }
  return problems;
}
