// Closing the loop, the last phase of a run: a rep's lead status in the CRM is read through the
// definition's map. A verdict (qualified, recycle, trash, unreachable) becomes a funnel event and the
// marketing contact's lifecycle stage (cleared first when it moves back), leadloop status, disposition
// reason (the rep's words typed beside the status, else the map's) and date and lead status; `working` and
// every verdict count as a touch on the follow-up clock; a status the map does not know is an error-queue
// entry naming it. A status counts only when it changed since leadloop last saw it on that record, so a
// record read again (a look-back, leadloop's own write) never repeats a verdict; a rep's later edit of the
// reason alone is carried to the contact as the reason, no new verdict. Events, touches, statuses seen and the contact writes (to the outbox) are kept
// with the page's cursor in one transaction. Logged activity and breaches are the SLA phase's
// (sla-phase.ts).
import {
  DISPOSITION_REASON_FIELD,
  type Disposition,
  type DispositionMaps,
  LEAD_STATUS_FIELD,
  marketingLeadStatusFor,
  readStatus,
  reopenStatus,
  stageForDisposition,
  standsFromBeforeFirstLook,
  verdictReason,
  verdictValues,
} from "../../core/funnel/dispositions.js";
import { LIFECYCLE_FIELD, lifecycleFor, lifecycleNeedsClear } from "../../core/funnel/lifecycle-values.js";
import { canMove, type Stage } from "../../core/funnel/stages.js";
import type { ObjectMapping } from "../../core/mapping.js";
import type { FieldValues, SourceRecord } from "../../core/records.js";
import { aboutRecord } from "../system-port.js";
import type {
  BatchCommit,
  FunnelEvent,
  LeadStatusSeen,
  NewQueuedError,
  OutboxWrite,
  SlaClock,
  SlaTouch,
} from "../../store/port.js";
import { readChangeGroups } from "../change-groups.js";
import { decide, joinDecisions } from "../outbox/decide.js";
import { funnelWrite } from "../outbox/funnel-write.js";
import { type RunContext, signpostAfterOwnWrites } from "../run-context.js";
import { notBefore } from "./event-time.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { heldOrRead } from "./held-reads.js";
import { isRestored, RESTORED_CAUSE, restoredVerdictCause } from "../../core/funnel/restore.js";
import { dispositionReasonField } from "./reason-field.js";
import { reopenedRecordWrite } from "./reopened-record.js";
import { revokedVerdictsShown } from "./revoked-verdicts.js";
import { clocksOf, followCrmOwners, ownerFieldsOf } from "./sla-phase.js";
import { clocksRestoredPastMql } from "./restored-clocks.js";
import { waitingHandoffClocks, withFollowUpsDone } from "./follow-up-done.js";
import { type RestoredClockRecord, touchesFromStatusHistory } from "./restored-touches.js";
import { statusTouch } from "./status-touch.js";

/**
 * The contact properties a verdict is written against: who the person is, the stage they hold, and where
 * they came from (the verdict's funnel event counts under the person's original source, as every move's).
 */
const CONTACT_FIELDS = ["email", LIFECYCLE_FIELD, "hs_analytics_source"];

export async function readDispositions(
  ctx: RunContext,
  setup: FunnelSetup,
  mappings: readonly ObjectMapping[] = [],
  /** Contacts the qualification read this run (FunnelRunState.read): not read again for their stage. */
  held: ReadonlyMap<string, SourceRecord> = new Map(),
): Promise<void> {
  const { object, field } = setup.vocabulary.status;
  // The reason the rep types beside the status (Leadloop_Disposition_Reason__c; with HubSpot as the CRM,
  // the contact's own leadloop_disposition_reason), read with it where the CRM has it: an org without the
  // field reads the status alone, and each verdict takes its map's reason (reason-field.ts).
  const reasonFields = async () => {
    const reason = await dispositionReasonField(ctx, setup);
    return reason ? [reason] : [];
  };
  // Read up to now, not the run's signpost, once this run wrote to the object: the Leads its field sync
  // wrote have moved past the signpost, and their statuses must be read in this run, not taken for new
  // ones in the next.
  const phaseStart = signpostAfterOwnWrites(ctx, ctx.crm, object);
  // A mapping that brings the status to marketing's hs_lead_status writes it already; not twice.
  const statusCarried =
    setup.crmIsMarketing ||
    mappings.some((m) =>
      m.crmObject === object &&
      m.fields.some((f) => f.crm === field && f.marketing === LEAD_STATUS_FIELD && f.direction !== "to_crm" && f.direction !== "none"),
    );
  const marked = leadloopMark(setup, mappings);
  const read = {
    system: ctx.crm,
    object,
    // With the owner: a lead a manager gave to another rep changes its record, and the clock follows.
    fields: [
      field,
      ...ownerFieldsOf(setup),
      ...(setup.crmIsMarketing ? CONTACT_FIELDS : []),
      ...(marked.field ? [marked.field] : []),
      // The MQL date the handoff wrote: a lost store's restore takes the clock back from it (restored-clocks.ts).
      ...(setup.vocabulary.fields.mqlDate ? [setup.vocabulary.fields.mqlDate] : []),
    ],
    fieldsWhenRead: reasonFields,
    cursorObject: `${object}#dispositions`,
    // The first run reads every status there is, so marketing starts from what sales already decided
    // (and a later run does not take those old statuses for new ones when leadloop's own writes bump them).
    startWhenNew: null,
    until: phaseStart,
  };
  const waiting = await recheckUnknownStatuses(ctx, setup, statusCarried, async () => [...read.fields, ...(await reasonFields())], held);
  await readChangeGroups(ctx, read, async (page) => {
    const clocks = await clocksOf(ctx, page.records);
    const { restoredClocks, ...decision } = await dispositionsOf(ctx, setup, statusCarried, page.records, held, clocks);
    // The clocks of leads reassigned in the CRM follow their new owner, with this page's cursor.
    const reassigned = await followCrmOwners(ctx, setup, page.records, clocks);
    // After a lost store: the clocks of people handed off before and decided since come back.
    const restored = await clocksRestoredPastMql(ctx, setup, page.records, marked.field);
    // An unknown status already waiting in the queue is not reported again on every re-read.
    const errors = decision.errors.filter((e) => waiting.get(e.recordId!) !== statusOf(e));
    // The statuses set before the loss were touches the lost store counted: the record's history keeps them.
    const slaTouches = [...decision.slaTouches, ...(await touchesFromStatusHistory(ctx, setup, restoredClocks))];
    // A status the rep set stops the clock: leadloop's follow-up task is done with it.
    await decide(ctx, await withFollowUpsDone(ctx, setup, joinDecisions([restored, { ...decision, slaTouches, errors, cursors: [page.cursor] }, reassigned])));
  });
}


/**
 * Records whose status the map did not know wait in the error queue; each run reads them again, so once
 * the definition lists the status (or a rep picks another) the verdict applies and the entry is resolved.
 */
async function recheckUnknownStatuses(
  ctx: RunContext,
  setup: FunnelSetup,
  statusCarried: boolean,
  /** The dispositions read's fields; asked only when records wait. */
  fields: () => Promise<string[]>,
  held: ReadonlyMap<string, SourceRecord>,
): Promise<Map<string, string | null>> {
  const { object } = setup.vocabulary.status;
  const waiting = (await ctx.store.listErrors({ status: "open", system: ctx.crm.system })).filter(
    (e) => e.operation === "disposition" && e.object === object && e.recordId !== null,
  );
  if (waiting.length === 0) return new Map();
  const records = await ctx.crm.readByIds(object, [...new Set(waiting.map((e) => e.recordId!))], await fields());
  const { restoredClocks: _, ...decision } = await dispositionsOf(ctx, setup, statusCarried, records, held, await clocksOf(ctx, records));
  const stillUnknown = new Set(decision.errors.map((e) => e.recordId));
  const resolvedErrors = waiting.filter((e) => !stillUnknown.has(e.recordId)).map((e) => e.id);
  // Still unknown: the entry stays as it is (not another attempt every run).
  await decide(ctx, await withFollowUpsDone(ctx, setup, { ...decision, errors: [], resolvedErrors }));
  return new Map(decision.errors.map((e) => [e.recordId!, statusOf(e)]));
}

function statusOf(error: NewQueuedError): string | null {
  return (error.payload as { status?: string | null }).status ?? null;
}

interface PageDecision {
  funnelEvents: FunnelEvent[];
  outbox: OutboxWrite[];
  slaTouches: SlaTouch[];
  errors: NewQueuedError[];
  leadStatuses: LeadStatusSeen[];
  restoredVerdicts: NonNullable<BatchCommit["restoredVerdicts"]>;
  /** Records of people whose clock the handoff restored this run, whose earlier statuses were touches. */
  restoredClocks: RestoredClockRecord[];
}

async function dispositionsOf(
  ctx: RunContext,
  setup: FunnelSetup,
  statusCarried: boolean,
  records: readonly SourceRecord[],
  held: ReadonlyMap<string, SourceRecord>,
  clocks: ReadonlyMap<string, SlaClock>,
): Promise<PageDecision> {
  const { object, field } = setup.vocabulary.status;
  const crmName = ctx.crm.system;
  const out: PageDecision = { funnelEvents: [], outbox: [], slaTouches: [], errors: [], leadStatuses: [], restoredVerdicts: [], restoredClocks: [] };
  const ids = records.map((r) => r.id);
  const personOf = setup.crmIsMarketing
    ? new Map(ids.map((id) => [id, id]))
    : new Map(
        [...(await ctx.store.findLinksByCrmIds("contact", ids)).values()].map((l) => [l.crmId, l.marketingId]),
      );
  const seen = await ctx.store.leadStatusesSeen(ids);
  const definition = setup.qualification.definition;
  const reasonOf = (r: SourceRecord) => verdictReasonOn(setup, crmName, r, seen.get(r.id));
  const changed = records.filter((r) => {
    if (!personOf.has(r.id)) return false;
    const status = r.fields[field] ?? null;
    const before = seen.get(r.id);
    if (!before || before.status !== status) return true;
    // The same status: a change only when the rep edited its verdict's reason since.
    const reason = reasonOf(r);
    return reason !== null && reason.reason !== shownReason(before, definition, crmName);
  });
  if (changed.length === 0) return out;
  // Only a verdict writes to the contact and only an unknown status names its email: a status that means
  // nothing yet (every open Lead on a first load) is marked seen without reading its contact.
  const needContact = changed.filter((r) => {
    const kind = readStatus(r.fields[field] ?? null, setup.qualification.definition, crmName).kind;
    return kind === "verdict" || kind === "unknown";
  });
  const people = await contactsOf(ctx, setup, needContact, personOf, held);
  const latest = await ctx.store.latestEvents([...people.keys()]);
  const handedOff = await peopleHandedOff(ctx, needContact.filter((r) => !seen.has(r.id)).map((r) => personOf.get(r.id)!));
  const revokedShown = await revokedVerdictsShown(ctx, setup, needContact, seen, personOf, latest);
  const at = ctx.now().toISOString();

  for (const record of changed) {
    const personId = personOf.get(record.id)!;
    const contact = people.get(personId) ?? {};
    const email = contact.email ?? null;
    const status = record.fields[field] ?? null;
    const before = seen.get(record.id);
    const reading = readStatus(status, setup.qualification.definition, crmName);
    if (reading.kind === "unknown") {
      // Not marked seen: once the map knows the status, the record's next change applies it.
      out.errors.push({
        runId: ctx.runId,
        system: ctx.crm.system,
        object,
        recordId: record.id,
        operation: "disposition",
        payload: { personId, email, status, field },
        errorClass: "config",
        message: aboutRecord(
          `lead status "${reading.status}" on ${object} ${record.id} is not in the qualification's ` +
            `dispositions.${crmName} map; add it (as a disposition, or \`disposition: none\`): every sync reads ` +
            "it again until the map knows it",
          email,
        ),
        at,
      });
      ctx.log.warn("disposition.unknown_status", { personId, crmId: record.id, status });
      continue;
    }
    const reason = reasonOf(record);
    out.leadStatuses.push({ crmId: record.id, status, reason: reason?.reason ?? null, at: record.modifiedAt });
    if (reading.kind !== "verdict") continue;
    const { disposition } = reading.entry;
    const current = (latest.get(personId)?.stage ?? "lead") as Stage;
    // The rep edited the reason of a verdict already taken: the contact's reason follows while the verdict
    // stands (a requalify or a second handoff moved the person on, and opened the record again). No event,
    // no count, no touch.
    const reasonEdit = (): OutboxWrite | null =>
      reason !== null && current === stageForDisposition(disposition) && reason.reason !== shownReason(before, definition, crmName)
        ? reasonWrite(ctx, setup, personId, email, reason, contact, status)
        : null;
    if (before?.status === status) {
      const write = reasonEdit();
      if (write) out.outbox.push(write);
      ctx.log.debug("disposition.reason_edited", { personId, crmId: record.id, status, written: write !== null });
      continue;
    }
    const clock = clocks.get(record.id);
    const restoredMove = latest.has(personId) && isRestored(latest.get(personId)!.cause);
    const handed = !!clock || handedOff.has(personId) || carriesHandoff(setup, record);
    if (standsFromBeforeFirstLook({ seenBefore: !!before, handedOff: handed, restored: restoredMove })) {
      // Marked seen above: the rep's next change of it is a verdict.
      ctx.log.debug("disposition.before_first_look", { personId, crmId: record.id, status });
      continue;
    }
    const reopen = revokedShown.has(record.id) ? reopenStatus(definition, crmName) : null;
    if (reopen !== null) {
      // The requalify's write the lost store's queue held: decided again, the status marked seen above.
      const place = { system: crmName, object, field, reasonField: setup.vocabulary.fields.dispositionReason };
      const rule = `requalify's write, owed: ${status} is the verdict it revoked (set before it)`;
      out.outbox.push(reopenedRecordWrite(place, { personId, email, crmId: record.id }, reopen, rule));
      ctx.log.info("disposition.revoked_reopened", { personId, crmId: record.id, status });
      continue;
    }
    const standing = standsSinceRestore(seen.has(record.id), latest.get(personId), stageForDisposition(disposition));
    if (clock && !before && isRestoredHandoff(latest.get(personId), clock))
      out.restoredClocks.push({ record, personId, handoffAt: clock.handoffAt, withCurrent: standing && stageForDisposition(disposition) === null });
    if (standing) {
      // The store was lost and the person's stage restored from the contact this status had already
      // moved (or, on a rep's own record leadloop knew, the status moves no one): it is no new verdict,
      // no work of this run, and the record's time is leadloop's last write, not a rep's touch. A verdict
      // status is the one that made the restored move: the move carries it, so the report counts it
      // once, as before the loss (the restore read only the stage from the contact).
      const stood = stageForDisposition(disposition);
      if (stood !== null) out.restoredVerdicts.push({ personId, toStage: stood, cause: restoredVerdictCause(disposition, status ?? "") });
      ctx.log.debug("disposition.standing", { personId, crmId: record.id, status });
      continue;
    }
    const touch = clock ? statusTouch(clock.personId, { object, id: record.id }, record.modifiedAt, clock.handoffAt) : null;
    if (touch) out.slaTouches.push(touch);
    const stage = stageForDisposition(disposition);
    if (stage === null) {
      ctx.summary.dispositions.working++;
      if (!statusCarried)
        out.outbox.push(
          contactWrite(ctx, personId, email, { [LEAD_STATUS_FIELD]: marketingLeadStatusFor("working") }, contact, `disposition working: ${status}`),
        );
      continue;
    }
    if (current === stage || !canMove(current, stage)) {
      // Another status of the verdict the person stands at (CONNECTED, then OPEN_DEAL): its reason only.
      const write = reasonEdit();
      if (write) out.outbox.push(write);
      ctx.log.debug("disposition.no_move", { personId, disposition, from: current, to: stage });
      continue;
    }
    ctx.summary.dispositions[disposition as Exclude<Disposition, "working">]++;
    const rule = `disposition ${disposition}: ${status}`;
    out.funnelEvents.push({
      personId,
      email,
      fromStage: current,
      toStage: stage,
      // The CRM's stamp, kept to the second, may fall before the person's latest event (event-time.ts).
      at: notBefore(record.modifiedAt, latest.get(personId)?.at),
      cause: rule,
      runId: ctx.runId,
      source: contact.hs_analytics_source ?? null,
      campaign: null,
      ownerId: clock?.ownerId ?? null,
      amount: null,
    });
    const fields: FieldValues = {
      [LIFECYCLE_FIELD]: lifecycleFor(stage),
      leadloop_status: stage,
      ...verdictValues(stage, reason!.reason, record.modifiedAt, !statusCarried),
    };
    // With HubSpot as the CRM the rep typed the reason on this contact: it stands as typed.
    if (setup.crmIsMarketing && reason!.typed !== null) delete fields[DISPOSITION_REASON_FIELD];
    out.outbox.push(contactWrite(ctx, personId, email, fields, contact, rule));
    ctx.log.debug("person.disposition", { personId, disposition, stage });
  }
  return out;
}

/** What a verdict's reason is made of: the rep's words (null when none), and the reason it leaves. */
interface VerdictReason {
  typed: string | null;
  reason: string;
}

/**
 * The reason a record's verdict leaves on the contact; null for a status that moves no one (none,
 * working, unknown). The rep's words are the vocabulary's reason field, trimmed; blank, the map's reason
 * for the status. With HubSpot as the CRM that field is the contact's own, where leadloop wrote the map's
 * reason for the verdict it saw before, or a closed deal's outcome: met again under a new status, that
 * text is leadloop's, not the rep's, so the new status gets its own.
 */
function verdictReasonOn(
  setup: FunnelSetup,
  crm: string,
  record: SourceRecord,
  before: { status: string | null; reason: string | null } | undefined,
): VerdictReason | null {
  const definition = setup.qualification.definition;
  const status = record.fields[setup.vocabulary.status.field] ?? null;
  const reading = readStatus(status, definition, crm);
  if (reading.kind !== "verdict" || stageForDisposition(reading.entry.disposition) === null) return null;
  const field = setup.vocabulary.fields.dispositionReason;
  // A record read without the field (the CRM lacks it: reason-field.ts) has no words: the map's reason.
  let typed = (field ? record.fields[field]?.trim() : "") || null;
  if (setup.crmIsMarketing && typed !== null && before && before.status !== status) {
    const previous = readStatus(before.status, definition, crm);
    if (previous.kind === "verdict" && typed === previous.entry.reason) typed = null;
    // Beside a status that is no verdict the store keeps a reason only for a closed deal's outcome
    // (lineage-phase.ts followDeals): leadloop's text too.
    if (previous.kind !== "verdict" && typed === before.reason) typed = null;
  }
  return { typed, reason: verdictReason(typed, reading.entry.reason) };
}

/**
 * The reason the contact shows for the verdict last seen on a record: as kept, else (a row from before
 * reasons were kept) the map's reason for its status, the only one leadloop wrote then.
 */
function shownReason(
  before: { status: string | null; reason: string | null } | undefined,
  definition: { dispositions: DispositionMaps },
  crm: string,
): string | null {
  if (!before) return null;
  if (before.reason !== null) return before.reason;
  const reading = readStatus(before.status, definition, crm);
  return reading.kind === "verdict" ? reading.entry.reason : null;
}

/**
 * The contact's reason alone, for a verdict it shows already. With HubSpot as the CRM the rep's words are
 * on the contact as typed, so only a blank reason is written (the map's); none when they are there.
 */
function reasonWrite(
  ctx: RunContext,
  setup: FunnelSetup,
  personId: string,
  email: string | null,
  reason: VerdictReason,
  contact: FieldValues,
  status: string | null,
): OutboxWrite | null {
  if (setup.crmIsMarketing && reason.typed !== null) return null;
  return contactWrite(ctx, personId, email, { [DISPOSITION_REASON_FIELD]: reason.reason }, contact, `disposition reason: ${status}`);
}

/** The write to the marketing contact, clearing its lifecycle stage first when the stage moves back. */
function contactWrite(
  ctx: RunContext,
  personId: string,
  email: string | null,
  fields: FieldValues,
  contact: FieldValues,
  rule: string,
): OutboxWrite {
  const target = fields[LIFECYCLE_FIELD];
  const clear = target !== undefined && target !== null && lifecycleNeedsClear(contact[LIFECYCLE_FIELD], target);
  return funnelWrite(ctx, {
    key: `disposition:${personId}`,
    phase: "disposition",
    side: "marketing",
    object: "contacts",
    recordId: personId,
    fields,
    before: contact,
    rule,
    personId,
    email,
    clearFirst: clear ? [LIFECYCLE_FIELD] : [],
  });
}

/** The marketing contacts behind these CRM records (the records themselves when HubSpot is the CRM). */
async function contactsOf(
  ctx: RunContext,
  setup: FunnelSetup,
  records: readonly SourceRecord[],
  personOf: ReadonlyMap<string, string>,
  held: ReadonlyMap<string, SourceRecord>,
): Promise<Map<string, FieldValues>> {
  if (setup.crmIsMarketing) return new Map(records.map((r) => [r.id, r.fields]));
  const ids = [...new Set(records.map((r) => personOf.get(r.id)!))];
  // What the qualification read this run is what HubSpot holds: the run's own writes to the contact wait
  // for the drain, so a read now would give the same email and lifecycle stage.
  return heldOrRead(ctx.marketing, "contacts", ids, CONTACT_FIELDS, (id) => {
    const fields = held.get(id)?.fields;
    return fields && CONTACT_FIELDS.every((f) => f in fields) ? fields : undefined;
  });
}

/**
 * A status leadloop has not seen on a person whose latest event is the restoration of a lost store
 * (qualify-phase.ts RESTORED_CAUSE): it stood before the loss when it says no more than the restored stage
 * (a working status, or the stage the contact already shows). A verdict that moves the person elsewhere
 * is a rep's new one, made since leadloop last wrote the contact, and is taken as any verdict is. A person
 * the store knows no move for (a rep's own lead, never moved by leadloop) was taken before this, as a
 * status from before leadloop's first look (core `standsFromBeforeFirstLook`), lost store or not.
 */
function standsSinceRestore(seen: boolean, latest: { stage: string; cause: string } | undefined, stage: Stage | null): boolean {
  if (seen || latest === undefined) return false;
  if (!latest.cause.startsWith(RESTORED_CAUSE)) return false;
  return stage === null || stage === latest.stage;
}

/**
 * The record shows the MQL date a handoff of leadloop's wrote on it: its status is a rep's verdict on a
 * lead leadloop gave them, though the store holds no clock for it: a lost store's rebuild restores none for
 * a person it finds at lead, as an admin's `requalify` left her after her handoff and verdict, and her
 * rep's acceptance since is hers, not a status from before leadloop's first look.
 */
function carriesHandoff(setup: FunnelSetup, record: SourceRecord): boolean {
  const field = setup.vocabulary.fields.mqlDate;
  return !!field && !!record.fields[field]?.trim();
}

/** Of these people, those leadloop handed off (a follow-up clock, on whichever of their records). */
async function peopleHandedOff(ctx: RunContext, personIds: readonly string[]): Promise<Set<string>> {
  if (personIds.length === 0) return new Set();
  const people = [...new Set(personIds)];
  const handed = new Set((await ctx.store.listSlaClocks({ personIds: people })).map((c) => c.personId));
  // A handoff whose record write still waits (a run stopped after the rep's task) has no clock yet and no
  // trace on the record, but the rep has the lead: her verdict is one (follow-up-done.ts `waitingHandoffClocks`).
  for (const clock of await waitingHandoffClocks(ctx, people.filter((p) => !handed.has(p)))) handed.add(clock.personId);
  return handed;
}

/**
 * The clock is the one the handoff restored for a standing MQL after a lost store (handoff-phase.ts
 * `restoreClock`): the person's latest move is the restored MQL, at the clock's handoff to the second.
 */
function isRestoredHandoff(latest: { stage: string; cause: string; at: string } | undefined, clock: SlaClock): boolean {
  return latest !== undefined && latest.stage === "mql" && isRestored(latest.cause) && latest.at.slice(0, 19) === clock.handoffAt.slice(0, 19);
}

/**
 * What shows leadloop wrote a status record in an earlier run, as the record is read: with Salesforce the
 * link stamp naming the person (the status object's mapping's `externalId`, HubSpot_Contact_Id__c; a Lead
 * leadloop matched gets it in the run's drain, after this phase, and one it creates carries the default
 * status); with HubSpot as the CRM the contact's leadloop score, which the qualification writes on every
 * contact, also in the drain. After a lost store, a converted Lead names its person by it
 * (restored-clocks.ts).
 */
interface LeadloopMark {
  /** The field to read with the status, or null when nothing marks the records. */
  field: string | null;
}

function leadloopMark(setup: FunnelSetup, mappings: readonly ObjectMapping[]): LeadloopMark {
  if (setup.crmIsMarketing) return { field: setup.vocabulary.fields.score };
  return { field: mappings.find((m) => m.crmObject === setup.vocabulary.status.object)?.crmExternalId ?? null };
}
