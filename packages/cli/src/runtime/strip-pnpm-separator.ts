/**
 * `pnpm start -- --orders 5` hands the `--` on to the script (pnpm 10 does), and commander reads
 * everything after `--` as operands, which no `orders` command takes. Dropping the first `--`
 * makes both `pnpm start --orders 5` and `pnpm start -- --orders 5` work; no command of ours has
 * operands, so a `--` never carries meaning here.
 */
export function stripPnpmSeparator(argv: readonly string[]): string[] {
  const index = argv.indexOf('--', 2);
  return index === -1 ? [...argv] : [...argv.slice(0, index), ...argv.slice(index + 1)];
}
