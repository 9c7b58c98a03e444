// A person's decision that a trashed (or lost, or unreachable) person deserves another chance: the
// funnel table's `requalify` move, recorded as a funnel event with the contact's new stage decided into
// the outbox in the same transaction, then sent at once through the outbox drain (clearing the lifecycle
// stage first, blanking the revoked verdict's reason and date, and opening the lead status again as a
// handoff does); what the drain could not send waits in the store for the next sync, as any decided write.
import { type DispositionMaps, LEAD_STATUS_FIELD, reopenStatus, revokedVerdictValues } from "../../core/funnel/dispositions.js";
import { LIFECYCLE_FIELD, lifecycleFor, lifecycleNeedsClear } from "../../core/funnel/lifecycle-values.js";
import { heldText, holdEndNamed, holdEndText } from "../../core/funnel/recycle.js";
import { move, REQUALIFY_TARGET, type Stage } from "../../core/funnel/stages.js";
import type { OutboxWrite, StateStore } from "../../store/port.js";
import { type AdminRunParts, inAdminRun } from "../admin-run.js";
import { drainKeys, type DrainResult } from "../outbox/drain.js";
import { reopenedRecordWrite, type StatusPlace } from "./reopened-record.js";

export interface RequalifyPlan {
  personId: string;
  email: string;
  from: Stage;
  to: Stage;
}

/** Refused: why, and the person and their stage when leadloop knows them (a stage requalify does not move). */
export type RequalifyLookup =
  | { ok: true; plan: RequalifyPlan }
  | { ok: false; message: string; known?: { personId: string; email: string; from: Stage } };

/**
 * Finds the person by email (any case) among the people leadloop knows, and the move requalify makes; `now`
 * (the run's clock) tells a cool-down hold still running from one that is over.
 */
export async function planRequalify(store: StateStore, email: string, now: Date): Promise<RequalifyLookup> {
  const wanted = email.trim().toLowerCase();
  const scored = (await store.listPersonScores()).find((r) => r.email?.toLowerCase() === wanted);
  const personId =
    scored?.personId ?? (await store.listFunnelEvents()).find((e) => e.email?.toLowerCase() === wanted)?.personId;
  if (!personId) return { ok: false, message: `no person with email ${email} is known to leadloop (run a sync first)` };
  const from = ((await store.currentStages([personId])).get(personId) ?? "lead") as Stage;
  const known = { personId, email: scored?.email ?? email, from };
  const to = REQUALIFY_TARGET[from];
  if (!to) {
    const holdEnd = from === "mql" ? await holdEndOf(store, personId) : null;
    const stage = holdEnd ? heldMql(holdEnd, now) : `at stage ${from}`;
    return {
      ok: false,
      message: `${email} is ${stage}; requalify moves people at trash, lost or unreachable back into the funnel`,
      known,
    };
  }
  const allowed = move(from, to, { kind: "requalify", detail: email });
  if (!allowed.ok) return { ok: false, message: `${email}: ${allowed.message}`, known };
  return { ok: true, plan: { ...known, to } };
}

/**
 * When the cool-down's hold ends on a person whose latest move is an MQL it holds and no handoff has given
 * sales yet (README "Recycle and trash": her contact and CRM record keep the rep's verdict meanwhile), or null.
 */
async function holdEndOf(store: StateStore, personId: string): Promise<Date | null> {
  const latest = (await store.latestEvents([personId])).get(personId);
  const end = latest ? holdEndNamed(latest.cause) : null;
  if (!latest || end === null) return null;
  const clocks = await store.listSlaClocks({ personIds: [personId] });
  return clocks.some((c) => c.handoffAt >= latest.at) ? null : end;
}

/**
 * A held MQL as she is now: a hold still running is named with its end; one whose end has passed holds no
 * more, and the first sync after it hands her off, or returns her to nurture if she no longer qualifies
 * (core/funnel/recycle.ts `heldByCoolDown`).
 */
function heldMql(end: Date, now: Date): string {
  return now.getTime() < end.getTime()
    ? `an MQL ${heldText(end)}, handed off then if she still qualifies (her records still show the rep's verdict)`
    : `an MQL whose cool-down ended at ${holdEndText(end)}; the next sync hands her off if she still qualifies, else returns her to nurture (her records show the rep's verdict until then)`;
}

export interface RequalifyOptions {
  marketingSystem: string;
  /**
   * Where a CRM apart from marketing keeps the rep's lead status (Salesforce Lead.Status) and the reason
   * the rep types beside it (Leadloop_Disposition_Reason__c; null where it keeps none); null when the
   * marketing contact is the CRM record (HubSpot as the CRM), whose lead status and reason the contact
   * write sets.
   */
  crmStatus: StatusPlace | null;
  /** The qualification's dispositions maps: the first `none` status of each system is the open one. */
  dispositions: DispositionMaps;
  at: string;
  runId: string;
  by: string;
}

/**
 * Records the move and decides the contact's stage into the outbox, in one transaction. The verdict is
 * revoked, so the lead status it left (UNQUALIFIED, "Closed - Unqualified") is opened again where a
 * handoff that opens a record again sets it (handoff-phase.ts: each map's first `none` status, NEW and
 * "Open - Not Contacted" in the shipped definition): on the contact, and on the person's Lead when the
 * CRM keeps the status there, so the marketer sees no verdict next to a person back in the funnel, and
 * the mapping that carries the Lead's status to the contact finds both sides agreeing. The handoff that
 * follows leaves out a status the records already show (ARCHITECTURE.md "One run", step 4).
 */
export async function applyRequalify(
  store: StateStore,
  plan: RequalifyPlan,
  options: RequalifyOptions,
): Promise<string[]> {
  const rule = `requalify by ${options.by}: ${plan.from} → ${plan.to}`;
  const target = lifecycleFor(plan.to);
  const openStatus = reopenStatus({ dispositions: options.dispositions }, options.marketingSystem);
  const write: OutboxWrite = {
    key: `disposition:${plan.personId}`,
    phase: "requalify",
    side: "marketing",
    system: options.marketingSystem,
    object: "contacts",
    recordId: plan.personId,
    upsertOn: null,
    associations: [],
    fields: [
      { field: LIFECYCLE_FIELD, before: lifecycleFor(plan.from), after: target, rule },
      { field: "leadloop_status", before: plan.from, after: plan.to, rule },
      // The verdict is revoked: its reason and date would otherwise stay beside the person's new stage.
      ...Object.entries(revokedVerdictValues()).map(([field, after]) => ({ field, before: null, after, rule })),
      ...(openStatus === null ? [] : [{ field: LEAD_STATUS_FIELD, before: null, after: openStatus, rule }]),
    ],
    personId: plan.personId,
    email: plan.email,
    group: null,
    // The contact holds the stage leadloop gave it last; a move back from there needs the clear.
    ...(lifecycleNeedsClear(lifecycleFor(plan.from), target) ? { clearFirst: [LIFECYCLE_FIELD] } : {}),
  };
  const writes = [write, ...(await crmStatusWrite(store, plan, options, rule))];
  await store.commitBatch({
    runId: options.runId,
    at: options.at,
    funnelEvents: [
      {
        personId: plan.personId,
        email: plan.email,
        fromStage: plan.from,
        toStage: plan.to,
        at: options.at,
        cause: rule,
        runId: null,
        source: null,
        campaign: null,
        ownerId: null,
        amount: null,
      },
    ],
    outbox: writes,
  });
  return writes.map((w) => w.key);
}

/**
 * Sends the requalify's writes (their outbox keys, committed by applyRequalify) as a run of their own under
 * the run lock, through the one write path: accepted ones leave the outbox, refused ones wait in the error
 * queue. Recorded before it is sent, the decision outlives a store lost before the next sync only once it
 * is written to the systems, which read it back (ARCHITECTURE.md "One run", step 4). Throws when the lock is
 * held or a system cannot be reached; the writes then stay in the outbox for the next sync.
 */
export async function sendRequalify(parts: AdminRunParts, keys: readonly string[]): Promise<DrainResult> {
  return inAdminRun("requalify", parts, (ctx) => drainKeys(ctx, keys));
}

/**
 * The person's Lead opened again, where a CRM apart from marketing keeps the lead status, with the revoked
 * verdict's reason blanked there too (the dispositions would otherwise read it back as the rep's words for
 * the next verdict); none otherwise.
 */
async function crmStatusWrite(
  store: StateStore,
  plan: RequalifyPlan,
  options: RequalifyOptions,
  rule: string,
): Promise<OutboxWrite[]> {
  const where = options.crmStatus;
  if (where === null) return [];
  const status = reopenStatus({ dispositions: options.dispositions }, where.system);
  const link = (await store.findLinksByMarketingIds("contact", [plan.personId])).get(plan.personId);
  // A Contact (a converted Lead) keeps no lead status.
  if (status === null || !link || link.crmType !== where.object) return [];
  return [reopenedRecordWrite(where, { personId: plan.personId, email: plan.email, crmId: link.crmId }, status, rule)];
}
