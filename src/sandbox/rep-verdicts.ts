// What a sandbox rep decides about a lead they have been working, and about an open deal: spread by
// target shares over everything decided so far in the org, so a few leads already show every kind (the
// first four verdicts are four different ones) and many leads show realistic proportions. Pure.
import type { Random } from "./seed/random.js";

export const VERDICTS = ["qualified", "recycle", "trash", "unreachable"] as const;
export type Verdict = (typeof VERDICTS)[number];

export const DEAL_OUTCOMES = ["won", "lost"] as const;
export type DealOutcome = (typeof DEAL_OUTCOMES)[number];

/** How often each verdict comes out over many leads: most leads are qualified or back to nurture. */
const VERDICT_SHARES: Readonly<Record<Verdict, number>> = {
  qualified: 0.3,
  recycle: 0.3,
  trash: 0.2,
  unreachable: 0.2,
};
const OUTCOME_SHARES: Readonly<Record<DealOutcome, number>> = { won: 0.5, lost: 0.5 };

/**
 * The kind furthest behind its share once one more is decided; ties go to a random one of them. `counts`
 * is what the org holds so far and is updated with the choice.
 */
function furthestBehind<K extends string>(
  kinds: readonly K[],
  shares: Readonly<Record<K, number>>,
  counts: Record<K, number>,
  rng: Random,
): K {
  const total = kinds.reduce((sum, k) => sum + counts[k], 0) + 1;
  const deficit = (k: K) => Math.round((shares[k] * total - counts[k]) * 1000);
  const best = Math.max(...kinds.map(deficit));
  const pick = rng.pick(kinds.filter((k) => deficit(k) === best));
  counts[pick]++;
  return pick;
}

export function nextVerdict(counts: Record<Verdict, number>, rng: Random): Verdict {
  return furthestBehind(VERDICTS, VERDICT_SHARES, counts, rng);
}

export function nextDealOutcome(counts: Record<DealOutcome, number>, rng: Random): DealOutcome {
  return furthestBehind(DEAL_OUTCOMES, OUTCOME_SHARES, counts, rng);
}

/** A deal's amount from the company's size: seats at a list price, rounded to 500. */
export function dealAmount(rng: Random, employees: number | null): number {
  const seats = Math.min(Math.max(employees ?? 40, 10), 2000);
  return Math.max(6000, Math.round((seats * rng.int(30, 90)) / 500) * 500);
}
