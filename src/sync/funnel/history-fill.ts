// A rep's own lead: when a Lead a rep created in the CRM is linked to a marketing contact that already
// existed, the rep sees that person's prior interest — score, reasons and the behaviour summary are
// written on the Lead (for people with behaviour to show), without changing its owner or adding tasks.
// The page that linked them kept the pair in the store, so a crash before the fill still fills it.
import type { FieldValues } from "../../core/records.js";
import type { HistoryToFill, OutboxWrite } from "../../store/port.js";
import { decide } from "../outbox/decide.js";
import { handoffGroup } from "../outbox/drain.js";
import { funnelWrite } from "../outbox/funnel-write.js";
import type { RunContext } from "../run-context.js";
import type { FunnelRunState, FunnelSetup } from "./funnel-setup.js";
import { ensureScored } from "./handoff-phase.js";
import { historyText, reasonsText } from "./person-history.js";

export async function fillRepLeadHistory(ctx: RunContext, setup: FunnelSetup, state: FunnelRunState): Promise<void> {
  if (setup.crmIsMarketing) return;
  const all: HistoryToFill[] = await ctx.store.listHistoryToFill();
  if (all.length === 0) return;
  // People handed off get all of this (and more) from the handoff.
  const handedOff = new Set((await ctx.store.listSlaClocks()).map((c) => c.personId));
  const inOutbox = await ctx.store.openOutboxGroups();
  const matches = all.filter((m) => !handedOff.has(m.personId) && !inOutbox.has(handoffGroup(m.personId)));
  await ensureScored(ctx, setup, state, matches.map((m) => m.personId));
  const v = setup.vocabulary.fields;
  const writes: OutboxWrite[] = [];
  for (const m of matches) {
    const score = state.scores.get(m.personId);
    // No behaviour, no prior interest to show (and a contact leadloop itself just made from this very
    // record, met again after a crash, is no "known person" either).
    if (!score || (state.activities.get(m.personId) ?? []).length === 0) continue;
    const fields: FieldValues = {};
    const set = (name: string | null, value: string | null) => {
      if (name) fields[name] = value;
    };
    set(v.score, String(score.total));
    set(v.fitScore, String(score.fit));
    set(v.behaviourScore, String(score.behaviour));
    set(v.reasons, reasonsText(score));
    set(v.activitySummary, historyText(state.activities.get(m.personId) ?? [], ctx.now()));
    if (Object.keys(fields).length === 0) continue;
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
  await decide(ctx, { outbox: writes, historyDecided: all.map((m) => m.personId) });
}
