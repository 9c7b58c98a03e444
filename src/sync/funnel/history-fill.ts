// A rep's own lead: when a Lead a rep created in the CRM is linked to a marketing contact that already
// existed, the rep sees that person's prior interest — score, reasons and the behaviour summary are
// written on the Lead, without changing its owner or adding tasks.
import type { FieldValues } from "../../core/records.js";
import type { RunContext } from "../run-context.js";
import { bump } from "../run-summary.js";
import type { RecordWrite } from "../system-port.js";
import type { FunnelRunState, FunnelSetup } from "./funnel-setup.js";
import { ensureScored } from "./handoff-phase.js";
import { historyText, reasonsText } from "./person-history.js";


export async function fillRepLeadHistory(ctx: RunContext, setup: FunnelSetup, state: FunnelRunState): Promise<void> {
  if (setup.crmIsMarketing || ctx.crmMatches.length === 0) return;
  // People just handed off got all of this (and more) from the handoff.
  const handedOff = new Set((await ctx.store.listSlaClocks()).map((c) => c.personId));
  const matches = ctx.crmMatches.splice(0).filter((m) => !handedOff.has(m.personId));
  if (matches.length === 0) return;
  await ensureScored(ctx, setup, state, matches.map((m) => m.personId));
  const v = setup.vocabulary.fields;
  const byObject = new Map<string, RecordWrite[]>();
  for (const m of matches) {
    const score = state.scores.get(m.personId);
    if (!score) continue;
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
    byObject.set(m.crmType, [...(byObject.get(m.crmType) ?? []), { ref: m.personId, id: m.crmId, fields }]);
  }
  if (ctx.dryRun) return;
  for (const [object, writes] of byObject) {
    for (const o of await ctx.crm.write(object, writes)) {
      if (o.ok) {
        bump(ctx.summary.updated, ctx.crm.system);
        ctx.log.info("person.history_filled", { personId: o.ref, crmId: o.id });
      } else ctx.log.warn("person.history_not_written", { personId: o.ref, code: o.error.code });
    }
  }
}
