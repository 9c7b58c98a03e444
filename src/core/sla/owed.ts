// Whether sales still owes a handed-off lead its follow-up: one rule for the SLA phase's breaches, the
// SLA board, `leadloop sla`, the digest, /metrics and the SLA report.

/** A person's latest funnel move: the stage reached, and when. */
export interface LatestMove {
  stage: string;
  at: string;
}

/**
 * True while the person is still an MQL since the handoff that set the clock. A rep's verdict
 * (qualified or converted: sal and beyond; recycled, trashed, unreachable) ends what is owed, and so
 * does a re-qualification after the handoff (a recycled person qualifying again in the cool-down): their
 * next handoff sets a clock of its own. A person with no recorded move is owed.
 */
export function owesFollowUp(clock: { handoffAt: string }, latest: LatestMove | undefined): boolean {
  return latest === undefined || (latest.stage === "mql" && Date.parse(latest.at) <= Date.parse(clock.handoffAt));
}
