// A value that flips back and forth between runs (recycled, mql, recycled, mql ...) is two decisions
// undoing each other, not news: the outbox holds such a write and reports the loop instead of writing
// it forever (ARCHITECTURE.md "One write path").

/** Changes of one field that make a loop: the value came back twice (A, B, A, B, then A again). */
const LOOP_WRITES = 5;
/** Only flips this close together are a loop; a person recycled and re-qualified over weeks is not. */
export const LOOP_WINDOW_HOURS = 24;

/**
 * The two values a field alternates between if `next` were written after `written` (oldest first), or
 * null when that write makes no loop.
 */
export function alternation(
  written: readonly (string | null)[],
  next: string | null,
): [string | null, string | null] | null {
  if (written.length > 0 && written[written.length - 1] === next) return null; // no change, no flip
  // The same value written twice in a row is no flip (two phases agreeing), so repeats fold into one.
  const seq = [...written, next].filter((v, i, all) => i === 0 || v !== all[i - 1]).slice(-LOOP_WRITES);
  if (seq.length < LOOP_WRITES) return null;
  const [a, b] = seq;
  if (a === b) return null;
  return seq.every((v, i) => v === (i % 2 === 0 ? a : b)) ? [a ?? null, b ?? null] : null;
}
