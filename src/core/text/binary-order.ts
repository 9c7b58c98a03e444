// Strings in binary (UTF-16 code unit) order: for ids, which are case-sensitive and must sort the same
// on every machine, unlike a locale-aware comparison.
export function byBinary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
