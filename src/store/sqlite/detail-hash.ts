// The numbers stored texts are found again by: 32-bit FNV-1a. A behaviour detail (an activity's kind,
// source and properties, stored once for every activity that shares them) hashes its three texts; an
// audit piece (text-pieces.ts) or a name (names.ts, migration 39) its one text. Two texts may share a number; the tables compare texts,
// so a clash costs a look-up, never a wrong row. `detailHash` is registered on every connection as the
// SQL function `leadloop_detail_hash`, so migration 16 numbers the details it copies the same way, and
// `pieceHash` as `leadloop_text_hash`, for migration 39's names.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function detailHash(kind: string, source: string, properties: string): number {
  let hash = FNV_OFFSET;
  for (const text of [kind, source, properties]) {
    hash = mix(hash, text);
    // A NUL after each text, so ("ab", "c") and ("a", "bc") differ.
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

export function pieceHash(piece: string): number {
  return mix(FNV_OFFSET, piece) >>> 0;
}

function mix(start: number, text: string): number {
  let hash = start;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash;
}
