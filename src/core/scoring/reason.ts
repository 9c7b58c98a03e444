// The reasons a score carries and their order: every point in a score is one of these.

export const REASON_KINDS = ["fit", "behaviour", "negative"] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

export interface ScoreReason {
  ruleId: string;
  kind: ReasonKind;
  points: number;
  detail: string;
}

/** Most points first; ties by kind (fit, behaviour, negative), then by rule id, so order never varies. */
export function byPointsDesc(a: ScoreReason, b: ScoreReason): number {
  return (
    b.points - a.points ||
    REASON_KINDS.indexOf(a.kind) - REASON_KINDS.indexOf(b.kind) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}
