// Handoff, after the contacts are synced: every MQL with a CRM record and no follow-up clock yet gets an
// owner by the routing rules (its account's owner first: looked up here, passed to routing as data),
// its score, reasons and behaviour history on the CRM record, an alert task due by the SLA, one
// completed task per significant activity, and a follow-up clock. The handoff's
// writes are decided as one outbox group whose effect is the clock: the clock starts only once every
// write was accepted, and a crash or refusal at any point resumes the same handoff, never a second one.
// A page's handoffs are kept in one store commit (ARCHITECTURE.md "One run", the handoff).

import { type FieldValues, instantOf, type SourceRecord } from "../../core/records.js";
import { planRoute, routablePerson, routedByText, routingReps } from "../../core/routing/index.js";
import type { PersonScore } from "../../core/scoring/score.js";
import { activityTaskBody } from "../../core/scoring/activity-task-text.js";
import { significantActivities } from "../../core/scoring/significant.js";
import { slaDueAt, slaTerms, startedClock } from "../../core/sla/index.js";
import type { FunnelEvent, Link, NewQueuedError, OutboxWrite, QueuedError, SlaClock } from "../../store/port.js";
import { type Decision, decide, joinDecisions } from "../outbox/decide.js";
import { handoffGroup, handoffRecordKey } from "../outbox/drain.js";
import { type FunnelWriteInput, funnelWrite } from "../outbox/funnel-write.js";
import type { RunContext } from "../run-context.js";
import type { TaskInput } from "./handoff-vocabulary.js";
import { dueByClock, followUpTaskKey, taskWrite } from "./task-write.js";
import { QueueTurns } from "./round-robin.js";
import type { FunnelRunState, FunnelSetup } from "./funnel-setup.js";
import { personFields } from "./funnel-setup.js";
import { personAccounts } from "./account-lookup.js";
import { crmScoreFields, crmScoreMark, crmScoreTexts } from "./crm-rescore.js";
import { dispositionReasonField } from "./reason-field.js";
import { RESTORED_CAUSE } from "../../core/funnel/restore.js";
import { byHandoffOrder } from "../../core/funnel/handoff-order.js";
import { MQL_DATE_FIELD, qualifyPage, scoreRow } from "./qualify-phase.js";
import { groupBy } from "../../core/grouping.js";
import {
  closesRecord,
  LEAD_STATUS_FIELD,
  reopenStatus,
  standsFromBeforeFirstLook,
} from "../../core/funnel/dispositions.js";
import {
  coolDownEndsAt,
  coolDownOver,
  heldByCoolDown,
  lapsedCause,
  NURTURE_STAGES,
  returnedToNurtureAt,
} from "../../core/funnel/recycle.js";
import type { Stage } from "../../core/funnel/stages.js";
import { unmetCondition } from "../../core/scoring/unmet.js";
import { LIFECYCLE_FIELD, lifecycleFor, lifecycleNeedsClear } from "../../core/funnel/lifecycle-values.js";
import { withPendingSync } from "../outbox/field-sync-write.js";
import { workedAtHandoff } from "./status-touch.js";
import { handoffOwners, type RestoredHandoff } from "./restored-owners.js";
import { type RestoredFollowUp, restoredFollowUps } from "./restored-reroutes.js";
import { type HandoffTask, handoffTasks } from "./restored-handoff-tasks.js";

/**
 * How far back an MQL still waits for its handoff, beyond the recycle cool-down: a person the cool-down
 * holds qualified up to the cool-down's length before it ends, so the look-back covers it whole and
 * leaves this much for runs that did not happen (a daemon stopped for weeks).
 */
const LOOKBACK_DAYS = 90;
/**
 * MQLs handed off a page at a time: their contacts, CRM records and accounts are read for the page and
 * forgotten once it is decided, so a first load holds one page of people, not every MQL. Large enough
 * that the reads by id still fill whole calls.
 */
export const HANDOFF_PAGE = 1_000;

interface Candidate {
  personId: string;
  crmType: string;
  crmId: string;
  /** Handed off or given a verdict before: the CRM record's status is opened again. */
  reopen: boolean;
  /** When the person became the MQL handed off now: the MQL date the CRM record shows, as marketing's does. */
  mqlAt: string;
  /**
   * The MQL was restored from the contact after the store was lost (qualify-phase.ts RESTORED_CAUSE): it
   * may have been handed off before, which its CRM record then shows.
   */
  restored: boolean;
  /**
   * The MQL came within the cool-down after a rep's recycle or unreachable verdict, so the contact still
   * shows that verdict (qualify-phase.ts): the handoff writes the contact's MQL stage, status and date.
   * Null for any other MQL.
   */
  hold: Hold | null;
}

/** What held an MQL from sales: the cool-down's end, and the held move to mql. */
interface Hold {
  until: Date;
  mql: FunnelEvent;
}

export async function handOff(ctx: RunContext, setup: FunnelSetup, state: FunnelRunState): Promise<void> {
  const candidates = await pendingHandoffs(ctx, setup);
  if (candidates.length === 0) return;
  const repEmails = routingReps(setup.routing);
  const reps = await setup.vocabulary.ownersByEmail(repEmails);
  // The routing passes by a rep no active CRM user has: right for a rep who left, silent for a misspelt
  // email, so the run says which (validate --live names where each is written).
  const inactive = repEmails.filter((email) => !reps.has(email));
  if (inactive.length > 0)
    ctx.log.warn("routing.reps_inactive", {
      reps: inactive,
      message: `no active ${ctx.crm.system} user has ${inactive.join(", ")}: the routing passes them by; \`leadloop validate --live\` says where each is named`,
    });
  const marketingOwners = setup.crmIsMarketing ? reps : await setup.marketingOwnersByEmail(repEmails);
  for (let i = 0; i < candidates.length; i += HANDOFF_PAGE) {
    const page = candidates.slice(i, i + HANDOFF_PAGE);
    const handedOff = await handOffPage(ctx, setup, state, page, reps, marketingOwners);
    // Decided: history skips people handed off, and no later phase reads them from the run's memory.
    for (const id of handedOff) forget(state, id);
    if (ctx.signal?.aborted) return;
  }
}

/**
 * The error queue's operation of a handoff no rep could be found for (core `settledBySync`): not
 * `handoff`, the operation of a refused handoff write, whose open entry on the same record it would join.
 */
const UNROUTABLE_OPERATION = "routing";

/**
 * An MQL the routing gives to no active rep (no rule matched and the fallback is no active user): the
 * handoff phase's refusal, in the error queue for the admin (class `config`), open until a run hands the
 * person off; each run that finds them still unroutable counts another attempt.
 */
function unroutableEntry(ctx: RunContext, c: Candidate, email: string | null, why: string): NewQueuedError {
  return {
    runId: ctx.runId,
    system: ctx.crm.system,
    object: c.crmType,
    recordId: c.crmId,
    operation: UNROUTABLE_OPERATION,
    payload: { personId: c.personId, email },
    errorClass: "config",
    message:
      `no active rep to hand ${email ?? `person ${c.personId}`} to: ${why}; fix the routing file (its fallback) or ` +
      `the CRM user, and the next sync hands them off (\`leadloop route --explain${email ? ` ${email}` : ""}\` shows each rule)`,
    at: ctx.until,
  };
}

/** The open unroutable-handoff entries of these candidates' records. */
async function unroutableEntries(ctx: RunContext, candidates: readonly Candidate[]): Promise<QueuedError[]> {
  if (candidates.length === 0) return [];
  const open = await ctx.store.listErrors({ status: "open", system: ctx.crm.system, recordIds: candidates.map((c) => c.crmId) });
  return open.filter((e) => e.operation === UNROUTABLE_OPERATION);
}

/** Hands off one page of candidates; returns the people whose handoff was decided. */
async function handOffPage(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  candidates: Candidate[],
  reps: Map<string, string>,
  marketingOwners: Map<string, string>,
): Promise<string[]> {
  // Scored again from the contacts as they are now: the contact sync may have changed them since
  // qualification read them (a name's case, a country's spelling; its writes wait in the outbox, and are
  // laid over the qualification's read), and a run resumed after a crash reads them only as they are now;
  // the rep sees the same reasons either way.
  const people = await ensureScored(
    ctx,
    setup,
    state,
    candidates.map((c) => c.personId),
    "now",
  );
  const crmRecords = await readCrmRecords(ctx, setup, candidates);
  const accounts = await personAccounts(
    { marketing: ctx.marketing, crm: ctx.crm, store: ctx.store, setup },
    candidates.flatMap((c) => {
      const fields = people.get(c.personId);
      return fields ? [{ personId: c.personId, crmType: c.crmType, crmId: c.crmId, fields }] : [];
    }),
    // Scoring the page just read its people's companies, domains included: no second read of them.
    state.companies,
  );
  const verdicts = await verdictsUnread(ctx, setup, crmRecords, candidates);

  // The page's handoffs go to the store in one commit: nothing is sent before the run's drain, so a
  // crash before it leaves every one of them undecided (found again by the next run, with nothing in
  // the outbox or a system), and a crash after it leaves every one decided, each once. A commit per
  // handoff was a third of the phase's CPU (README, leadloop's own CPU per run). The round-robin turns
  // the page takes go with it.
  const decided: (DecidedHandoff & { personId: string })[] = [];
  const unroutable: NewQueuedError[] = [];
  const lapsed: FunnelEvent[] = [];
  const turns = new QueueTurns();
  const restored = restoredHandoffs(setup, candidates, crmRecords);
  const restoredOwners = await handoffOwners(ctx, setup, restored);
  // A restored MQL whose record shows no handoff may have been handed off all the same: its task says so.
  const shown = new Set(restored.map((r) => r.personId));
  const tasks = await handoffTasks(ctx, setup, candidates.filter((c) => c.restored && crmRecords.has(c.crmId) && !shown.has(c.personId)));
  // Each restored handoff's clock, then the breaches and reroutes that followed it (restored-reroutes.ts).
  const handoffClocks = new Map(
    candidates.flatMap((c) => {
      const crmRecord = crmRecords.get(c.crmId);
      const task = tasks.get(c.personId);
      if (!c.restored || !crmRecord || !(shown.has(c.personId) || task)) return [];
      const handedTo = task ? task.ownerId : restoredOwners.get(c.crmId);
      return [[c.personId, handoffClock(setup, c, crmRecord, reps, { handedTo, task })] as const];
    }),
  );
  const followUps = await restoredFollowUps(ctx, setup, [...handoffClocks.values()]);
  for (const c of candidates) {
    if (ctx.signal?.aborted) break; // each handoff is decided whole; the rest wait for the next run
    const person = people.get(c.personId);
    const score = state.scores.get(c.personId);
    const crmRecord = crmRecords.get(c.crmId);
    if (!person || !score || !crmRecord) continue;
    const handoff = handoffClocks.get(c.personId);
    const followUp = followUps.get(c.personId);
    if (handoff && followUp) {
      decided.push({ personId: c.personId, ...restoreClock(ctx, setup, c, person, score, reps, handoff, followUp, tasks.get(c.personId)) });
      continue;
    }
    // Held from a nurture stage (the qualification held it: the contact kept the verdict), she goes back there.
    if (c.hold && !score.qualified && NURTURE_STAGES.has(c.hold.mql.fromStage as Stage)) {
      lapsed.push(lapse(ctx, setup, c.hold, score));
      continue;
    }
    const verdict = verdicts.get(c.crmId);
    if (verdict !== undefined) {
      // The rep closed the record before leadloop read it: this run's dispositions phase takes the verdict,
      // and no rep is alerted to a record already closed.
      ctx.log.debug("handoff.verdict_unread", { personId: c.personId, crmId: c.crmId, status: verdict });
      continue;
    }
    const ownerEmail = setup.vocabulary.ownerEmailField
      ? crmRecord.fields[setup.vocabulary.ownerEmailField]
      : null;
    const decision = planRoute(
      routablePerson(person),
      {
        account: accounts.get(c.personId) ?? null,
        recordOwnerEmail: ownerEmail?.toLowerCase() ?? null,
        activeReps: new Set(reps.keys()),
      },
      setup.routing,
    );
    if (decision.kind === "unroutable") {
      unroutable.push(unroutableEntry(ctx, c, person.email ?? null, decision.message));
      ctx.log.warn("handoff.unroutable", { personId: c.personId, detail: decision.message });
      continue;
    }
    const assignment = await turns.assign(ctx, setup, decision, reps);
    const ownerId = reps.get(assignment.rep) ?? null;
    decided.push({
      personId: c.personId,
      ...handOffOne(ctx, setup, state, c, person, crmRecord, score, { ...assignment, ownerId }, marketingOwners.get(assignment.rep) ?? null),
    });
  }
  if (decided.length === 0 && unroutable.length === 0 && lapsed.length === 0) return [];
  // A person handed off now settles the entry an earlier run's unroutable handoff left open.
  const handedOff = new Set(decided.map((d) => d.personId));
  const settled = decided.length === 0 ? [] : await unroutableEntries(ctx, candidates.filter((c) => handedOff.has(c.personId)));
  await decide(
    ctx,
    joinDecisions([
      ...decided.map((d) => d.decision),
      { roundRobinTurns: turns.kept(), errors: unroutable, resolvedErrors: settled.map((e) => e.id), funnelEvents: lapsed },
    ]),
  );
  for (const d of decided) d.logged();
  for (const e of lapsed) ctx.log.debug("handoff.hold_lapsed", { personId: e.personId, cause: e.cause });
  return decided.map((d) => d.personId);
}

/**
 * A held MQL who no longer qualifies when the hold ends, scored as of this run: sales is given no one who
 * is not an MQL by the shared definition when she reaches them. She goes back to the nurture stage she was
 * held in, where her contact and CRM record have shown the rep's verdict all along, so nothing is written;
 * her next MQL comes by the qualification's usual path (README "Recycle and trash").
 */
function lapse(ctx: RunContext, setup: FunnelSetup, hold: Hold, score: PersonScore): FunnelEvent {
  return {
    ...hold.mql,
    fromStage: "mql",
    toStage: hold.mql.fromStage!,
    at: ctx.now().toISOString(),
    cause: lapsedCause(hold.until, unmetCondition(score, setup.qualification.definition.thresholds)),
    runId: ctx.runId,
    ownerId: null,
    amount: null,
  };
}

/** One person's handoff as decided, and its log line, said once the page's commit has kept it. */
interface DecidedHandoff {
  decision: Decision;
  logged: () => void;
}

export function forget(state: FunnelRunState, personId: string): void {
  state.scores.delete(personId);
  state.people.delete(personId);
  state.activities.delete(personId);
}

/**
 * MQLs handed to no one yet: their latest stage is mql, they have a CRM record, no SLA clock, and no
 * handoff still in the outbox.
 */
async function pendingHandoffs(ctx: RunContext, setup: FunnelSetup): Promise<Candidate[]> {
  const lookbackDays = LOOKBACK_DAYS + setup.qualification.definition.recycle.coolDownDays;
  const since = new Date(ctx.now().getTime() - lookbackDays * 86_400_000).toISOString();
  // Each MQL's latest move, not every event of the period (ARCHITECTURE.md "Memory at scale"), in the
  // order they take a queue's turns: the store's is the order a search or listing answered in.
  const mqlAt = new Map((await ctx.store.mqlsSince(since)).sort(byHandoffOrder).map((m) => [m.personId, m.mqlAt]));
  const now = ctx.now();
  const mqls = [...mqlAt.keys()];
  if (mqls.length === 0) return [];
  const stages = await ctx.store.currentStages(mqls);
  // A clock from a handoff before the person's latest MQL belongs to an earlier round (they were
  // recycled since): the new MQL is handed off again.
  const handedOffAt = new Map(
    (await ctx.store.listSlaClocks({ personIds: mqls })).map((c) => [c.personId, c.handoffAt]),
  );
  const inOutbox = await ctx.store.openOutboxGroups();
  const open: { id: string; reopen: boolean; restored: boolean; hold: Hold | null }[] = [];
  for (const id of mqls) {
    if (stages.get(id) !== "mql" || inOutbox.has(handoffGroup(id))) continue;
    const clockAt = handedOffAt.get(id);
    if (clockAt !== undefined && clockAt >= mqlAt.get(id)!) continue;
    const events = await ctx.store.listFunnelEvents({ personId: id });
    const verdictAt = returnedToNurtureAt(events);
    if (!coolDownOver(verdictAt, now, setup.qualification.definition.recycle)) {
      ctx.log.debug("handoff.cooling_down", {
        personId: id,
        until: coolDownEndsAt(verdictAt!, setup.qualification.definition.recycle).toISOString(),
      });
      continue;
    }
    const latestMql = events.filter((e) => e.toStage === "mql").reduce<(typeof events)[number] | null>(
      (latest, e) => (latest === null || e.at >= latest.at ? e : latest),
      null,
    );
    const restored = latestMql?.cause.startsWith(RESTORED_CAUSE) ?? false;
    const until = heldByCoolDown(events, clockAt ?? null, setup.qualification.definition.recycle);
    const hold = until !== null && latestMql !== null ? { until, mql: latestMql } : null;
    open.push({ id, reopen: verdictAt !== null || clockAt !== undefined, restored, hold });
  }
  const reopen = new Set(open.filter((o) => o.reopen).map((o) => o.id));
  const restored = new Set(open.filter((o) => o.restored).map((o) => o.id));
  const holds = new Map(open.map((o) => [o.id, o.hold]));
  if (setup.crmIsMarketing)
    return open.map(({ id }) => ({
      personId: id,
      crmType: "contacts",
      crmId: id,
      reopen: reopen.has(id),
      mqlAt: mqlAt.get(id)!,
      restored: restored.has(id),
      hold: holds.get(id) ?? null,
    }));
  const links = await ctx.store.findLinksByMarketingIds(
    "contact",
    open.map((o) => o.id),
  );
  return open
    .map(({ id }) => links.get(id))
    .filter((l): l is Link => l !== undefined)
    .map((l) => ({
      personId: l.marketingId,
      crmType: l.crmType,
      crmId: l.crmId,
      reopen: reopen.has(l.marketingId),
      mqlAt: mqlAt.get(l.marketingId)!,
      restored: restored.has(l.marketingId),
      hold: holds.get(l.marketingId) ?? null,
    }));
}

/**
 * The CRM record already carries this MQL's handoff: its MQL date is the person's, to the second
 * (Salesforce keeps seconds), and someone owns it. On a Lead or Contact only the handoff writes the MQL
 * date. With HubSpot as CRM the qualification writes the same property, so the owner is the remaining
 * sign; the qualification's write reaches the contact only with the drain after the handoff's decision,
 * so a dated contact whose store was lost was handed off in all but a run stopped between the two. The
 * drain sends the handoff's tasks before this record write (drain.ts `takeUpdates`), so they are there too.
 */
export function carriesHandoff(setup: FunnelSetup, crmRecord: SourceRecord, mqlAt: string): boolean {
  const field = setup.vocabulary.fields.mqlDate;
  if (!field || !crmRecord.fields[setup.vocabulary.ownerField]) return false;
  const shown = instantOf(crmRecord.fields[field]);
  return shown !== null && shown.slice(0, 19) === instantOf(mqlAt)?.slice(0, 19);
}

/** The candidates whose CRM record carries their restored MQL's handoff already (restoreClock's). */
function restoredHandoffs(
  setup: FunnelSetup,
  candidates: readonly Candidate[],
  crmRecords: ReadonlyMap<string, SourceRecord>,
): (RestoredHandoff & { personId: string })[] {
  return candidates.flatMap((c) => {
    const record = crmRecords.get(c.crmId);
    return c.restored && record && carriesHandoff(setup, record, c.mqlAt) ? [{ record, personId: c.personId, handoffAt: c.mqlAt }] : [];
  });
}

/**
 * A restored handoff's clock, as the handoff started it: its rep (`handedTo`, from the owner history or the
 * "New MQL" task; else the record's owner now) and that rep's email, handed off at the MQL date or the
 * task's creation, due by the SLA from then.
 */
function handoffClock(
  setup: FunnelSetup,
  c: Candidate,
  crmRecord: SourceRecord,
  reps: Map<string, string>,
  { handedTo, task }: { handedTo: string | null | undefined; task: HandoffTask | undefined },
): { clock: SlaClock; ownerEmail: string | null } {
  const v = setup.vocabulary;
  const current = crmRecord.fields[v.ownerField] ?? null;
  const ownerId = handedTo === undefined ? current : handedTo;
  const ownerEmail =
    (v.ownerEmailField && ownerId === current ? crmRecord.fields[v.ownerEmailField]?.toLowerCase() : undefined) ??
    [...reps].find(([, id]) => id === ownerId)?.[0] ??
    null;
  const handoffAt = task?.handoffAt ?? c.mqlAt;
  return { clock: startedClock({ personId: c.personId, crmType: c.crmType, crmId: c.crmId, ownerId }, handoffAt, setup.sla), ownerEmail };
}

/**
 * An MQL handed off before the store was lost: its follow-up clock comes back as the handoff made it
 * (`handoffClock`), breached when the breach's alert task is in the CRM, and replaced by the clock of each
 * reroute that followed it, the person's kept owner the last one's (`followUp`: restored-reroutes.ts), and
 * nothing is written: the record, its tasks and its owner are already the handoff's and the reroutes'. A rep who gave the record away
 * since moves an unbreached clock as in a run without the loss (sla-phase.ts `followCrmOwners`); a breached
 * one stays with its rep, as it would have.
 * A handoff the record does not show, found by its "New MQL" task (`task`: restored-handoff-tasks.ts), comes
 * back as the task shows it (its owner, handed off at its creation), and the record's write it still owes
 * (the owner and MQL date) is decided again: sent, or refused and queued again while its rep stays
 * deactivated, as the lost queue held it (README "Leads of a rep who left": no other rep is given it).
 * Not counted as a handoff, and the routing takes no turn for it.
 */
function restoreClock(
  ctx: RunContext,
  setup: FunnelSetup,
  c: Candidate,
  person: FieldValues,
  score: PersonScore,
  reps: Map<string, string>,
  { clock, ownerEmail }: { clock: SlaClock; ownerEmail: string | null },
  followUp: RestoredFollowUp,
  task: HandoffTask | undefined,
): DecidedHandoff {
  const { ownerId, handoffAt } = clock;
  const running = followUp.clocks.at(-1) ?? clock;
  const keptOwner = running === clock ? ownerEmail : (followUp.ownerEmail ?? [...reps].find(([, id]) => id === running.ownerId)?.[0] ?? null);
  const decision: Decision = {
    slaClocks: followUp.clocks,
    ...(followUp.breaches.length > 0 ? { slaBreaches: followUp.breaches } : {}),
    personScores: [scoreRow(c.personId, person, score, keptOwner, ctx.now().toISOString())],
    ...(task ? { outbox: [owedRecordWrite(ctx, setup, c, person, ownerId, ownerEmail)] } : {}),
    // The record keeps what the handoff wrote, which the lost store no longer knows: re-scores write it
    // again once the score moves (the texts unknown, a summary alone does not).
    ...(setup.crmIsMarketing
      ? {}
      : { crmScoreMarks: [crmScoreMark(c.personId, c, "handoff", score, null, ctx.now().toISOString())] }),
  };
  return {
    decision,
    logged: () =>
      ctx.log.debug("handoff.restored", { personId: c.personId, crmId: c.crmId, ownerId, handoffAt, fromTask: task !== undefined }),
  };
}

/**
 * The handoff's record write a restored handoff found by its task still owes: the owner and MQL date,
 * the handoff's trace on the record (`carriesHandoff`), under the key the handoff's own had. The score
 * fields come with the re-scores (the restore's score mark); the status a rep may have set since stays.
 */
function owedRecordWrite(
  ctx: RunContext,
  setup: FunnelSetup,
  c: Candidate,
  person: FieldValues,
  ownerId: string | null,
  ownerEmail: string | null,
): OutboxWrite {
  const v = setup.vocabulary;
  const fields: FieldValues = {};
  if (ownerId) fields[v.ownerField] = ownerId;
  if (v.fields.mqlDate) fields[v.fields.mqlDate] = c.mqlAt;
  return funnelWrite(ctx, {
    key: handoffRecordKey(c.personId),
    phase: "handoff",
    rule: `handoff to ${ownerEmail ?? ownerId ?? "the integration user"}, restored from its task`,
    personId: c.personId,
    email: person.email ?? null,
    side: "crm",
    object: c.crmType,
    recordId: c.crmId,
    fields,
  });
}

/** People scored earlier in this run (and still held) are reused; the others are read and scored now. */
export async function ensureScored(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  ids: string[],
  /** "now": score everyone again from their current values; "reuse": only those not scored this run. */
  mode: "reuse" | "now" = "reuse",
): Promise<Map<string, FieldValues>> {
  await decide(ctx, await scoredDecision(ctx, setup, state, ids, mode));
  return state.people;
}

/**
 * What scoring those of `ids` not scored this run (every one for "now") decides, for the caller to
 * commit, with their scores held in `state`; `marking`: qualifyPage's, people whose CRM record the
 * caller marks with that score in the same commit.
 */
export async function scoredDecision(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  ids: string[],
  mode: "reuse" | "now" = "reuse",
  marking?: ReadonlySet<string>,
): Promise<Decision> {
  const missing = mode === "now" ? ids : ids.filter((id) => !state.scores.has(id));
  if (missing.length === 0) return {};
  // The qualification's read of a contact, with the field sync's pending writes over it, is the
  // contact as it is now, as a read now would give it: only contacts it did not hold are read.
  const held = missing.flatMap((id) => state.read.get(id) ?? []);
  const unread = missing.filter((id) => !state.read.has(id));
  const read = unread.length > 0 ? await ctx.marketing.readByIds("contacts", unread, personFields(setup)) : [];
  const records = await withPendingSync(ctx, "marketing", [...held, ...read]);
  return qualifyPage(ctx, setup, state, records, "all", undefined, undefined, marking);
}

/**
 * The candidates' CRM records: their owner, MQL date, and on the status object their lead status and the
 * reason a rep typed beside it.
 */
async function readCrmRecords(
  ctx: RunContext,
  setup: FunnelSetup,
  candidates: Candidate[],
): Promise<Map<string, SourceRecord>> {
  const v = setup.vocabulary;
  const byType = groupBy(candidates, (c) => c.crmType);
  const out = new Map<string, SourceRecord>();
  // Where the org lacks the reason field, the record shows none, and a second handoff has none to blank.
  const reasonField = byType.has(v.status.object) ? await dispositionReasonField(ctx, setup) : null;
  for (const [type, group] of byType) {
    const fields = [
      v.ownerField,
      ...(v.ownerEmailField ? [v.ownerEmailField] : []),
      ...(type === v.status.object ? [v.status.field, ...(reasonField ? [reasonField] : [])] : []),
      // Whether the record carries this MQL's handoff already (a store lost since: carriesHandoff).
      ...(v.fields.mqlDate ? [v.fields.mqlDate] : []),
    ];
    for (const r of await ctx.crm.readByIds(
      type,
      group.map((c) => c.crmId),
      fields,
    ))
      out.set(r.id, r);
  }
  return out;
}

/**
 * The records (by CRM id) whose lead status is a verdict that moves a stage and that leadloop has not
 * read yet: a rep closed them since the dispositions phase last looked, which reads them later in the
 * same run (ARCHITECTURE.md "One run"). A verdict leadloop has read already is an earlier round's, and
 * one on a record it never read, of a person never handed off, the record's standing from before
 * leadloop's first look (core `standsFromBeforeFirstLook`): the handoff opens the record again for both.
 */
async function verdictsUnread(
  ctx: RunContext,
  setup: FunnelSetup,
  crmRecords: ReadonlyMap<string, SourceRecord>,
  candidates: readonly Candidate[],
): Promise<Map<string, string>> {
  const { object, field } = setup.vocabulary.status;
  const closed = new Map<string, string>();
  for (const r of crmRecords.values()) {
    const status = r.object === object ? (r.fields[field] ?? null) : null;
    if (closesRecord(status, setup.qualification.definition, ctx.crm.system)) closed.set(r.id, status!);
  }
  if (closed.size === 0) return closed;
  const seen = await ctx.store.leadStatusesSeen([...closed.keys()]);
  const byRecord = new Map(candidates.map((c) => [c.crmId, c]));
  for (const [id, status] of closed) {
    const before = seen.get(id);
    const c = byRecord.get(id);
    // A candidate not `reopen` was never handed off; `restored`, it may have been before the store was lost.
    const history = c !== undefined && standsFromBeforeFirstLook({ seenBefore: before !== undefined, handedOff: c.reopen, restored: c.restored });
    if (before?.status === status || history) closed.delete(id);
  }
  return closed;
}

function handOffOne(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  c: Candidate,
  person: FieldValues,
  crmRecord: SourceRecord,
  score: PersonScore,
  route: { rep: string; ruleId: string; explanation: string; ownerId: string | null },
  marketingOwnerId: string | null,
): DecidedHandoff {
  const now = ctx.now();
  const v = setup.vocabulary;
  const activities = state.activities.get(c.personId) ?? [];
  const texts = crmScoreTexts(score, activities, now);
  const recordFields: FieldValues = { ...v.fields.extra };
  const set = (name: string | null, value: string | null) => {
    if (name) recordFields[name] = value;
  };
  if (route.ownerId) recordFields[v.ownerField] = route.ownerId;
  Object.assign(recordFields, crmScoreFields(setup, score, texts));
  // A held MQL becomes one now, as sales gets it: dated by the handoff on the contact, the record and in
  // the funnel (ARCHITECTURE.md, the recycle cool-down), where it had the day the person qualified.
  const mqlDate = c.hold ? now.toISOString() : c.mqlAt;
  set(v.fields.mqlDate, mqlDate);
  // A second handoff opens the record again, so the rep's next verdict is a change leadloop reads; so does
  // a first one given a record closed before leadloop's first look (verdictsUnread), not a closed lead.
  // A rep who worked the record before it reached them (ARCHITECTURE.md "The follow-up SLA", touches): their
  // status stands, the clock starts touched and the follow-up task is written done.
  const workedAt = workedAtHandoff(crmRecord, v.status, setup.qualification.definition, ctx.crm.system, now.toISOString());
  const opens =
    workedAt === null &&
    c.crmType === v.status.object &&
    (c.reopen || closesRecord(crmRecord.fields[v.status.field], setup.qualification.definition, ctx.crm.system));
  const reopened = opens ? reopenStatus(setup.qualification.definition, ctx.crm.system) : null;
  if (reopened) recordFields[v.status.field] = reopened;
  // It opens clean: the last verdict's reason, left beside the open status, would be read as the rep's
  // words for the next verdict (a requalify blanks it the same way).
  const reasonField = v.fields.dispositionReason;
  if (opens && reasonField && crmRecord.fields[reasonField]?.trim())
    recordFields[reasonField] = null;
  // The contact the cool-down held at the rep's verdict becomes an MQL now, as sales gets it.
  const heldFields: FieldValues = c.hold
    ? { leadloop_status: "mql", [LIFECYCLE_FIELD]: lifecycleFor("mql"), [MQL_DATE_FIELD]: mqlDate }
    : {};
  if (setup.crmIsMarketing) Object.assign(recordFields, heldFields);
  // A status the record shows already (a requalify opened it again) is not written twice.
  if (c.crmType === v.status.object && (workedAt !== null || recordFields[v.status.field] === crmRecord.fields[v.status.field]))
    delete recordFields[v.status.field];

  const dueAt = slaDueAt(now, setup.sla);
  const group = handoffGroup(c.personId);
  const rule = `handoff to ${route.rep} by ${route.ruleId}`;
  // Every write of the handoff: one phase, rule, person and group.
  const handoffWrite = (
    input: Pick<FunnelWriteInput, "key" | "side" | "object" | "recordId" | "fields"> &
      Partial<FunnelWriteInput>,
  ): OutboxWrite =>
    funnelWrite(ctx, { phase: "handoff", rule, personId: c.personId, email: person.email ?? null, group, ...input });
  const task = (input: TaskInput, due?: OutboxWrite["due"]): OutboxWrite =>
    handoffWrite({ ...taskWrite(v, input, c), ...(due ? { due } : {}) });
  const name = [person.firstname, person.lastname].filter(Boolean).join(" ") || (person.email ?? c.personId);
  // The tasks are decided before the record write, so the drain, which reads the outbox in decision order
  // a page at a time, holds them before it: a record write whose group's tasks are still to be sent waits
  // for them (drain.ts `takeUpdates`), and a page boundary between the two cannot send it first.
  const writes: OutboxWrite[] = [
    task({
      subject: `New MQL: follow up within ${setup.sla.followUpLabel}`,
      body: `${name} qualified with ${score.total} points (fit ${score.fit}, behaviour ${score.behaviour}).\n\nWhy:\n${texts.reasons}\n\n${routedByText(route)}`,
      whoId: c.crmId,
      whoObject: c.crmType,
      ownerId: route.ownerId,
      at: dueAt,
      completed: workedAt !== null,
      key: followUpTaskKey(c.personId, mqlDate.slice(0, 10)),
      // Done, it is due by no clock: a later run's drain (late-clocks.ts) would give it a reminder again.
    }, workedAt === null ? dueByClock(v, group) : undefined),
    ...significantActivities(activities, setup.qualification, now).map((s) =>
      task({
        subject: `${s.description}: ${s.title}${s.repeats > 1 ? ` (${s.repeats} times since ${s.firstAt.slice(0, 10)})` : ""}`,
        body: activityTaskBody(s, setup.qualification.definition.activityProperties),
        whoId: c.crmId,
        whoObject: c.crmType,
        ownerId: route.ownerId,
        at: s.activity.occurredAt,
        completed: true,
        key: `leadloop:activity:${s.key}`,
      }),
    ),
    // What it read of the record guards it: sent again after someone decided there, it is stale (stale-writes.ts).
    handoffWrite({ key: handoffRecordKey(c.personId), side: "crm", object: c.crmType, recordId: c.crmId, fields: recordFields, before: crmRecord.fields, beforeRead: true }),
  ];
  // The contact gets its owner, and, when the handoff opened the lead again, the open status too, in the
  // same group: the marketer sees it now, and the next run finds both sides agreeing instead of carrying
  // the Lead's reopened status over one run late.
  const contactFields: FieldValues = { ...heldFields };
  if (marketingOwnerId) contactFields.hubspot_owner_id = marketingOwnerId;
  const reopenedInMarketing = reopened
    ? reopenStatus(setup.qualification.definition, ctx.marketing.system)
    : null;
  if (reopenedInMarketing && person[LEAD_STATUS_FIELD] !== reopenedInMarketing)
    contactFields[LEAD_STATUS_FIELD] = reopenedInMarketing;
  if (!setup.crmIsMarketing && Object.keys(contactFields).length > 0)
    writes.push(
      handoffWrite({
        key: `${group}:owner`,
        side: "marketing",
        object: "contacts",
        recordId: c.personId,
        fields: contactFields,
        // A contact a marketer parked at a later stage takes MQL only after a clear (as the qualification's).
        clearFirst:
          contactFields[LIFECYCLE_FIELD] && lifecycleNeedsClear(person[LIFECYCLE_FIELD], contactFields[LIFECYCLE_FIELD])
            ? [LIFECYCLE_FIELD]
            : [],
      }),
    );

  const decision: Decision = {
    outboxGroups: [
      {
        group,
        onDone: {
          slaClock: {
            personId: c.personId,
            crmType: c.crmType,
            crmId: c.crmId,
            ownerId: route.ownerId,
            handoffAt: now.toISOString(),
            dueAt,
            firstTouchAt: workedAt,
            touches: workedAt === null ? 0 : 1,
            breachedAt: null,
          },
          // Sent by a later run's drain, the clock starts then, due by these terms (late-clocks.ts).
          slaTerms: slaTerms(setup.sla),
          crmSystem: ctx.crm.system,
          personScores: [scoreRow(c.personId, person, score, route.rep, now.toISOString())],
        },
      },
    ],
    outbox: writes,
    ...(c.hold ? { heldMqlsHandedOff: [{ personId: c.personId, at: mqlDate }] } : {}),
    // What the record carries from now on, for the qualification's later re-scores (crm-rescore.ts): kept
    // with the decision, since the record's write waits in the outbox until it is accepted.
    ...(setup.crmIsMarketing
      ? {}
      : { crmScoreMarks: [crmScoreMark(c.personId, c, "handoff", score, texts, now.toISOString())] }),
  };
  return {
    decision,
    logged: () =>
      ctx.log.debug("person.handoff_decided", {
        personId: c.personId,
        crmId: c.crmId,
        rep: route.rep,
        rule: route.ruleId,
        writes: writes.length,
      }),
  };
}
