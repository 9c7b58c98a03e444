// Bulk lookups bind their ids in chunks: each statement stays far below SQLite's variable limit, and
// padding chunks to a few fixed sizes keeps the number of cached statements small.

export const MAX_IN_LIST = 500;
const CHUNK_SIZES = [1, 10, 100, MAX_IN_LIST] as const;

export interface InListChunk<T> {
  /** "?, ?, ..." for the chunk, to splice into `IN (...)`. */
  placeholders: string;
  params: T[];
}

const placeholderCache = new Map<number, string>();

function placeholders(size: number): string {
  let text = placeholderCache.get(size);
  if (text === undefined) {
    text = Array.from({ length: size }, () => "?").join(", ");
    placeholderCache.set(size, text);
  }
  return text;
}

/** Splits distinct `values` into chunks of at most MAX_IN_LIST; padding repeats a value already asked for. */
export function inListChunks<T>(values: readonly T[]): InListChunk<T>[] {
  return padded([...new Set(values)]).map((params) => ({ placeholders: placeholders(params.length), params }));
}

const rowPlaceholderCache = new Map<string, string>();

/** `(?, ?, …), (?, ?, …), …`: `rows` rows of `width` values, for a `VALUES` list or a multi-row `INSERT`. */
export function rowPlaceholders(width: number, rows: number): string {
  const shape = `${width}x${rows}`;
  let text = rowPlaceholderCache.get(shape);
  if (text === undefined) {
    text = Array.from({ length: rows }, () => `(${placeholders(width)})`).join(", ");
    rowPlaceholderCache.set(shape, text);
  }
  return text;
}

/** `items` in chunks of at most MAX_IN_LIST, each padded to one of CHUNK_SIZES by repeating its first item. */
function padded<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += MAX_IN_LIST) {
    const chunk = items.slice(start, start + MAX_IN_LIST);
    const size = CHUNK_SIZES.find((candidate) => candidate >= chunk.length) ?? MAX_IN_LIST;
    const pad = chunk[0] as T;
    while (chunk.length < size) chunk.push(pad);
    chunks.push(chunk);
  }
  return chunks;
}
