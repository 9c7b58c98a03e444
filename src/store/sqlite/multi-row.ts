// Statements over many rows at once: a commit's hundred links, snapshots or outbox writes go through a
// few statements of fixed row counts (each prepared once), not one statement per row.

/** Rows per statement, largest first; every count is made of these (the last is 1). */
export const ROWS_PER_STATEMENT = [50, 10, 1] as const;

export type RowCount = (typeof ROWS_PER_STATEMENT)[number];

/** `(?, ?, ?), (?, ?, ?)`: `rows` groups of `columns` placeholders. */
export function valuesPlaceholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
  return Array.from({ length: rows }, () => row).join(", ");
}

/** Runs `each(size, params)` over `rows` in order, in chunks of ROWS_PER_STATEMENT sizes. */
export function inRowChunks<R>(rows: readonly unknown[][], each: (size: RowCount, params: unknown[]) => R): R[] {
  const out: R[] = [];
  let start = 0;
  for (const size of ROWS_PER_STATEMENT) {
    for (; rows.length - start >= size; start += size) out.push(each(size, rows.slice(start, start + size).flat()));
  }
  return out;
}
