// The follow-up clocks of people a lost store's restore brought back past MQL (ARCHITECTURE.md "Links", a
// lost store). A standing MQL gets its clock back from the handoff (handoff-phase.ts `restoreClock`); a
// person a rep has decided since was handed off too, and the status records the dispositions phase reads
// (every one, from the start, once the store is lost) show it: the MQL date the handoff wrote and an owner.
// Their clock comes back as the handoff made it, decided already, so `report funnel` counts the handoff
// again; no task made, no routing turn taken. Its stop is the page's (follow-up-done.ts completes the open task).
import { stageForDisposition, readStatus } from "../../core/funnel/dispositions.js";
import { isRestored } from "../../core/funnel/restore.js";
import { STAGES } from "../../core/funnel/stages.js";
import type { SourceRecord } from "../../core/records.js";
import { startedClock } from "../../core/sla/index.js";
import type { FunnelEvent, Link, PersonScoreRow, SlaBreachRow, SlaClock, SlaTouch } from "../../store/port.js";
import type { Decision } from "../outbox/decide.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { carriesHandoff } from "./handoff-phase.js";
import { type RestoredClockRecord, touchesFromStatusHistory } from "./restored-touches.js";
import { conversionTouch, statusTouch } from "./status-touch.js";
import { handoffOwners } from "./restored-owners.js";
import { restoredFollowUps } from "./restored-reroutes.js";
import { handoffTasks } from "./restored-handoff-tasks.js";

/**
 * Clocks for the people behind these status records (the record itself with HubSpot as the CRM, else its
 * link, or the person its stamp names, `stampField`, as a converted Lead's does once its link moved to the
 * Contact) who hold none, stand past MQL and whose latest MQL is a restored one the record carries the
 * handoff of (its MQL date to the second, an owner), or whose handoff's "New MQL" task is in the CRM where
 * the record never got the handoff's write (restored-handoff-tasks.ts: the task's rep, handed off at its
 * creation; nothing is written on a record decided since). With the clock, the owner kept for the person
 * (`person_scores`, as the handoff keeps it) and, when the record's status is the verdict that took the
 * person to the restored stage, that verdict's touch at the stage's date (the contact's
 * `leadloop_disposition_date`, the record's time when the rep set it), as the dispositions counted it.
 * The statuses the rep set before that one were touches too, and so was a working status standing at the
 * handoff: the record's status history gives them back (restored-touches.ts), a converted Lead's as well.
 * Touches the rep logged are read again by the SLA phase, whose stream starts at the earliest handoff
 * once the store is lost.
 */
export async function clocksRestoredPastMql(
  ctx: RunContext,
  setup: FunnelSetup,
  records: readonly SourceRecord[],
  stampField: string | null,
): Promise<Decision> {
  const v = setup.vocabulary;
  const mqlDate = v.fields.mqlDate;
  if (!mqlDate || records.length === 0) return {};
  const links = setup.crmIsMarketing ? null : await ctx.store.findLinksByCrmIds("contact", records.map((r) => r.id));
  const personOf = (r: SourceRecord): string | null | undefined =>
    links === null ? r.id : (links.get(r.id)?.marketingId ?? (stampField ? r.fields[stampField] : null));
  const all = records.flatMap((r) => {
    const personId = personOf(r);
    return personId ? [{ record: r, personId, linked: links === null || links.has(r.id) }] : [];
  });
  // Those that show a handoff, or stand past MQL: a page of a normal run stops here or at the clocks below.
  const stages = await ctx.store.currentStages(all.filter((s) => !showsHandoff(setup, s.record)).map((s) => s.personId));
  const shown = all.filter((s) => showsHandoff(setup, s.record) || PAST_MQL.has(stages.get(s.personId) ?? "mql"));
  if (shown.length === 0) return {};
  const clocked = new Set(
    (await ctx.store.listSlaClocks({ personIds: shown.map((s) => s.personId) })).map((c) => c.personId),
  );
  // A Lead found by its stamp was converted (its link moved to the Contact): the clock goes on the Contact,
  // where Salesforce moved the Lead's activities with the conversion, so the rep's logged touches count
  // again when the SLA phase reads them (ARCHITECTURE.md "The follow-up SLA").
  const stamped = shown.filter((s) => !s.linked && !clocked.has(s.personId)).map((s) => s.personId);
  const personLinks = stamped.length > 0 ? await ctx.store.findLinksByMarketingIds("contact", stamped) : new Map<string, Link>();
  // Each unclocked person's latest MQL, restored, and the move past it since.
  const past: ((typeof shown)[number] & { mql: FunnelEvent; latest: FunnelEvent })[] = [];
  for (const s of shown) {
    if (clocked.has(s.personId)) continue;
    const events = await ctx.store.listFunnelEvents({ personId: s.personId });
    const mql = events.filter((e) => e.toStage === "mql").at(-1);
    const latest = events.at(-1);
    if (!mql || !latest || latest.toStage === "mql" || !isRestored(mql.cause)) continue;
    past.push({ ...s, mql, latest });
  }
  // A record that does not carry the handoff may never have got its write: the rep's task shows the handoff.
  const tasks = await handoffTasks(
    ctx,
    setup,
    past.filter((p) => !carriesHandoff(setup, p.record, p.mql.at)).map((p) => ({ personId: p.personId, mqlAt: p.mql.at })),
  );
  const clocks: SlaClock[] = [];
  const touches: SlaTouch[] = [];
  const owners = new Map<string, string | null>();
  /** The statuses a rep set before the one the record shows: its history has them. */
  const earlier: RestoredClockRecord[] = [];
  const fromTask: RestoredClockRecord[] = [];
  for (const { record, personId, linked, mql, latest } of past) {
    const task = tasks.get(personId);
    if (clocked.has(personId) || (!task && !carriesHandoff(setup, record, mql.at))) continue;
    clocked.add(personId);
    // Found by its task, the handoff is the task's: its rep, at its creation (restored-handoff-tasks.ts).
    const ownerId = task ? task.ownerId : record.fields[v.ownerField]!;
    const handoffAt = task?.handoffAt ?? mql.at;
    const now = linked ? undefined : personLinks.get(personId);
    clocks.push(startedClock({ personId, crmType: now?.crmType ?? record.object, crmId: now?.crmId ?? record.id, ownerId }, handoffAt, setup.sla));
    owners.set(personId, (!task && v.ownerEmailField ? record.fields[v.ownerEmailField]?.toLowerCase() : undefined) ?? null);
    const verdictAt = linked ? verdictTouch(setup, ctx.crm.system, record, latest) : null;
    const verdict = verdictAt === null ? null : statusTouch(personId, record, verdictAt, handoffAt);
    if (verdict) touches.push(verdict);
    // A converted Lead's history holds the statuses set before its conversion, and the one it was handed off at.
    // The owner history's rep is the handoff's only where the record got the handoff's write.
    (task ? fromTask : earlier).push({ record, personId, handoffAt, withCurrent: false });
    if (!linked) {
      // Found by its stamp, the Lead was converted: converting set its status, a touch as the conversions count it.
      const converted = conversionTouch(personId, record, handoffAt);
      if (converted) touches.push(converted);
    }
    ctx.log.debug("handoff.restored", { personId, crmId: record.id, ownerId, handoffAt, stage: latest.toStage, fromTask: task !== undefined });
  }
  if (clocks.length === 0) return {};
  await ownHandoffOwners(ctx, setup, earlier, clocks, owners);
  touches.push(...(await touchesFromStatusHistory(ctx, setup, [...earlier, ...fromTask])));
  await ownerEmails(setup, clocks, owners);
  // A breach raised before the loss comes back with its clock, not raised again, and a reroute it made
  // with the rerouted rep's clock (restored-reroutes.ts).
  const followUps = await restoredFollowUps(ctx, setup, clocks.map((clock) => ({ clock, ownerEmail: owners.get(clock.personId) ?? null })));
  const running: SlaClock[] = [];
  const slaClocks: SlaClock[] = [];
  const slaBreaches: SlaBreachRow[] = [];
  for (const clock of clocks) {
    const followUp = followUps.get(clock.personId);
    const chain = followUp?.clocks ?? [clock];
    slaClocks.push(...chain);
    slaBreaches.push(...(followUp?.breaches ?? []));
    running.push(chain.at(-1)!);
    if (chain.length > 1) owners.set(clock.personId, followUp?.ownerEmail ?? null);
  }
  await ownerEmails(setup, running, owners);
  const personScores = await keptOwners(ctx, running, owners);
  return { slaClocks, slaTouches: touches, personScores, ...(slaBreaches.length > 0 ? { slaBreaches } : {}) };
}

/**
 * The clocks given back to the rep each handoff gave its record, as its owner history shows them
 * (restored-owners.ts), where a rep has given the record to someone else since: the handoff's follow-up
 * task is that rep's, which the clock's stop completes (follow-up-done.ts). Their owner's email is then
 * looked up by id (`keptOwners`), not taken from the record.
 */
async function ownHandoffOwners(
  ctx: RunContext,
  setup: FunnelSetup,
  restored: readonly RestoredClockRecord[],
  clocks: SlaClock[],
  owners: Map<string, string | null>,
): Promise<void> {
  const handedTo = await handoffOwners(ctx, setup, restored);
  const recordOf = new Map(restored.map((r) => [r.personId, r.record.id]));
  for (const [i, clock] of clocks.entries()) {
    const owner = handedTo.get(recordOf.get(clock.personId) ?? "");
    if (owner === undefined || owner === clock.ownerId) continue;
    clocks[i] = { ...clock, ownerId: owner };
    owners.set(clock.personId, null);
  }
}

/** The record shows a handoff's write: an MQL date and an owner (`carriesHandoff` checks the date). */
function showsHandoff(setup: FunnelSetup, record: SourceRecord): boolean {
  return Boolean(record.fields[setup.vocabulary.fields.mqlDate ?? ""] && record.fields[setup.vocabulary.ownerField]);
}

/** The stages a person reaches past MQL: a rep's verdict, a conversion, a deal's outcome. */
const PAST_MQL: ReadonlySet<string> = new Set(STAGES.slice(STAGES.indexOf("mql") + 1));

/** Where a person sales accepted goes on to without another verdict: their deal's stages. */
const PAST_ACCEPTED: ReadonlySet<string> = new Set(["opportunity", "won", "lost"]);

/**
 * When the linked record's status is the verdict behind the person's restored stage (that stage, or a
 * qualified verdict the person's deal took on to opportunity, won or lost), that verdict's time: the
 * restored move's, which the contact's `leadloop_disposition_date` gave, the record's modification when
 * the dispositions read the verdict. Null otherwise: a working status's time is in the record's history
 * alone (restored-touches.ts), and a Lead
 * found by its stamp (converted: its link moved to the Contact) was no record the dispositions read.
 */
function verdictTouch(
  setup: FunnelSetup,
  crm: string,
  record: SourceRecord,
  latest: { toStage: string; cause: string; at: string },
): string | null {
  const { object, field } = setup.vocabulary.status;
  if (record.object !== object || !isRestored(latest.cause)) return null;
  const reading = readStatus(record.fields[field] ?? null, setup.qualification.definition, crm);
  if (reading.kind !== "verdict") return null;
  const stage = stageForDisposition(reading.entry.disposition);
  const behind = stage === latest.toStage || (stage === "sal" && PAST_ACCEPTED.has(latest.toStage));
  return stage !== null && behind ? latest.at : null;
}

/** The emails of these clocks' owners where `owners` names none for the person (null): one look-up. */
async function ownerEmails(setup: FunnelSetup, clocks: readonly SlaClock[], owners: Map<string, string | null>): Promise<void> {
  const unnamed = [...new Set(clocks.filter((c) => owners.get(c.personId) === null && c.ownerId).map((c) => c.ownerId!))];
  if (unnamed.length === 0) return;
  const emailOf = await setup.vocabulary.ownerEmails(unnamed);
  for (const c of clocks) if (owners.get(c.personId) === null) owners.set(c.personId, emailOf.get(c.ownerId ?? "") ?? null);
}

/**
 * The owner kept for each person whose clock came back, as the handoff keeps it for `hot`, `digest` and a
 * report by owner: the record's owner's email (Salesforce reads it with the record; with HubSpot as the CRM
 * the CRM's owners name theirs, `ownerEmails`, as for a lead reassigned by hand: looked up once, only when a
 * clock came back).
 */
async function keptOwners(
  ctx: RunContext,
  clocks: readonly SlaClock[],
  owners: ReadonlyMap<string, string | null>,
): Promise<PersonScoreRow[]> {
  const rows = await ctx.store.listPersonScores({ personIds: clocks.map((c) => c.personId) });
  return rows.flatMap((row) => {
    const ownerEmail = owners.get(row.personId) ?? null;
    return ownerEmail ? [{ ...row, ownerEmail }] : [];
  });
}
