import type { RatioSummary } from '../stats';

/** Plain-text tables for the terminal (the JSON line is the machine-readable form). */
export function table(
  title: string,
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [header, ...rows.map((row) => row.map((cell) => String(cell)))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  return [`\n${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export const ms = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1);
export const ratio = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(2)}×`;
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
/** A paired ratio as the tables show it: the median, then its quartiles. */
export const formatRatio = (summary: RatioSummary | undefined): string =>
  summary ? `${ratio(summary.median)} [${summary.p25.toFixed(2)}–${summary.p75.toFixed(2)}]` : '—';
