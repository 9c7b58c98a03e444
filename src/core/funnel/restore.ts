// The funnel moves that bring back a person a lost state store forgot, from the stage and dates leadloop
// wrote on their contact (ARCHITECTURE.md "Links": a lost store). Each move is one the transition table
// allows, so the restored history reads as the funnel that was: an MQL step where the contact keeps its
// MQL date, then on to the stage the contact shows (through opportunity for a won or lost deal); a
// person who qualified more than once takes each earlier MQL first, from the contact's property histories.
import { instantOf } from "../records.js";
import { type Disposition, DISPOSITIONS, stageForDisposition } from "./dispositions.js";
import { canMove, type CauseKind, move, REQUALIFY_TARGET, type Stage, STAGES } from "./stages.js";

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
  /** The rep's verdict that made the move, where the contact's histories show one (EarlierQualification). */
  verdict?: Disposition;
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
 * A qualification before the contact's latest, which its `leadloop_mql_date` history keeps: the MQL date
 * it held, and the stages leadloop's `leadloop_status` took after it (oldest first, each when it was set),
 * up to the next qualification (core/funnel/restore.ts earlierQualifications); each with the rep's
 * verdict that moved the person there, where the contact's `leadloop_disposition_date` shows one.
 */
export interface EarlierQualification {
  mqlAt: string;
  after: { stage: Stage; at: string; verdict?: Disposition }[];
}

/**
 * The moves from lead to `stage`: to mql at `mqlAt` when the contact carries an MQL date (or the stage is
 * mql), then to `stage` at `stageAt`, through opportunity where the table has no direct move (won, lost).
 * A person who qualified more than once (`earlier`, oldest first) first takes each earlier MQL and the
 * stages after it, and, where those leave her in no stage scoring moves from, the recycle that a second
 * qualification asks for, at the next MQL date. No move is dated before the one before it. Empty for lead,
 * but for a person an admin requalified back to lead after her MQLs (`earlier` holds them all).
 */
export function restoredMoves(
  stage: Stage,
  dates: { mqlAt: string | null; stageAt: string; now: string },
  earlier: readonly EarlierQualification[] = [],
): RestoredMove[] {
  // A contact at lead has no moves to restore, unless an admin's requalify sent her back there after
  // an MQL (trash → lead): her cycles come from the histories, and the requalify ends them.
  if (stage === "lead" && earlier.length === 0) return [];
  const moves: RestoredMove[] = [];
  // Moved by the steps' closure: typed wide, or the checks after them would take it for lead still.
  let from = "lead" as Stage;
  let at = earlier[0]?.mqlAt ?? dates.mqlAt ?? dates.now;
  // The move's kind: the one KIND_TO gives, else an admin's requalify (trash → lead or recycled); null
  // for a move the table does not hold.
  const kindOf = (to: Stage): CauseKind | null =>
    ([to === "lead" ? null : KIND_TO[to], "requalify"] as const).find((kind) => kind !== null && move(from, to, { kind, detail: "restored" }).ok) ?? null;
  const step = (to: Stage, when: string, verdict?: Disposition) => {
    at = when > at || moves.length === 0 ? when : at;
    const kind = kindOf(to);
    if (kind === null) throw new Error(`restoring ${stage}: no move from ${from} to ${to}`);
    moves.push({ fromStage: from, toStage: to, at, kind, ...(verdict && kind === "disposition" ? { verdict } : {}) });
    from = to;
  };
  // Scoring moves a person to mql only from a nurture stage: one the history left elsewhere was recycled,
  // or requalified where only an admin's requalify leads out (trash, back to lead as requalify sends her:
  // its contact write goes out with the next MQL's, so the status history shows trash then mql).
  const requalifiable = (when: string): boolean => {
    const back = REQUALIFY_TARGET[from] ?? "recycled";
    if (!canMove(from, "mql") && kindOf(back) !== null) step(back, when);
    return kindOf("mql") !== null;
  };
  for (const [i, q] of earlier.entries()) {
    // A history the table cannot play (a win, final, then an MQL date) restores as if it were not read.
    if (!requalifiable(q.mqlAt)) return restoredMoves(stage, dates);
    step("mql", q.mqlAt);
    const next = earlier[i + 1]?.mqlAt ?? dates.mqlAt ?? dates.now;
    for (const s of q.after) if (s.stage !== from && kindOf(s.stage) !== null) step(s.stage, s.at < next ? s.at : next, s.verdict);
  }
  if (dates.mqlAt !== null || stage === "mql") {
    if (!requalifiable(dates.mqlAt ?? dates.now)) return restoredMoves(stage, dates);
    step("mql", dates.mqlAt ?? dates.now);
  }
  if (stage === "mql" || stage === from) return moves;
  // Back at lead only through a requalify of trash; histories that do not show it restore nothing.
  if (stage === "lead") return kindOf("lead") === null ? [] : (step("lead", dates.stageAt), moves);
  if (stage === "won" || stage === "lost") step("opportunity", dates.stageAt);
  step(stage, dates.stageAt);
  return moves;
}

/**
 * The qualifications before the latest (`mqlAt`), from the contact's property histories (each newest or
 * oldest first): every MQL date it held before, once (an instant written again, or in another format, is
 * the same qualification), oldest first; and after each, the `leadloop_status` settings between its
 * `mql` and the next `mql`. Where the status history does not hold one `mql` per MQL date (kept for less
 * long, or written by hand), the stages are left out: restoredMoves recycles the person between them.
 * A setting to a verdict's stage (sal, recycled, trash, unreachable) is that verdict's when the
 * `leadloop_disposition_date` history (`verdictDates`) took a date in the same write (the same instant):
 * leadloop writes the date with the stage of every verdict and conversion (dispositions.ts
 * verdictValues), and blanks it with a requalify's (revokedVerdictValues); a score's move writes none.
 */
export function earlierQualifications(
  /** The contact's latest MQL date; null for one at no MQL now (requalified back to lead): all are earlier. */
  mqlAt: string | null,
  mqlDates: readonly (string | null)[],
  statuses: readonly { value: string | null; at: string }[],
  verdictDates: readonly { value: string | null; at: string }[] = [],
): EarlierQualification[] {
  const second = (iso: string) => iso.slice(0, 19);
  const latest = mqlAt === null ? null : second(mqlAt);
  const instants = new Map<string, string>();
  for (const v of mqlDates) {
    const iso = instantOf(v);
    if (iso !== null && (latest === null || second(iso) < latest)) instants.set(second(iso), iso);
  }
  const dated = [...instants.values()].sort();
  // Oldest first, one entry per run of a value (a write of the value it held adds an entry of its own).
  const settings = [...statuses].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const runs = settings.filter((s, i) => i === 0 || s.value !== settings[i - 1]!.value);
  const verdictWrites = new Set(verdictDates.filter((d) => instantOf(d.value) !== null).map((d) => Date.parse(d.at)));
  const verdictOf = (stage: Stage, at: string): Disposition | undefined =>
    verdictWrites.has(Date.parse(at)) ? DISPOSITIONS.find((d) => stageForDisposition(d) === stage) : undefined;
  const cycles: EarlierQualification["after"][] = [];
  for (const r of runs) {
    const stage = STAGES.find((s) => s === r.value?.trim().toLowerCase());
    const verdict = stage === undefined ? undefined : verdictOf(stage, r.at);
    if (stage === "mql") cycles.push([]);
    else if (stage !== undefined && cycles.length > 0) cycles.at(-1)!.push({ stage, at: r.at, ...(verdict ? { verdict } : {}) });
  }
  // The status's own runs: one per earlier MQL date and one for the latest, where the contact has one.
  const placed = cycles.length === dated.length + (latest === null ? 0 : 1);
  return dated.map((at, i) => ({ mqlAt: at, after: placed ? cycles[i]! : [] }));
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

/**
 * The second of the person's latest restored move, if a lost store's restore gave her any: a CRM change
 * (a Lead's conversion, a deal's opening or close) made before it was followed before the loss, since her
 * contact showed what followed it. The lineage reads such changes again after the loss (its cursors are
 * lost too) and would otherwise move her again (sync/funnel/lineage-phase.ts). To the second: Salesforce
 * stamps whole seconds.
 */
export function latestRestoredSecond(events: readonly { cause: string; at: string }[]): string | undefined {
  return events.filter((e) => isRestored(e.cause)).at(-1)?.at.slice(0, 19);
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
