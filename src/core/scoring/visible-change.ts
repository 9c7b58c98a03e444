// When a score leadloop wrote somewhere counts as changed: scores decay a little every day, so only a
// move by a visible step or across a threshold is worth a write (ARCHITECTURE.md "One run", step 2).

/** A decaying score is rewritten once it moved by this many points (or crossed a threshold). */
export const VISIBLE_SCORE_STEP = 1;

/** Whether `wanted` differs from the `held` score by a visible step, or they lie either side of a limit. */
export function scoreMoved(held: string | null, wanted: string | null, limits: readonly number[]): boolean {
  if (held === null || wanted === null) return held !== wanted;
  const a = Number(held);
  const b = Number(wanted);
  if (Number.isNaN(a) || Number.isNaN(b)) return held !== wanted;
  return Math.abs(a - b) >= VISIBLE_SCORE_STEP || limits.some((t) => a >= t !== b >= t);
}
