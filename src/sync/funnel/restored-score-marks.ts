// After a lost store: a link restored from its stamps may point at a CRM record that carries the score
// leadloop wrote there (a handoff, a history fill, a re-score), and the store's mark of it, which later
// re-scores compare with (crm-rescore.ts), was lost with the rest. The mark comes back from what the
// record shows; when the person's score moved since it was written (they acted between the last run and
// the loss) or their behaviour summary changed, the record is re-scored now, as the qualification would
// have done with its mark. A record that shows no score was never scored there and gets none.
import { groupBy } from "../../core/grouping.js";
import { loopValue } from "../../core/write-loop.js";
import type { CrmScoreMark, HistoryToFill, OutboxWrite } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import { rescoreHeld } from "./crm-rescore.js";
import type { FunnelRunState, FunnelSetup } from "./funnel-setup.js";
import { ensureScored } from "./handoff-phase.js";

export async function restoredScoreMarks(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  page: readonly HistoryToFill[],
): Promise<{ outbox: OutboxWrite[]; crmScoreMarks: CrmScoreMark[] }> {
  const v = setup.vocabulary.fields;
  const out = { outbox: [] as OutboxWrite[], crmScoreMarks: [] as CrmScoreMark[] };
  if (!v.score || page.length === 0) return out;
  const scoreFields = [v.score, v.fitScore, v.behaviourScore, v.activitySummary].filter((f): f is string => f !== null);
  const shown = new Map<string, Record<string, string | null>>();
  for (const [type, group] of groupBy(page, (m) => m.crmType))
    for (const r of await ctx.crm.readByIds(type, group.map((m) => m.crmId), scoreFields)) shown.set(r.id, r.fields);
  const number = (fields: Record<string, string | null> | undefined, name: string | null) => {
    const text = name ? fields?.[name]?.trim() : undefined;
    const n = text ? Number(text) : NaN;
    return Number.isFinite(n) ? n : null;
  };
  const marked = page.filter((m) => number(shown.get(m.crmId), v.score) !== null);
  if (marked.length === 0) return out;
  await ensureScored(ctx, setup, state, marked.map((m) => m.personId));
  const handedOff = new Set(
    (await ctx.store.listSlaClocks({ personIds: marked.map((m) => m.personId) })).map((c) => c.personId),
  );
  const now = ctx.now();
  for (const m of marked) {
    const score = state.scores.get(m.personId);
    if (!score) continue;
    const fields = shown.get(m.crmId);
    const total = number(fields, v.score)!;
    // The summary the record shows is compared as a kept one is (its entries are dated, so one in step
    // reads the same); the reasons are not, as for any mark: their points decay daily.
    const summary = v.activitySummary ? fields?.[v.activitySummary] : null;
    const mark: CrmScoreMark = {
      personId: m.personId,
      crmType: m.crmType,
      crmId: m.crmId,
      since: handedOff.has(m.personId) ? "handoff" : "history",
      score: total,
      fit: number(fields, v.fitScore) ?? score.fit,
      behaviour: number(fields, v.behaviourScore) ?? score.behaviour,
      reasons: null,
      summary: summary ? loopValue(summary) : null,
      at: now.toISOString(),
    };
    const rescored = rescoreHeld(ctx, setup, state, m, mark, now);
    if (rescored) out.outbox.push(rescored.write);
    out.crmScoreMarks.push(rescored?.mark ?? mark);
  }
  return out;
}
