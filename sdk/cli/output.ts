/** Plain-text tables and JSON output for the CLI (no colours, so output can be piped and diffed). */

/** Renders rows as an aligned table with a header line. Numbers-looking cells are right-aligned. */
export function table(headers: string[], rows: Array<Array<string | number | bigint>>): string {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? "").length)));
  const numeric = headers.map(
    (_, i) => cells.length > 0 && cells.every((row) => /^-?[\d.,]+( \S+)?$/.test(row[i] ?? "")),
  );
  const line = (row: string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/** Key/value lines, keys aligned. */
export function keyValues(pairs: Array<[string, string | number | bigint]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** Writes either the JSON form or the human form of a result. */
export function emit(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(`${json ? toJson(value) : human()}\n`);
}
