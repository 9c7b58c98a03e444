// The funnel moves that bring back a person a lost state store forgot, from the stage and dates leadloop
// wrote on their contact (ARCHITECTURE.md "Links": a lost store). Each move is one the transition table
// allows, so the restored history reads as the funnel that was: an MQL step where the contact keeps its
// MQL date, then on to the stage the contact shows (through opportunity for a won or lost deal).
import { type CauseKind, move, type Stage } from "./stages.js";

/**
 * How a restored funnel event's cause begins: the handoff reads it to tell an MQL the store lost (handed
 * off before, perhaps) from one qualified anew, the dispositions to take a standing status as seen, and
 * the funnel report to count a restored opportunity as the converted lead (SQL) it was.
 */
export const RESTORED_CAUSE = "restored:";

export interface RestoredMove {
  fromStage: Stage;
  toStage: Stage;
  at: string;
  /** The kind of cause the transition table asks of this move; the event's cause is a restored one. */
  kind: CauseKind;
}

/** The kind of cause that makes a move to each stage (stages.ts TRANSITIONS). */
const KIND_TO: Record<Exclude<Stage, "lead">, CauseKind> = {
  mql: "score",
  sal: "disposition",
  opportunity: "conversion",
  won: "opportunity",
  lost: "opportunity",
  recycled: "disposition",
  trash: "disposition",
  unreachable: "disposition",
};

/**
 * The moves from lead to `stage`: to mql at `mqlAt` when the contact carries an MQL date (or the stage is
 * mql), then to `stage` at `stageAt`, through opportunity where the table has no direct move (won, lost).
 * No move is dated before the one before it. Empty for lead.
 */
export function restoredMoves(stage: Stage, dates: { mqlAt: string | null; stageAt: string; now: string }): RestoredMove[] {
  if (stage === "lead") return [];
  const moves: RestoredMove[] = [];
  let from: Stage = "lead";
  let at = dates.mqlAt ?? dates.now;
  const step = (to: Exclude<Stage, "lead">, when: string) => {
    at = when > at || moves.length === 0 ? when : at;
    const allowed = move(from, to, { kind: KIND_TO[to], detail: "restored" });
    if (!allowed.ok) throw new Error(`restoring ${stage}: ${allowed.message}`);
    moves.push({ fromStage: from, toStage: to, at, kind: KIND_TO[to] });
    from = to;
  };
  if (dates.mqlAt !== null || stage === "mql") step("mql", dates.mqlAt ?? dates.now);
  if (stage === "mql") return moves;
  if (stage === "won" || stage === "lost") step("opportunity", dates.stageAt);
  step(stage, dates.stageAt);
  return moves;
}

/** True for a funnel event's cause that a lost store's restore gave it. */
export function isRestored(cause: string): boolean {
  return cause.startsWith(RESTORED_CAUSE);
}

/**
 * The cause a restored move takes when the record's status, read by the dispositions after the loss, is
 * the rep's verdict that made it (`restored: disposition recycle: Closed - Not Converted`): still marked
 * restored, and the verdict the report counts (core/report/figures.ts verdictOfMove) once, as it did
 * before the loss, where the restore's own cause names none.
 */
export function restoredVerdictCause(disposition: string, status: string): string {
  return `${RESTORED_CAUSE} disposition ${disposition}: ${status}`;
}

/** A cause without its `restored:` mark (the verdict a restored move was given reads as the verdict). */
export function unrestored(cause: string): string {
  return isRestored(cause) ? cause.slice(RESTORED_CAUSE.length).trimStart() : cause;
}

/** How a restored win's cause begins once the won deal it came from is read (restoredDealCause). */
const FROM_DEAL = `${RESTORED_CAUSE} from `;

/**
 * The cause a restored win takes when the deals phase reads the won deal behind it: the deal's own cause
 * (`opportunity: Opportunity 006… won`), still marked restored. The win takes the deal's amount with it,
 * which the contact does not carry, and a later correction of that amount finds the win by this cause.
 */
export function restoredDealCause(dealCause: string): string {
  return `${FROM_DEAL}${dealCause}`;
}

/** A restored win that no deal has given its amount yet (its cause names none). */
export function awaitsItsDeal(cause: string): boolean {
  return isRestored(cause) && !cause.startsWith(FROM_DEAL);
}
