// Record ids as HubSpot keeps them: int64s, which the emulator holds as decimal text and compares digit for
// digit, so ids past 2^53 (FIDELITY.md, "record ids past 2^53") sort, page and filter exactly where doubles
// would round neighbours together.

/** The canonical decimal text of a non-negative integer id (leading zeros dropped), or undefined. */
export function canonicalId(text: string): string | undefined {
  const t = text.trim();
  return /^\d+$/.test(t) ? BigInt(t).toString() : undefined;
}

/** Orders two canonical ids numerically: a shorter decimal is smaller, equal lengths compare as text. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The id right after `id` (a GT bound read as GTE). */
export function idAfter(id: string): string {
  return (BigInt(id) + 1n).toString();
}
