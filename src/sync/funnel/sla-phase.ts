// The follow-up SLA, after the dispositions: calls, emails, meetings and tasks a rep logged on a handed-off
// person count as touches on its clock, and clocks past their due time are raised as breaches once, with
// what sla.yaml's onBreach asks: an alert task for the owner, their manager or the queue, and a reroute
// to the next rep who has not held the lead yet, with a new clock (ARCHITECTURE.md "One run", "The
// follow-up SLA").
import type { FieldValues, SourceRecord } from "../../core/records.js";
import { routablePerson, routedByText, routingReps } from "../../core/routing/index.js";
import { breachesToRaise, planReroute, type SlaBreach, slaDueAt, slaTerms } from "../../core/sla/index.js";
import type {
  OutboxGroupEffect,
  OutboxWrite,
  PersonScoreRow,
  SlaClock,
  SlaReassignment,
  SlaTouch,
} from "../../store/port.js";
import { readChangeGroups } from "../change-groups.js";
import type { KeepFor } from "../kept-reads.js";
import { type Decision, decide } from "../outbox/decide.js";
import { type FunnelWriteInput, funnelWrite } from "../outbox/funnel-write.js";
import { type RunContext, signpostAfterOwnWrites } from "../run-context.js";
import type { TaskInput } from "./handoff-vocabulary.js";
import { dueByClock, followUpTaskKey, taskWrite } from "./task-write.js";
import { type FollowUpTask, heldFollowUps, openTasks } from "./follow-up-tasks.js";
import { handoffRecordWrites, withFollowUpsDone } from "./follow-up-done.js";
import { QueueTurns } from "./round-robin.js";
import { type FunnelSetup, PERSON_FIELDS } from "./funnel-setup.js";
import { followedUp } from "./sla-list.js";
import { taskOwner } from "./task-owner.js";
import { breachRow, breachTaskKey, missedText } from "./restored-breaches.js";

export async function followUpSla(ctx: RunContext, setup: FunnelSetup): Promise<void> {
  // Read up to now, like the dispositions: the tasks this run wrote are past the signpost.
  const phaseStart = ctx.now().toISOString();
  // Before the touches: a call the new owner logged counts on the clock once it is theirs.
  await followOwnersBeyondStatusObject(ctx, setup);
  await countLoggedTouches(ctx, setup, phaseStart);
  await raiseBreaches(ctx, setup);
}

/**
 * Clocks on a CRM record other than the status object (a Salesforce Contact: a person the org knew as a
 * Contact, handed off there) follow its owner as a Lead's do (`followCrmOwners`), from a change read of
 * their own (`<object>#owners`, the owner fields only), while such a clock is open: an org without one
 * reads nothing. The read starts no earlier than the earliest open clock's handoff (an owner changed
 * before it was the handoff's own), however long ago the stream last read; the opening probe answers an
 * idle run's window, as for every stream of the object.
 */
async function followOwnersBeyondStatusObject(ctx: RunContext, setup: FunnelSetup): Promise<void> {
  for (const [object, earliest] of await ownerObjects(ctx, setup)) {
    const cursorObject = ownersCursor(object);
    const cursor = await ctx.store.getCursor(ctx.crm.system, cursorObject);
    if (cursor && Date.parse(cursor.value) < Date.parse(earliest))
      await ctx.store.commitBatch({
        runId: ctx.runId,
        at: ctx.now().toISOString(),
        cursors: [{ system: ctx.crm.system, object: cursorObject, value: earliest, lastId: null }],
      });
    const read = {
      system: ctx.crm,
      object,
      fields: ownerFieldsOf(setup),
      cursorObject,
      startWhenNew: earliest,
      // Up to now, like the dispositions: a record this run wrote has moved past the signpost.
      until: signpostAfterOwnWrites(ctx, ctx.crm, object),
    };
    await readChangeGroups(ctx, read, async (page) => {
      const decision = await followCrmOwners(ctx, setup, page.records, await clocksOf(ctx, page.records));
      await decide(ctx, { ...decision, cursors: [page.cursor] });
    });
  }
}

/** CRM objects other than the status object with an open clock, and each one's earliest handoff. */
async function ownerObjects(ctx: RunContext, setup: FunnelSetup): Promise<[string, string][]> {
  const statusObject = setup.vocabulary.status.object;
  return [...(await ctx.store.openSlaClockObjects())].filter(([object]) => object !== statusObject);
}

function ownersCursor(object: string): string {
  return `${object}#owners`;
}

/**
 * The owner streams this run's SLA phase reads (`followOwnersBeyondStatusObject`), for the pairs that
 * read the same objects earlier in the run to keep their pages for (change-groups.ts `keepFor`).
 */
export async function ownersStreams(ctx: RunContext, setup: FunnelSetup): Promise<{ object: string; keepFor: KeepFor }[]> {
  if (setup.crmIsMarketing) return [];
  return (await ownerObjects(ctx, setup)).map(([object]) => ({
    object,
    keepFor: { cursorObject: ownersCursor(object), fields: ownerFieldsOf(setup) },
  }));
}

/** The follow-up clocks of these records, by CRM id: a page's only (ARCHITECTURE.md "Memory at scale"). */
export async function clocksOf(ctx: RunContext, records: readonly SourceRecord[]): Promise<Map<string, SlaClock>> {
  return new Map((await ctx.store.listSlaClocks({ crmIds: records.map((r) => r.id) })).map((c) => [c.crmId, c]));
}

/** Clocks are walked this many at a time, so the run never holds every clock (ARCHITECTURE.md "Memory at scale"). */
export const SLA_CLOCK_PAGE = 1_000;

/**
 * Of these people, those whose handoff's record write (its owner) is still in the outbox, waiting or
 * refused: a clock a lost store's rebuild brought back from the handoff's task (restored-handoff-tasks.ts)
 * before the record got its owner. The owner the record shows is no one's reassignment then.
 */
async function handoffOwnersUnwritten(ctx: RunContext, personIds: readonly string[]): Promise<Set<string>> {
  return new Set((await handoffRecordWrites(ctx, personIds)).flatMap((e) => e.personId ?? []));
}

/**
 * The CRM record's owner is the truth after the handoff: a manager who gives the lead to another rep in the
 * CRM (Salesforce `OwnerId`, HubSpot `hubspot_owner_id`) moves the clock to that rep. An owner change
 * changes the record, so the dispositions' read of the status object brings it with the owner fields
 * (`ownerFieldsOf`): this decides, for those records, the clocks still owed whose owner differs, in the
 * same commit as that read's cursor, and costs no read of its own (an idle run reads nothing). leadloop's
 * own reroutes start a new clock with the owner they write, so they never differ. The clock keeps its
 * handoff and due time; the HubSpot contact's owner follows in Salesforce mode, the kept owner of `hot`
 * and `sla` follows, and the previous owner's open follow-up tasks go to the new rep, as a reroute's do
 * (ARCHITECTURE.md "The follow-up SLA").
 */
export async function followCrmOwners(
  ctx: RunContext,
  setup: FunnelSetup,
  records: readonly SourceRecord[],
  /** The records' clocks, by CRM id (the page read them for its dispositions). */
  clocks: ReadonlyMap<string, SlaClock>,
): Promise<Decision> {
  const v = setup.vocabulary;
  // A record without an owner (cleared in HubSpot) names no one to follow: the clock stays.
  const differing = records.flatMap((r) => {
    const clock = clocks.get(r.id);
    const to = r.fields[v.ownerField];
    return clock && clock.breachedAt === null && to && to !== clock.ownerId ? [{ clock, to, record: r.fields }] : [];
  });
  if (differing.length === 0) return {};
  const owed = new Set(await followedUp(ctx.store, differing.map((d) => d.clock)));
  const unwritten = await handoffOwnersUnwritten(ctx, differing.map((d) => d.clock.personId));
  const moved = differing
    .filter((d) => owed.has(d.clock) && !unwritten.has(d.clock.personId))
    .map(({ clock, to, record }) => ({
      clock,
      to,
      email: (v.ownerEmailField ? record[v.ownerEmailField] : null)?.toLowerCase() ?? null,
    }));
  if (moved.length === 0) return {};
  // HubSpot as the CRM reads no owner email with the record, and the new owner may be anyone the CRM
  // lets own records, not only a rep the routing lists: the CRM's owners name theirs.
  const unnamed = [...new Set(moved.filter((m) => m.email === null).map((m) => m.to))];
  if (unnamed.length > 0) {
    const emailOf = await v.ownerEmails(unnamed);
    for (const m of moved) m.email ??= emailOf.get(m.to) ?? null;
  }
  const emails = [...new Set(moved.map((m) => m.email).filter((e): e is string => e !== null))];
  const marketingOwners = setup.crmIsMarketing || emails.length === 0 ? new Map<string, string>() : await setup.marketingOwnersByEmail(emails);
  const people = new Map((await ctx.store.listPersonScores({ personIds: moved.map((m) => m.clock.personId) })).map((p) => [p.personId, p]));
  const tasks = await openTasks(ctx, setup, moved.map((m) => m.clock));
  const at = ctx.now().toISOString();
  const reassignments: SlaReassignment[] = [];
  const writes: OutboxWrite[] = [];
  const personScores: PersonScoreRow[] = [];
  for (const { clock, to, email } of moved) {
    const person = people.get(clock.personId);
    const rule = `SLA: reassigned in the CRM to ${email ?? to}`;
    const write = (input: Pick<FunnelWriteInput, "key" | "side" | "object" | "recordId" | "fields" | "before">): OutboxWrite =>
      funnelWrite(ctx, { phase: "sla", rule, personId: clock.personId, email: person?.email ?? null, ...input });
    reassignments.push({ personId: clock.personId, handoffAt: clock.handoffAt, fromOwnerId: clock.ownerId, toOwnerId: to, toEmail: email, at, runId: ctx.runId });
    const key = `reassign:${clock.personId}:${at}`;
    // The HubSpot contact's owner follows, as the handoff writes it: the marketing owner of the rep's email.
    const marketingOwner = email ? marketingOwners.get(email) : undefined;
    if (marketingOwner)
      writes.push(write({ key: `${key}:owner`, side: "marketing", object: "contacts", recordId: clock.personId, fields: { hubspot_owner_id: marketingOwner } }));
    // The previous owner's open follow-up tasks go with the lead, as a reroute hands them on; their due
    // time stays, since the clock (and its due time) does.
    const { ownerField, object } = v.task;
    for (const t of heldFollowUps(tasks, clock))
      writes.push(write({ key: `${key}:task:${t.id}`, side: "crm", object, recordId: t.id, fields: { [ownerField]: to }, before: { [ownerField]: t.ownerId } }));
    if (person && email) personScores.push({ ...person, ownerEmail: email });
    ctx.log.info("sla.reassigned", { personId: clock.personId, crmId: clock.crmId, from: clock.ownerId, to });
  }
  return { slaReassignments: reassignments, outbox: writes, personScores };
}

/** The fields the dispositions' read asks for, so it brings each record's owner (`followCrmOwners`). */
export function ownerFieldsOf(setup: FunnelSetup): string[] {
  const v = setup.vocabulary;
  return [v.ownerField, ...(v.ownerEmailField ? [v.ownerEmailField] : [])];
}

/**
 * A rep's logged activity on a handed-off person is a touch when the person's owner logged it, after the
 * handoff and within the touch window; leadloop's own tasks never count.
 */
async function countLoggedTouches(
  ctx: RunContext,
  setup: FunnelSetup,
  phaseStart: string,
): Promise<void> {
  const t = setup.vocabulary.touches;
  if (!t) return;
  const earliest = await ctx.store.earliestSlaHandoff();
  if (earliest === null) return;
  const windowMs = setup.sla.touches?.withinMs ?? null;
  // A stream read for the first time starts at the earliest handoff: a handoff's clock starts when the
  // run's drain (after this phase) writes it, so the run that first sees clocks is a later one, and the
  // touches logged since the handoff are already behind its signpost.
  const firstHandoff = earliest < ctx.until ? earliest : ctx.until;
  for (const source of t.sources) {
    const read = {
      system: ctx.crm,
      object: source.object,
      fields: source.fields,
      cursorObject: `${source.object}#touches`,
      startWhenNew: firstHandoff,
      until: phaseStart,
    };
    await readChangeGroups(ctx, read, async (page) => {
      const logged = await t.touchesIn(source.object, page.records);
      const own = await writtenByLeadloop(ctx, source.object, logged.map((l) => l.id));
      // Only the clocks of the people this page's activities are on.
      const clocks = new Map(
        (await ctx.store.listSlaClocks({ crmIds: logged.map((l) => l.personCrmId) })).map((c) => [c.crmId, c]),
      );
      // Keyed by what the touch was, so an activity read again by a look-back counts once (the store dedupes).
      const touches: SlaTouch[] = [];
      for (const l of logged) {
        const clock = clocks.get(l.personCrmId);
        if (!clock || own.has(l.id)) continue;
        if (clock.ownerId !== null && l.ownerId !== clock.ownerId) continue; // someone else's activity
        if (l.at < clock.handoffAt) continue; // before the handoff: not a follow-up
        if (windowMs !== null && Date.parse(l.at) > Date.parse(clock.handoffAt) + windowMs) continue;
        touches.push({ personId: clock.personId, key: `${l.object}:${l.id}`, at: l.at });
      }
      // A first touch stops the clock: leadloop's follow-up task is done with it.
      await decide(ctx, await withFollowUpsDone(ctx, setup, { slaTouches: touches, cursors: [page.cursor] }));
    });
  }
}

/** Activity records leadloop wrote itself (its audit names them), which are no rep's touches. */
async function writtenByLeadloop(ctx: RunContext, object: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const audit = await ctx.store.listAudit(ids);
  return new Set(audit.filter((a) => a.system === ctx.crm.system && a.object === object).map((a) => a.recordId));
}

interface RepDirectory {
  /** Lower-cased email → CRM owner id, for the routing's reps and the managers. */
  crm: Map<string, string>;
  marketing: Map<string, string>;
  emailOf: Map<string, string>;
  /** Owner id → manager's owner id, as the CRM keeps it (Salesforce User.ManagerId). */
  crmManagers: Map<string, string>;
  /** The breached clocks' owners who can still be given a task: not deactivated in the CRM since the handoff. */
  activeOwners: Set<string>;
  /** Person id → owner ids of the clocks a later one replaced: who held the lead before its owner. */
  earlierOwners: Map<string, string[]>;
  /** CRM record id → leadloop's tasks still open on it, which a reroute hands on to the new rep. */
  openTasks: Map<string, FollowUpTask[]>;
}

async function raiseBreaches(ctx: RunContext, setup: FunnelSetup): Promise<void> {
  // Touched clocks can breach too (too few touches in the window), so every unraised clock is checked,
  // a page at a time; only the breaches found are kept, most overdue first over all pages.
  const now = ctx.now();
  const found: SlaBreach<SlaClock>[] = [];
  for (let after: string | null = null; ; ) {
    const page = await ctx.store.listSlaClocks({ unraised: true, page: { after, limit: SLA_CLOCK_PAGE } });
    if (page.length === 0) break;
    found.push(...breachesToRaise(await followedUp(ctx.store, page), now, setup.sla));
    after = page[page.length - 1]!.personId;
  }
  // The order one list of every clock gave: most overdue first, then soonest due, then person.
  const breaches = found.sort(
    (a, b) =>
      b.overdueMinutes - a.overdueMinutes ||
      a.clock.dueAt.localeCompare(b.clock.dueAt) ||
      a.clock.personId.localeCompare(b.clock.personId),
  );
  if (breaches.length === 0) return;
  const { onBreach } = setup.sla;
  const repEmails = [...new Set([...routingReps(setup.routing), ...Object.values(onBreach.managers)])];
  const crm = await setup.vocabulary.ownersByEmail(repEmails);
  const directory: RepDirectory = {
    crm,
    marketing: setup.crmIsMarketing ? crm : await setup.marketingOwnersByEmail(repEmails),
    emailOf: new Map([...crm].map(([email, id]) => [id, email])),
    crmManagers:
      onBreach.alert && onBreach.alertTo === "manager"
        ? await setup.vocabulary.managersOf([
            ...new Set(breaches.map((b) => b.clock.ownerId).filter((id): id is string => id !== null)),
          ])
        : new Map(),
    activeOwners: onBreach.alert
      ? await setup.vocabulary.activeOwners([
          ...new Set(breaches.map((b) => b.clock.ownerId).filter((id): id is string => id !== null)),
        ])
      : new Set(),
    earlierOwners: onBreach.reroute || (onBreach.alert && onBreach.alertTo === "queue")
      ? await earlierOwners(ctx, breaches.map((b) => b.clock.personId))
      : new Map(),
    openTasks: onBreach.reroute
      ? await openTasks(ctx, setup, breaches.filter((b) => !isFollowedUpLate(b)).map((b) => b.clock))
      : new Map(),
  };
  const people = new Map(
    (
      await ctx.marketing.readByIds(
        "contacts",
        breaches.map((b) => b.clock.personId),
        PERSON_FIELDS,
      )
    ).map((r) => [r.id, r.fields]),
  );
  for (const breach of breaches) {
    if (ctx.signal?.aborted) return; // each breach is decided whole; the rest are raised next run
    await raiseOne(ctx, setup, directory, breach, people.get(breach.clock.personId) ?? {});
  }
}

/**
 * A rep whose first touch came after the due time, read in the run that finds the breach, has followed the
 * lead up: the breach is kept and alerted, but not rerouted. Taking the lead from the rep now talking to
 * the person would undo that follow-up, and hand on a task the touch completes.
 */
function isFollowedUpLate(breach: SlaBreach<SlaClock>): boolean {
  return breach.kind === "follow-up" && breach.clock.firstTouchAt !== null;
}

async function raiseOne(
  ctx: RunContext,
  setup: FunnelSetup,
  directory: RepDirectory,
  breach: SlaBreach<SlaClock>,
  person: FieldValues,
): Promise<void> {
  const { clock } = breach;
  const { onBreach } = setup.sla;
  const v = setup.vocabulary;
  const now = ctx.now();
  const ownerEmail = clock.ownerId ? (directory.emailOf.get(clock.ownerId) ?? null) : null;
  const name = [person.firstname, person.lastname].filter(Boolean).join(" ") || (person.email ?? clock.personId);
  // The next rep: routed again as at the handoff, with the owner who missed the SLA and every rep who
  // held the lead before them left out, so a reroute never hands it back. A queue's turn it takes is
  // kept by the breach's own commit below.
  const turns = new QueueTurns();
  const followedUpLate = isFollowedUpLate(breach);
  const reroute = onBreach.reroute && !followedUpLate;
  const pick = reroute || (onBreach.alert && onBreach.alertTo === "queue")
    ? await nextRep(ctx, setup, directory, person, clock, turns)
    : null;
  const next = pick && "rep" in pick ? pick : null;
  const allHeld = pick && "allHeld" in pick ? pick.allHeld : null;
  const rule = `SLA ${breach.kind} breach`;
  const write = (input: Pick<FunnelWriteInput, "key" | "side" | "object" | "recordId" | "fields"> & Partial<FunnelWriteInput>): OutboxWrite =>
    funnelWrite(ctx, { phase: "sla", rule, personId: clock.personId, email: person.email ?? null, ...input });
  const task = (input: TaskInput, group: string | null, due?: OutboxWrite["due"]): OutboxWrite =>
    write({ ...taskWrite(v, input, clock), group, ...(due ? { due } : {}) });

  const writes: OutboxWrite[] = [];
  let alertTo: string | null = null;
  if (onBreach.alert) {
    alertTo = alertRecipient(ctx, setup, directory, clock, ownerEmail, next?.ownerId ?? null);
    // The kind in words, which a lost store's restore reads back (restored-breaches.ts).
    const missed = missedText(breach.kind, setup.sla);
    writes.push(
      task(
        {
          subject: `SLA missed: ${name} ${missed}`,
          body:
            `${name} (${person.email ?? "no email"}) was handed to ${ownerEmail ?? clock.ownerId ?? "no owner"} at ${clock.handoffAt}; ` +
            `the first touch was due at ${clock.dueAt}. ${clock.touches} touch(es) so far; ${breach.overdueMinutes} minutes overdue.` +
            (next && reroute ? `\nRe-routed to ${next.rep} (${next.explanation}).` : "") +
            // Told on the task, so whoever reads it knows the lead was meant to move and why it did not.
            (allHeld !== null && reroute
              ? `\nNot re-routed: ${allHeld}, so it stays with ${ownerEmail ?? clock.ownerId ?? "its owner"}.`
              : "") +
            (followedUpLate && onBreach.reroute
              ? `\nNot re-routed: followed up late, at ${clock.firstTouchAt}, so it stays with ${ownerEmail ?? clock.ownerId ?? "its owner"}.`
              : ""),
          whoId: clock.crmId,
          whoObject: clock.crmType,
          ownerId: alertTo,
          at: now.toISOString(),
          completed: false,
          key: breachTaskKey(clock),
        },
        null,
      ),
    );
  }

  const groups: { group: string; onDone: OutboxGroupEffect }[] = [];
  if (reroute && next) {
    const handoffAt = now.toISOString();
    const dueAt = slaDueAt(now, setup.sla);
    const group = `reroute:${clock.personId}:${handoffAt}`;
    writes.push(
      write({
        key: `${group}:record`,
        side: "crm",
        object: clock.crmType,
        recordId: clock.crmId,
        fields: { [v.ownerField]: next.ownerId },
        group,
      }),
    );
    const marketingOwner = directory.marketing.get(next.rep);
    if (!setup.crmIsMarketing && marketingOwner)
      writes.push(
        write({
          key: `${group}:owner`,
          side: "marketing",
          object: "contacts",
          recordId: clock.personId,
          fields: { hubspot_owner_id: marketingOwner },
          group,
        }),
      );
    writes.push(
      task(
        {
          subject: `Re-routed lead: follow up within ${setup.sla.followUpLabel}`,
          body: `${name} was not followed up in time by ${ownerEmail ?? "the previous owner"} and is yours now.\n\n${routedByText(next)}`,
          whoId: clock.crmId,
          whoObject: clock.crmType,
          ownerId: next.ownerId,
          at: dueAt,
          completed: false,
          key: followUpTaskKey(clock.personId, handoffAt),
        },
        group,
        dueByClock(v, group),
      ),
    );
    writes.push(...handedOnTasks(setup, directory, clock, { ...next, dueAt }, group).map(write));
    groups.push({
      group,
      onDone: {
        slaClock: { ...clock, ownerId: next.ownerId, handoffAt, dueAt, firstTouchAt: null, touches: 0, breachedAt: null },
        // Sent by a later run's drain, the new clock starts then, due by these terms (late-clocks.ts).
        slaTerms: slaTerms(setup.sla),
        crmSystem: ctx.crm.system,
        personScores: await rescoredOwner(ctx, clock.personId, next.rep),
      },
    });
  } else if (reroute && allHeld !== null) {
    ctx.log.warn("sla.reroute_all_held", { personId: clock.personId, owner: ownerEmail, reason: allHeld });
  } else if (reroute) {
    ctx.log.warn("sla.reroute_unroutable", { personId: clock.personId, owner: ownerEmail });
  }

  const row = breachRow(clock, {
    ownerEmail,
    kind: breach.kind,
    breachedAt: breach.breachedAt,
    raisedAt: now.toISOString(),
    runId: ctx.runId,
    alertTo,
    rerouteTo: reroute ? (next?.rep ?? null) : null,
  });
  ctx.summary.slaBreaches++;
  ctx.log.warn("sla.breached", {
    personId: clock.personId,
    crmId: clock.crmId,
    ownerId: clock.ownerId,
    kind: breach.kind,
    overdueMinutes: breach.overdueMinutes,
    alertTo,
    rerouteTo: row.rerouteTo,
  });
  // The breach, its clock mark, the alert and the reroute land in one transaction: raised once, and
  // nothing decided is lost.
  await decide(ctx, {
    slaClocks: [{ ...clock, breachedAt: breach.breachedAt }],
    slaBreaches: [row],
    outboxGroups: groups,
    outbox: writes,
    roundRobinTurns: turns.kept(),
  });
}

/**
 * Who the alert task is for: the owner, the owner's manager (sla.yaml onBreach.managers, else the CRM's
 * own: Salesforce User.ManagerId), or the queue's next rep. A manager or queue that cannot be found falls back to the owner, so the alert is never lost;
 * an owner deactivated since the handoff, to whom the CRM would refuse it, to the rep the lead is rerouted to, else to no one named.
 */
function alertRecipient(
  ctx: RunContext,
  setup: FunnelSetup,
  directory: RepDirectory,
  clock: SlaClock,
  ownerEmail: string | null,
  queueRep: string | null,
): string | null {
  const { alertTo, managers } = setup.sla.onBreach;
  if (alertTo === "queue" && queueRep) return queueRep;
  if (alertTo === "manager") {
    const listed = ownerEmail ? managers[ownerEmail] : undefined;
    const managerId = listed
      ? directory.crm.get(listed)
      : clock.ownerId
        ? directory.crmManagers.get(clock.ownerId)
        : undefined;
    if (managerId) return managerId;
  }
  if (alertTo !== "owner")
    ctx.log.warn("sla.alert_to_owner", { personId: clock.personId, alertTo, owner: ownerEmail });
  return taskOwner(ctx, { ownerId: clock.ownerId, standIn: queueRep }, directory.activeOwners, {
    name: "sla.owner_inactive",
    what: "a breached lead (the alert)",
    fields: { personId: clock.personId },
  }).ownerId;
}

/**
 * The rep a breached lead goes to next, `allHeld` when every rep the routing gives it to has held it
 * already (the owner keeps it), or null when the routing has no one for it.
 */
async function nextRep(
  ctx: RunContext,
  setup: FunnelSetup,
  directory: RepDirectory,
  person: FieldValues,
  clock: SlaClock,
  turns: QueueTurns,
): Promise<{ rep: string; ruleId: string; explanation: string; ownerId: string } | { allHeld: string } | null> {
  const heldBy = [clock.ownerId, ...(directory.earlierOwners.get(clock.personId) ?? [])]
    .map((id) => (id === null ? undefined : directory.emailOf.get(id)))
    .filter((email): email is string => email !== undefined);
  const decision = planReroute(
    routablePerson(person),
    { activeReps: new Set(directory.crm.keys()), heldBy },
    setup.routing,
  );
  if (decision.kind === "all-held") return { allHeld: decision.explanation };
  if (decision.kind === "unroutable") return null;
  const assignment = await turns.assign(ctx, setup, decision, directory.crm);
  const ownerId = directory.crm.get(assignment.rep);
  return ownerId ? { ...assignment, ownerId } : null;
}

/**
 * The previous owner's open follow-up tasks for the lead ("New MQL", or an earlier reroute's "Re-routed
 * lead"), given to the new rep and due by the new rep's clock (`dueAt`, as the reroute's own task): the
 * lead is no longer theirs, so neither is the work, and a task past the missed due time would reach the
 * new rep overdue the moment it arrived. Reassigned rather
 * than completed, as Salesforce's own change of a Lead's owner moves the previous owner's open
 * activities to the new one (an owner written through the API moves nothing): a task completed in the
 * previous owner's name would read as follow-up they did (activity reports count it), and a deleted one
 * would lose the handoff's reasons, which the new rep reads there. Completed tasks stay where they are,
 * as history. Decided with the reroute but outside its group, so a task refused (deleted by a rep since
 * it was read) goes to the error queue without holding back the new rep's clock.
 */
function handedOnTasks(
  setup: FunnelSetup,
  directory: RepDirectory,
  clock: SlaClock,
  next: { rep: string; ownerId: string; dueAt: string },
  group: string,
): (Pick<FunnelWriteInput, "key" | "side" | "object" | "recordId" | "fields"> & Partial<FunnelWriteInput>)[] {
  const { ownerField, object, due } = setup.vocabulary.task;
  return heldFollowUps(directory.openTasks, clock).map((t) => ({
    key: `${group}:task:${t.id}`,
    rule: `SLA reroute: open follow-up task handed on to ${next.rep}, due by their clock`,
    side: "crm",
    object,
    recordId: t.id,
    fields: { [ownerField]: next.ownerId, ...due(next.dueAt) },
    before: { [ownerField]: t.ownerId, ...t.due },
    due: dueByClock(setup.vocabulary, group),
  }));
}

/** Owner ids of the people's replaced clocks and reassigned owners, by person: one read each for a run's breaches. */
async function earlierOwners(ctx: RunContext, personIds: string[]): Promise<Map<string, string[]>> {
  const owners = new Map<string, string[]>();
  const add = (personId: string, ownerId: string | null) => {
    if (ownerId !== null) owners.set(personId, [...(owners.get(personId) ?? []), ownerId]);
  };
  for (const replaced of await ctx.store.listReplacedSlaClocks({ personIds })) add(replaced.personId, replaced.ownerId);
  // A rep a manager took the lead from in the CRM held it too.
  for (const r of await ctx.store.listSlaReassignments({ personIds })) add(r.personId, r.fromOwnerId);
  return owners;
}

/** The person's kept score row with the new owner, so `hot --owner` follows the reroute. */
async function rescoredOwner(ctx: RunContext, personId: string, rep: string): Promise<PersonScoreRow[]> {
  const rows = await ctx.store.listPersonScores({ personIds: [personId] });
  return rows.map((r) => ({ ...r, ownerEmail: rep }));
}
