// A rep converted a Lead that carries the score leadloop wrote (a handoff, a history fill, a re-score):
// the Contact it became is the record the rep works from now, and Salesforce copies a Lead's custom
// fields to it only where an admin mapped them. The page that moved the link put the Contact on the
// history fill's list; here the person's mark, still naming the Lead, makes the re-score's write to the
// Contact (crm-rescore.ts: a mark on another record than the link's is a move), in the same run.
import type { CrmScoreMark, HistoryToFill, OutboxWrite } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import { rescoreHeld } from "./crm-rescore.js";
import type { FunnelRunState, FunnelSetup } from "./funnel-setup.js";
import { ensureScored } from "./handoff-phase.js";

/**
 * The writes that carry the converted Leads' scores to their Contacts, with the new marks; and the
 * entries whose person has no mark (the Lead carried no score of leadloop's), which the history fill
 * treats as records met: a known person's history is written there as on a rep's own record.
 */
export async function convertedScoreMarks(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  page: readonly HistoryToFill[],
): Promise<{ outbox: OutboxWrite[]; crmScoreMarks: CrmScoreMark[]; unmarked: HistoryToFill[] }> {
  const out = { outbox: [] as OutboxWrite[], crmScoreMarks: [] as CrmScoreMark[], unmarked: [] as HistoryToFill[] };
  if (page.length === 0) return out;
  const ids = page.map((m) => m.personId);
  const before = await ctx.store.crmScoreMarks(ids);
  out.unmarked = page.filter((m) => !before.has(m.personId));
  const marked = page.filter((m) => before.has(m.personId));
  if (marked.length === 0) return out;
  // Scoring someone not yet scored this run re-scores their CRM record as the qualification does, onto
  // the Contact: the marks are read again after it, so only the people scored earlier remain.
  await ensureScored(ctx, setup, state, marked.map((m) => m.personId));
  const marks = await ctx.store.crmScoreMarks(marked.map((m) => m.personId));
  const now = ctx.now();
  for (const m of marked) {
    const mark = marks.get(m.personId);
    if (!mark || mark.crmId === m.crmId) continue;
    const rescored = rescoreHeld(ctx, setup, state, m, mark, now);
    if (!rescored) continue;
    out.outbox.push(rescored.write);
    out.crmScoreMarks.push(rescored.mark);
  }
  return out;
}
