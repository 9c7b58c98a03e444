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
  const distinct = [...new Set(values)];
  const chunks: InListChunk<T>[] = [];
  for (let start = 0; start < distinct.length; start += MAX_IN_LIST) {
    const params = distinct.slice(start, start + MAX_IN_LIST);
    const size = CHUNK_SIZES.find((candidate) => candidate >= params.length) ?? MAX_IN_LIST;
    const pad = params[0] as T;
    while (params.length < size) params.push(pad);
    chunks.push({ placeholders: placeholders(size), params });
  }
  return chunks;
}
