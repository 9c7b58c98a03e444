// A rep's own lead: when a Lead a rep created in the CRM is linked to a marketing contact that already
// existed, the rep sees that person's prior interest — score, reasons and the behaviour summary are
// written on the Lead (for people with behaviour to show), without changing its owner or adding tasks.
// The page that linked them kept the pair in the store, so a crash before the fill still fills it. The
// same list brings the records whose score is known elsewhere: a lost store's restored links and the
// Contacts converted Leads became (restored-score-marks.ts, converted-score-marks.ts).
import type { CrmScoreMark, HistoryToFill, OutboxWrite } from "../../store/port.js";
import { crmScoreFields, crmScoreMark, crmScoreTexts } from "./crm-rescore.js";
import { decide, joinDecisions } from "../outbox/decide.js";
import { handoffGroup } from "../outbox/drain.js";
import { funnelWrite } from "../outbox/funnel-write.js";
import type { RunContext } from "../run-context.js";
import type { FunnelRunState, FunnelSetup } from "./funnel-setup.js";
import { forget, scoredDecision } from "./handoff-phase.js";
import { convertedScoreMarks } from "./converted-score-marks.js";
import { restoredScoreMarks } from "./restored-score-marks.js";

/** People whose history is filled per page: read, scored, decided, then forgotten. */
export const HISTORY_PAGE = 1_000;

export async function fillRepLeadHistory(ctx: RunContext, setup: FunnelSetup, state: FunnelRunState): Promise<void> {
  if (setup.crmIsMarketing) return;
  // A page at a time, so a first load that links a whole CRM of reps' records to known people never
  // holds them all (ARCHITECTURE.md "Memory at scale"); each page leaves the store's list once decided.
  let inOutbox: Set<string> | undefined;
  for (let after: string | null = null; ; ) {
    if (ctx.signal?.aborted) return; // what is not decided stays in the store's list for the next run
    const page = await ctx.store.listHistoryToFill({ after, limit: HISTORY_PAGE });
    if (page.length === 0) return;
    after = page[page.length - 1]!.personId;
    inOutbox ??= await ctx.store.openOutboxGroups();
    await fillPage(ctx, setup, state, page, inOutbox);
  }
}

async function fillPage(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  page: readonly HistoryToFill[],
  inOutbox: ReadonlySet<string>,
): Promise<void> {
  // A lost store's restored links have no history to fill, only their records' score marks to know again;
  // a converted Lead's Contact takes the Lead's score, or, when it carried none, is a record met.
  const restored = await restoredScoreMarks(ctx, setup, state, page.filter((m) => m.cause === "restored"));
  const converted = await convertedScoreMarks(ctx, setup, state, page.filter((m) => m.cause === "converted"));
  const fresh = [...page.filter((m) => m.cause === undefined), ...converted.unmarked];
  // People handed off get all of this (and more) from the handoff.
  const handedOff = new Set(
    (await ctx.store.listSlaClocks({ personIds: fresh.map((m) => m.personId) })).map((c) => c.personId),
  );
  const matches = fresh.filter((m) => !handedOff.has(m.personId) && !inOutbox.has(handoffGroup(m.personId)));
  // Scored and marked in one commit: a score that stands is kept as her record will carry it, so the
  // next run's re-read of the contact, echoing this run's writes, does not score her again.
  const ids = matches.map((m) => m.personId);
  const scoring = await scoredDecision(ctx, setup, state, ids, "reuse", new Set(ids));
  const writes: OutboxWrite[] = [];
  const marks: CrmScoreMark[] = [];
  for (const m of matches) {
    const score = state.scores.get(m.personId);
    // No behaviour, no prior interest to show (and a contact leadloop itself just made from this very
    // record, met again after a crash, is no "known person" either).
    if (!score || (state.activities.get(m.personId) ?? []).length === 0) continue;
    const activities = state.activities.get(m.personId) ?? [];
    const texts = crmScoreTexts(score, activities, ctx.now());
    const fields = crmScoreFields(setup, score, texts);
    if (Object.keys(fields).length === 0) continue;
    // What the record now carries, for the qualification's later re-scores (crm-rescore.ts).
    marks.push(crmScoreMark(m.personId, m, "history", score, texts, ctx.now().toISOString()));
    ctx.log.debug("history.filled", { personId: m.personId, crmType: m.crmType, crmId: m.crmId });
    writes.push(
      funnelWrite(ctx, {
        key: `history:${m.personId}`,
        phase: "history",
        side: "crm",
        object: m.crmType,
        recordId: m.crmId,
        fields,
        rule: "history of a known person on a rep's own record",
        personId: m.personId,
        email: state.people.get(m.personId)?.email ?? null,
      }),
    );
  }
  await decide(
    ctx,
    joinDecisions([
      scoring,
      {
        outbox: [...restored.outbox, ...converted.outbox, ...writes],
        crmScoreMarks: [...restored.crmScoreMarks, ...converted.crmScoreMarks, ...marks],
        historyDecided: page.map((m) => m.personId),
      },
    ]),
  );
  // The deal pair's inclusion still asks for this run's MQLs (a dry run records no stage): they stay.
  for (const m of page) if (!state.scores.get(m.personId)?.qualified) forget(state, m.personId);
}
