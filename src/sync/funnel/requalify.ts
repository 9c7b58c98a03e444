// A person's decision that a trashed (or lost, or unreachable) person deserves another chance: the
// funnel table's `requalify` move, recorded as a funnel event with the contact's new stage decided into
// the outbox in the same transaction (the next sync writes it, clearing the lifecycle stage first, and
// blanking the revoked verdict's reason and date).
import { revokedVerdictValues } from "../../core/funnel/dispositions.js";
import { LIFECYCLE_FIELD, lifecycleFor, lifecycleNeedsClear } from "../../core/funnel/lifecycle-values.js";
import { move, type Stage } from "../../core/funnel/stages.js";
import type { OutboxWrite, StateStore } from "../../store/port.js";

/** Where `requalify` sends a person from each stage it may move: trash starts over as a lead. */
const TARGET: Partial<Record<Stage, Stage>> = { trash: "lead", lost: "recycled", unreachable: "recycled" };

export interface RequalifyPlan {
  personId: string;
  email: string;
  from: Stage;
  to: Stage;
}

export type RequalifyLookup = { ok: true; plan: RequalifyPlan } | { ok: false; message: string };

/** Finds the person by email (any case) among the people leadloop knows, and the move requalify makes. */
export async function planRequalify(store: StateStore, email: string): Promise<RequalifyLookup> {
  const wanted = email.trim().toLowerCase();
  const scored = (await store.listPersonScores()).find((r) => r.email?.toLowerCase() === wanted);
  const personId =
    scored?.personId ?? (await store.listFunnelEvents()).find((e) => e.email?.toLowerCase() === wanted)?.personId;
  if (!personId) return { ok: false, message: `no person with email ${email} is known to leadloop (run a sync first)` };
  const from = ((await store.currentStages([personId])).get(personId) ?? "lead") as Stage;
  const to = TARGET[from];
  if (!to) {
    return {
      ok: false,
      message: `${email} is at stage ${from}; requalify moves people at trash, lost or unreachable back into the funnel`,
    };
  }
  const allowed = move(from, to, { kind: "requalify", detail: email });
  if (!allowed.ok) return { ok: false, message: `${email}: ${allowed.message}` };
  return { ok: true, plan: { personId, email: scored?.email ?? email, from, to } };
}

/** Records the move and decides the contact's stage into the outbox, in one transaction. */
export async function applyRequalify(
  store: StateStore,
  plan: RequalifyPlan,
  options: { marketingSystem: string; at: string; runId: string; by: string },
): Promise<void> {
  const rule = `requalify by ${options.by}: ${plan.from} → ${plan.to}`;
  const target = lifecycleFor(plan.to);
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
    ],
    personId: plan.personId,
    email: plan.email,
    group: null,
    // The contact holds the stage leadloop gave it last; a move back from there needs the clear.
    ...(lifecycleNeedsClear(lifecycleFor(plan.from), target) ? { clearFirst: [LIFECYCLE_FIELD] } : {}),
  };
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
    outbox: [write],
  });
}
