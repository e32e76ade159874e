/** A plain-text table with a header rule; widths fit the widest cell (cells are truncated at `maxWidth`). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], maxWidth = 60): string {
  const clip = (text: string): string => (text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text);
  const cells = [headers, ...rows].map((row) => row.map(clip));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const [head, ...body] = cells;
  return [line(head ?? []), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
