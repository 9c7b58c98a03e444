// A person's behaviour for scoring, read incrementally and kept in the store's behaviour cache.
// Whether a contact has new behaviour is told by the analytics, conversion and email properties HubSpot
// keeps on every contact (BEHAVIOUR_SIGNALS), which come with the contact's own read: a contact whose
// signals did not move since they were last read (leadloop's own write, an edited title) costs no
// behaviour read. What is read depends on the portal (ARCHITECTURE.md, "Behaviour on every tier"):
// - `events` (Enterprise): the events API, per contact whose signals moved, from shortly before the last
//   read; on a first load, or once reading a run's contacts one by one would cost more calls than the
//   last bulk read's rate says a bulk read would (after an earlier bulk read; decided on a change group's
//   contacts at once, `readBulkEventsIfDue`), one bulk read of every contact's events (the events API
//   without `objectId`) instead, from its own cursor; a portal that
//   refuses that read (400 VALIDATION_ERROR, as HubSpot's OpenAPI spec requires `objectId` or
//   `objectProperty`) is read one contact at a time, decided once and kept in the store;
// - `bulk` (below Enterprise, where the events API answers 403 MISSING_SCOPES): page views from the
//   contact's page-view count, last visit and last page seen; form submissions and marketing email opens
//   and clicks from the bulk APIs, each read at most once per run from its own cursor, and only when some
//   contact's conversion or email signals moved.
// Activities and the signals they cover are committed before scoring, with the bulk cursors they reached:
// a crash after the read re-scores from the cache, and no cursor passes behaviour that was not kept.
import { z } from "zod";
import { conversionCount, formNamed, newSubmissionAt } from "../../core/behaviour/conversion-properties.js";
import { valuesFingerprint } from "../../core/behaviour/signal-marks.js";
import { groupBy } from "../../core/grouping.js";
import type { FieldValue, SourceRecord } from "../../core/records.js";
import type { ScoredActivity } from "../../core/scoring/definition.js";
import type { BatchCommit, BehaviourMark, CachedActivity, Cursor, MarkSignature, StoreFact } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import { SystemError } from "../system-error.js";
import { HeldBehaviour } from "./held-behaviour.js";
import {
  BEHAVIOUR_SIGNALS,
  type BulkPage,
  CONVERSION_NAME,
  type FunnelRunState,
  type FunnelSetup,
  PORTAL_BEHAVIOURS,
  type PortalBehaviour,
  QUALIFICATION_CURSOR,
} from "./funnel-setup.js";

const SYSTEM = "hubspot";
/** The store fact holding the probed source and when it was probed. */
export const BEHAVIOUR_SOURCE_FACT = "hubspot.behaviourSource";
/** A probe's answer is trusted this long: a portal changes tier rarely, and a refusal switches at once. */
export const PROBE_TTL_MS = 86_400_000;

/** Whether a probe of the portal the store kept (its tier, its scopes) is recent enough to go by. */
export function probeTrusted(fact: StoreFact | undefined, now: Date): fact is StoreFact {
  return fact !== undefined && now.getTime() - Date.parse(fact.at) < PROBE_TTL_MS;
}
/** Events are read again from this long before the last read: HubSpot records some a little late. */
const EVENTS_LOOKBACK_MS = 3_600_000;
/** The bulk sources are read from this long before their cursor, for the same reason (ids deduplicate). */
const BULK_LOOKBACK_MS = 3_600_000;
/**
 * A submission of one form by one person, read from the other source this close in time to one held, is
 * that one (`withoutKnownSubmissions`): the two sources give the same instant, but a second's rounding
 * must not keep it twice.
 */
const SAME_SUBMISSION_MS = 1_000;
const FORMS_CURSOR = "behaviour#forms";
/** How far every contact's events are in the cache: the start of the last bulk read of the events API. */
export const EVENTS_CURSOR = "behaviour#events";
/**
 * Contacts a run reads one by one before it reads every contact's events in bulk instead, while the store
 * has not yet measured what a bulk read costs (EVENTS_BULK_COST_FACT). A per-contact read is one call per
 * contact at least; the bulk read is one call per 1,000 of the portal's events since the last bulk read
 * (the whole window on a first load, which takes the bulk read at once: there it reads the same events as
 * reading every contact one by one would).
 */
export const EVENTS_BULK_THRESHOLD = 100;
/**
 * The store fact holding the calls the last bulk events read made and the window it covered
 * (`{"calls":n,"windowMs":w}`): the portal's events per unit of time, in calls. A run reads in bulk once
 * reading its contacts one by one would cost more calls than a bulk read of the window since the events
 * cursor is expected to (at least one call), so a few changed contacts stay one by one and many cost a
 * few pages, whatever their number; a busy portal's long window keeps a modest run to per-contact reads.
 */
export const EVENTS_BULK_COST_FACT = "hubspot.eventsBulkCost";
const bulkCost = z.object({ calls: z.number().int().nonnegative(), windowMs: z.number().positive() });
const EMAIL_CURSOR = "behaviour#email";

type Part = keyof typeof BEHAVIOUR_SIGNALS;
/**
 * A contact's signals as read: each part's values, whose JSON array's text the part's fingerprint is
 * taken of (core/behaviour/signal-marks.ts `valuesFingerprint`, without making the text).
 */
interface Signature {
  values: Record<Part, readonly FieldValue[]>;
}

/**
 * This run's behaviour source: the setting, else the store's probe of the last day, else one probe. A
 * portal that refuses the events API's read of every contact (`events-per-contact`, kept in the store as
 * the probe is) reads the events API one contact at a time, under `auto` and `events` alike.
 */
export async function behaviourSource(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
): Promise<"events" | "bulk"> {
  if (state.behaviour.source) return state.behaviour.source;
  let portal: PortalBehaviour;
  if (setup.behaviourSource === "properties") portal = "bulk";
  else {
    const now = ctx.now();
    const fact = await ctx.store.getFact(BEHAVIOUR_SOURCE_FACT);
    const known = probeTrusted(fact, now) ? PORTAL_BEHAVIOURS.find((p) => p === fact.value) : undefined;
    if (setup.behaviourSource === "events") portal = known === "events-per-contact" ? known : "events";
    else if (known) portal = known;
    else {
      portal = await setup.activities.probeEventsApi();
      await ctx.store.commitBatch({
        runId: ctx.runId,
        facts: [{ name: BEHAVIOUR_SOURCE_FACT, value: portal, at: now.toISOString() }],
        at: now.toISOString(),
      });
      if (portal === "events-per-contact") warnBulkRefused(ctx, "400 VALIDATION_ERROR to the probe");
    }
    if (setup.behaviourSource === "auto") ctx.log.info("behaviour.source", { source: portal, describe: describeSource(portal) });
  }
  state.behaviour.eventsBulkRefused = portal === "events-per-contact";
  state.behaviour.source = portal === "bulk" ? "bulk" : "events";
  return state.behaviour.source;
}

export function describeSource(source: PortalBehaviour): string {
  if (source === "events")
    return "events API (Enterprise): page views, form submissions, email opens and clicks, CTA clicks per event";
  if (source === "events-per-contact")
    return (
      "events API (Enterprise), one contact at a time, as the portal refuses a read of every contact's events without objectId: " +
      "page views, form submissions, email opens and clicks, CTA clicks and custom events per event, a call per contact whose behaviour signals moved " +
      "(a first load costs a call per contact with behaviour)"
    );
  return "contact analytics and conversion properties (page views, visits, last visit and page; a person's one new form submission), form submissions API and marketing email events API (no events API below Enterprise)";
}

/** What a behaviour read leaves for its caller's decision: the marks of contacts whose signals moved. */
export type BehaviourKept = Pick<BatchCommit, "behaviourMarks" | "behaviourPruneBefore">;

/**
 * The behaviour of these contacts since `since`, per contact id, reading only what is new. Activities
 * and cursors read are kept in the store at once (the scoring reads the cache); marks alone are left to
 * the caller's decision (`decided`), so a qualification group keeps them in its one commit instead of
 * one commit per step: a mark lost with a stopped group only makes the next run read those contacts again.
 */
export async function readBehaviour(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  records: readonly SourceRecord[],
  since: string,
): Promise<{ activitiesOf: Map<string, ScoredActivity[]>; decided: BehaviourKept }> {
  const now = ctx.now().toISOString();
  const { ids, marks, signatures, fingerprints, moved, anyMoved } = await signalsOf(ctx, records);
  const modifiedAt = new Map(records.map((r) => [r.id, r.modifiedAt]));

  const fresh: CachedActivity[] = [];
  const readOneByOne = new Set<string>();
  const cursors: Omit<Cursor, "updatedAt">[] = [];
  let source = await behaviourSource(ctx, setup, state);
  if (source === "events") {
    const toRead = eventsToRead({ ids, marks, signatures, anyMoved });
    try {
      await readAllEventsIfDue(ctx, setup, state, toRead.length, since);
      const bulkAt = state.behaviour.eventsBulkAt;
      // After this run's bulk read, only a contact read after it began can show events it did not cover.
      const bulkMs = bulkAt === null ? Number.NaN : Date.parse(bulkAt);
      const oneByOne = bulkAt === null ? toRead : toRead.filter((id) => !(Date.parse(modifiedAt.get(id)!) < bulkMs));
      for (const id of oneByOne) readOneByOne.add(id);
      const eventsCursor = await ctx.store.getCursor(SYSTEM, EVENTS_CURSOR);
      for (const a of await readEvents(ctx, setup, oneByOne, marks, since, eventsCursor?.value ?? null)) fresh.push(a);
      state.behaviour.eventsReadOneByOne += oneByOne.length;
    } catch (err) {
      if (!(err instanceof SystemError && err.code === "MISSING_SCOPES")) throw err;
      source = await eventsRefused(ctx, state);
      fresh.length = 0;
    }
  }
  if (source === "bulk") {
    for (const record of records) {
      if (moved(record.id, "web")) {
        const page = pageViewsFromProperties(record, marks.get(record.id)?.signature.pageViews ?? null);
        if (page) fresh.push(page);
      }
    }
    const converted = state.behaviour.formsRead
      ? []
      : ids.filter((id) => moved(id, "forms") && hasSignal(signatures.get(id)!, "forms"));
    if (converted.length > 0) {
      // One record per contact, its last read, as `signatures` has it.
      const byId = new Map(records.map((r) => [r.id, r]));
      const told = await submissionsTold(ctx, setup, state, converted.map((id) => byId.get(id)!), marks);
      if (told) fresh.push(...(await withoutKnownSubmissions(ctx, told)));
      else {
        const read = (from: string | null, onPage: BulkPage) => setup.activities.readFormSubmissions(from, now, onPage);
        cursors.push(await readBulk(ctx, FORMS_CURSOR, "forms", read, since, now));
        state.behaviour.formsRead = true;
      }
    }
    if (!state.behaviour.emailRead && ids.some((id) => moved(id, "email") && hasSignal(signatures.get(id)!, "email"))) {
      const read = (from: string | null, onPage: BulkPage) => setup.activities.readEmailEvents(from, now, onPage);
      cursors.push(await readBulk(ctx, EMAIL_CURSOR, "email", read, since, now));
      state.behaviour.emailRead = true;
    }
  }

  // A contact the bulk read covered is covered up to when that read began, not to now: its next read
  // starts from there, so events of the run's own span are not skipped.
  const coveredUntil = (id: string): string =>
    source === "events" && state.behaviour.eventsBulkAt !== null && !readOneByOne.has(id)
      ? state.behaviour.eventsBulkAt
      : now;
  const newMarks: BehaviourMark[] = ids
    .filter((id) => anyMoved(id))
    .map((id) => ({ personId: id, signature: markSignature(signatures.get(id)!, fingerprints.get(id)!), readAt: coveredUntil(id) }));
  // Decayed activities are dropped once per run: the delete walks the whole cache (no index on time,
  // ARCHITECTURE.md "Memory at scale"), which per page would cost a million-contact store a scan per 100.
  const kept: BehaviourKept = {
    ...(newMarks.length > 0 ? { behaviourMarks: newMarks } : {}),
    ...(!state.behaviour.pruned && (fresh.length > 0 || newMarks.length > 0 || cursors.length > 0)
      ? { behaviourPruneBefore: since }
      : {}),
  };
  if (kept.behaviourPruneBefore) state.behaviour.pruned = true;
  let decided: BehaviourKept = kept;
  if (fresh.length > 0 || cursors.length > 0) {
    // What was read is in the cache before the scoring reads the cache (below), its marks and cursors with it.
    await ctx.store.commitBatch({ runId: ctx.runId, behaviour: fresh, cursors, ...kept, at: now });
    decided = {};
  }

  const owners = new Map<string, string>();
  for (const r of records) {
    owners.set(`contact:${r.id}`, r.id);
    const email = r.fields.email?.trim().toLowerCase();
    if (email) owners.set(`email:${email}`, r.id);
  }
  const out = new Map<string, ScoredActivity[]>(ids.map((id) => [id, []]));
  const listed = await ctx.store.listBehaviour([...owners.keys()], since);
  // Indexed: a for-of made an iterator result per activity where V8 had not optimised this.
  for (let i = 0; i < listed.length; i++) {
    const a = listed[i]!;
    const personId = owners.get(a.ownerKey);
    // The cache's activity as it is, not a copy: a scoring read lists every activity of every contact
    // scored, and the scoring reads only its id, kind, time and properties (the cache keeps the kinds leadloop read).
    if (personId !== undefined) out.get(personId)!.push(a as ScoredActivity);
  }
  return { activitiesOf: out, decided };
}

/**
 * The events API's bulk read, decided once for every contact a caller is about to score in steps (a
 * change group's, ahead of its steps of 20): a step deciding alone reads a contact of an early step one
 * by one, and the bulk read that a later step makes due reads it again (issue 11: behaviour reads at most
 * one per 100 changed contacts). The steps' own reads then cover only contacts changed since it began.
 */
export async function readBulkEventsIfDue(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  records: readonly SourceRecord[],
  since: string,
): Promise<void> {
  // The source first: its probe's answer tells whether the portal refuses the bulk read.
  if (records.length === 0 || (await behaviourSource(ctx, setup, state)) !== "events" || !bulkEventsOpen(state)) return;
  try {
    await readAllEventsIfDue(ctx, setup, state, eventsToRead(await signalsOf(ctx, records)).length, since);
  } catch (err) {
    if (!(err instanceof SystemError && err.code === "MISSING_SCOPES")) throw err;
    await eventsRefused(ctx, state);
  }
}

/** Whether this run may still read every contact's events in bulk: not read yet, and not refused. */
function bulkEventsOpen(state: FunnelRunState): boolean {
  return state.behaviour.eventsBulkAt === null && !state.behaviour.eventsBulkRefused;
}

/** Reads every contact's events in bulk when `toRead` contacts' reads one by one would cost more (`bulkEventsDue`). */
async function readAllEventsIfDue(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  toRead: number,
  since: string,
): Promise<void> {
  if (toRead > 0 && bulkEventsOpen(state) && (await bulkEventsDue(ctx, state, toRead))) {
    await readAllContactEventsUnlessRefused(ctx, setup, state, since);
  }
}

/** What a portal without the events API answers (403 MISSING_SCOPES): the bulk sources from now on, kept in the store. */
async function eventsRefused(ctx: RunContext, state: FunnelRunState): Promise<"bulk"> {
  const now = ctx.now().toISOString();
  ctx.log.warn("behaviour.events_refused", {
    message:
      "HubSpot refused the events API (403 MISSING_SCOPES: it needs Marketing Hub Enterprise and its scope); " +
      `behaviour now comes from ${describeSource("bulk")}`,
  });
  state.behaviour.source = "bulk";
  await ctx.store.commitBatch({
    runId: ctx.runId,
    facts: [{ name: BEHAVIOUR_SOURCE_FACT, value: "bulk", at: now }],
    at: now,
  });
  return "bulk";
}

/** These contacts' signals as read, against the marks the store keeps of them. */
interface Signals {
  ids: string[];
  marks: Map<string, BehaviourMark>;
  signatures: Map<string, Signature>;
  fingerprints: Map<string, Record<Part, number>>;
  /** Whether the part's signals differ from the contact's mark (no mark: moved). */
  moved(id: string, part: Part): boolean;
  anyMoved(id: string): boolean;
}

async function signalsOf(ctx: RunContext, records: readonly SourceRecord[]): Promise<Signals> {
  const ids = [...new Set(records.map((r) => r.id))];
  const marks = await ctx.store.behaviourMarks(ids);
  const signatures = new Map(records.map((r) => [r.id, signatureOf(r)]));
  // A mark keeps each part's fingerprint (core/behaviour/signal-marks.ts), not its values: each contact's
  // are worked out once, as most contacts are asked about every part more than once.
  const fingerprints = new Map([...signatures].map(([id, signature]) => [id, fingerprintsOf(signature)]));
  const moved = (id: string, part: Part): boolean => {
    const mark = marks.get(id);
    if (!mark) return true;
    return mark.signature[part] !== fingerprints.get(id)![part];
  };
  const anyMoved = (id: string): boolean => (Object.keys(BEHAVIOUR_SIGNALS) as Part[]).some((p) => moved(id, p));
  return { ids, marks, signatures, fingerprints, moved, anyMoved };
}

/** The contacts whose events are to be read: signals moved, and some behaviour shown (blank signals have no events). */
function eventsToRead({ ids, marks, signatures, anyMoved }: Pick<Signals, "ids" | "marks" | "signatures" | "anyMoved">): string[] {
  return ids.filter(
    (id) => anyMoved(id) && (marks.has(id) || (Object.keys(BEHAVIOUR_SIGNALS) as Part[]).some((p) => hasSignal(signatures.get(id)!, p))),
  );
}

function signatureOf(record: SourceRecord): Signature {
  const values = {
    web: BEHAVIOUR_SIGNALS.web.map((f) => record.fields[f] ?? null),
    forms: BEHAVIOUR_SIGNALS.forms.map((f) => record.fields[f] ?? null),
    email: BEHAVIOUR_SIGNALS.email.map((f) => record.fields[f] ?? null),
  };
  return { values };
}

function fingerprintsOf(signature: Signature): Record<Part, number> {
  return {
    web: valuesFingerprint(signature.values.web),
    forms: valuesFingerprint(signature.values.forms),
    email: valuesFingerprint(signature.values.email),
  };
}

/** What the store keeps of a contact's signals: each part's fingerprint, and the page-view count as shown. */
function markSignature(signature: Signature, fingerprints: Record<Part, number>): MarkSignature {
  return {
    ...fingerprints,
    pageViews: signature.values.web[0] ?? null,
    conversions: conversionCount(signature.values.forms[0]),
  };
}

/** Whether the contact has any such behaviour at all (a blank signal needs no bulk read). */
function hasSignal(signature: Signature, part: Part): boolean {
  return signature.values[part].some((v) => v !== null && v !== "" && v !== "0");
}

/**
 * Whether this run reads every contact's events in bulk now: on a first load, or once reading this run's
 * contacts one by one would cost more calls than the bulk read is expected to, when an earlier bulk read
 * bounds what is read (a store that never read in bulk would read the whole window of every contact,
 * which a run of a few hundred changed contacts in a large portal must not pay).
 */
async function bulkEventsDue(ctx: RunContext, state: FunnelRunState, toRead: number): Promise<boolean> {
  if (state.behaviour.firstLoad === null) {
    state.behaviour.firstLoad = !(await ctx.store.getCursor(ctx.marketing.system, QUALIFICATION_CURSOR));
  }
  if (state.behaviour.firstLoad) return true;
  const cursor = await ctx.store.getCursor(SYSTEM, EVENTS_CURSOR);
  if (!cursor) return false;
  const limit = (await expectedBulkCalls(ctx, cursor.value)) ?? EVENTS_BULK_THRESHOLD;
  return state.behaviour.eventsReadOneByOne + toRead > limit;
}

/** The calls a bulk read from the events cursor would make now, at the last bulk read's rate; null if never measured. */
async function expectedBulkCalls(ctx: RunContext, cursor: string): Promise<number | null> {
  const fact = await ctx.store.getFact(EVENTS_BULK_COST_FACT);
  if (!fact) return null;
  let measured: z.infer<typeof bulkCost>;
  try {
    measured = bulkCost.parse(JSON.parse(fact.value));
  } catch {
    return null; // an unreadable fact is a missing one: the next bulk read writes it again
  }
  const windowMs = ctx.now().getTime() - (Date.parse(cursor) - EVENTS_LOOKBACK_MS);
  return Math.max(1, Math.ceil((measured.calls * windowMs) / measured.windowMs));
}

/**
 * The bulk read, or, when HubSpot refuses a read of the events API that names no record (400
 * VALIDATION_ERROR: its OpenAPI spec requires `objectId` or `objectProperty`), the decision to read this
 * portal's contacts one by one: said once with a warning and kept in the store as the probe's answer, so
 * neither this process's later runs nor another's ask the refused read again within the probe's day.
 * One by one reads the same events, so the same scores and reasons; it costs a call per contact whose
 * signals moved, which only a first load pays for every contact with behaviour.
 */
async function readAllContactEventsUnlessRefused(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  since: string,
): Promise<void> {
  try {
    await readAllContactEvents(ctx, setup, state, since);
  } catch (err) {
    if (!(err instanceof SystemError && err.code === "VALIDATION_ERROR")) throw err;
    const at = ctx.now().toISOString();
    warnBulkRefused(ctx, `400 VALIDATION_ERROR: ${err.message}`);
    state.behaviour.eventsBulkRefused = true;
    await ctx.store.commitBatch({
      runId: ctx.runId,
      facts: [{ name: BEHAVIOUR_SOURCE_FACT, value: "events-per-contact", at }],
      at,
    });
  }
}

/** Said once, when leadloop learns it (the probe's answer or the refused read), not on every run after. */
function warnBulkRefused(ctx: RunContext, answer: string): void {
  ctx.log.warn("behaviour.events_bulk_refused", {
    message:
      `HubSpot refused the events API's read of every contact's events (${answer}); ` +
      `behaviour now comes from the ${describeSource("events-per-contact")}`,
  });
}

/**
 * Every contact's events since the events cursor (the window on the first bulk read), committed to the
 * cache a few thousand at a time (held-behaviour.ts) so a million contacts' events never sit in memory;
 * the cursor moves to the read's start with the last of them. A crash midway leaves the cursor where it
 * was: the pages kept are read again next time, and their ids replace what is held.
 */
async function readAllContactEvents(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  since: string,
): Promise<void> {
  const startedAt = ctx.now().toISOString();
  const cursor = await ctx.store.getCursor(SYSTEM, EVENTS_CURSOR);
  const from = cursor
    ? new Date(Math.max(Date.parse(since), Date.parse(cursor.value) - EVENTS_LOOKBACK_MS)).toISOString()
    : since;
  let read = 0;
  let calls = 0;
  const held = new HeldBehaviour(ctx);
  await setup.activities.readContactEvents(from, async (page) => {
    calls++;
    read += page.length;
    await held.add(page.map(cachedEvent));
  });
  const cost = { calls, windowMs: Math.max(1, Date.parse(startedAt) - Date.parse(from)) };
  // The last activities held go with the cursor: it passes nothing not in the cache.
  await held.commit({
    cursors: [{ system: SYSTEM, object: EVENTS_CURSOR, value: startedAt, lastId: null }],
    facts: [{ name: EVENTS_BULK_COST_FACT, value: JSON.stringify(cost), at: startedAt }],
  });
  state.behaviour.eventsBulkAt = startedAt;
  ctx.log.debug("behaviour.events_bulk_read", { from, activities: read });
}

function cachedEvent(a: ScoredActivity & { contactId: string }): CachedActivity {
  // The read's own properties object, not a copy: nothing else holds the events API's answer.
  return {
    ownerKey: `contact:${a.contactId}`,
    id: a.id,
    kind: a.kind,
    occurredAt: a.occurredAt,
    properties: a.properties,
    source: "events",
  };
}

async function readEvents(
  ctx: RunContext,
  setup: FunnelSetup,
  ids: readonly string[],
  marks: Map<string, BehaviourMark>,
  since: string,
  /** How far a bulk read has cached every contact's events (null: never read in bulk). */
  eventsCursor: string | null,
): Promise<CachedActivity[]> {
  // Each contact is read from shortly before what the cache covers for it (its own last read, or the last
  // bulk read of every contact); one never covered is read over the whole window.
  const bySince = groupBy(ids, (id) => {
    const covered = Math.max(
      marks.has(id) ? Date.parse(marks.get(id)!.readAt) : -Infinity,
      eventsCursor ? Date.parse(eventsCursor) : -Infinity,
    );
    return Number.isFinite(covered)
      ? new Date(Math.max(Date.parse(since), covered - EVENTS_LOOKBACK_MS)).toISOString()
      : since;
  });
  const out: CachedActivity[] = [];
  for (const [from, group] of bySince) {
    for (const a of await setup.activities.readActivities(group, from)) out.push(cachedEvent(a));
  }
  if (ids.length > 0) ctx.log.debug("behaviour.events_read", { contacts: ids.length });
  return out;
}

/**
 * Page views below Enterprise, from the properties HubSpot keeps: the views added since the contact was
 * last read (the whole count on a first read), as one activity dated at the last visit and naming the last
 * page seen. An approximation: which pages were seen before the last one, and when, is not in the API.
 */
function pageViewsFromProperties(record: SourceRecord, previousCount: string | null): CachedActivity | null {
  const f = record.fields;
  const count = Number(f.hs_analytics_num_page_views ?? "0");
  const before = Number(previousCount ?? "0");
  const at = f.hs_analytics_last_visit_timestamp || f.hs_analytics_last_timestamp;
  if (!(count > before) || !at) return null;
  const properties: Record<string, string> = { hs_page_view_count: String(count - before) };
  if (f.hs_analytics_last_url) properties.hs_url = f.hs_analytics_last_url;
  return {
    ownerKey: `contact:${record.id}`,
    // The contact is in the id: a count alone is no one's (many contacts reach 3 views), and the id is the
    // key of the CRM task a handoff logs it as (leadloop:activity:<id>), an External ID, where one
    // contact's upsert would take over another's task.
    id: `page-views:${record.id}:${count}`,
    kind: "page_view",
    occurredAt: new Date(Date.parse(at)).toISOString(),
    properties,
    source: "properties",
  };
}

async function readBulk(
  ctx: RunContext,
  object: string,
  source: "forms" | "email",
  read: (from: string | null, onPage: BulkPage) => Promise<void>,
  since: string,
  /** What `read` reads up to: the cursor moves here, never past what was read. */
  until: string,
): Promise<Omit<Cursor, "updatedAt">> {
  const cursor = await ctx.store.getCursor(SYSTEM, object);
  const from = cursor
    ? new Date(Math.max(Date.parse(since), Date.parse(cursor.value) - BULK_LOOKBACK_MS)).toISOString()
    : since;
  // The pages go to the behaviour cache a few thousand activities at a time, as the events API's bulk
  // read does (held-behaviour.ts): a portal's window can hold more activities than a run should hold at
  // once. The cursor moves with the caller's commit, after every page is in the store.
  let activities = 0;
  const held = new HeldBehaviour(ctx);
  await read(from, async (page) => {
    activities += page.length;
    const cached: CachedActivity[] = page.map((a) => ({
      ownerKey: `email:${a.email.trim().toLowerCase()}`,
      id: a.id,
      kind: a.kind,
      occurredAt: a.occurredAt,
      properties: { ...a.properties },
      source,
    }));
    // A contact's properties tell a submission only once the forms cursor exists (submissionsTold), so
    // before the first forms read the cache holds none for these pages to meet: a first load's thousands
    // of pages skip looking their owners' behaviour up.
    await held.add(source === "forms" && cursor ? await withoutKnownSubmissions(ctx, cached) : cached);
  });
  await held.commit();
  ctx.log.debug("behaviour.bulk_read", { source: object, activities });
  return { system: SYSTEM, object, value: until, lastId: null };
}

/**
 * The form submissions these contacts' properties tell (core/behaviour/conversion-properties.ts), one
 * each, or null when any of them does not tell its own for certain: then the forms API is read for all,
 * as it covers every contact alike. Needs a forms API read before (its cursor): a first load reads the
 * history there. The portal's forms are listed once a run, to name each submission's form.
 */
async function submissionsTold(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  records: readonly SourceRecord[],
  marks: ReadonlyMap<string, BehaviourMark>,
): Promise<CachedActivity[] | null> {
  if (!(await ctx.store.getCursor(SYSTEM, FORMS_CURSOR))) return null;
  const told: { record: SourceRecord; email: string; at: string }[] = [];
  for (const record of records) {
    const email = record.fields.email?.trim().toLowerCase();
    const mark = marks.get(record.id);
    const before = mark ? { count: mark.signature.conversions, readAt: mark.readAt } : null;
    const at = newSubmissionAt(record.fields, before, BULK_LOOKBACK_MS);
    if (!email || at === null) return null;
    told.push({ record, email, at });
  }
  state.behaviour.forms ??= await setup.activities.listForms();
  const out: CachedActivity[] = [];
  for (const { record, email, at } of told) {
    const form = formNamed(record.fields[CONVERSION_NAME], state.behaviour.forms);
    if (!form) return null;
    out.push({
      // Owned by the email address, as the forms API's submissions are: one person, one owner.
      ownerKey: `email:${email}`,
      id: `form:${record.id}:${Date.parse(at)}`,
      kind: "form_submission",
      occurredAt: at,
      // What the forms API's submission names too, so the two read the same on a rep's task.
      properties: { hs_form_id: form.id, hs_form_name: form.name },
      source: "properties",
    });
  }
  ctx.log.debug("behaviour.forms_told", { contacts: out.length });
  return out;
}

/**
 * Form submissions less those the cache holds already from the other source: one told by a contact's
 * properties and later read from the forms API (or the other way round) is the same submission, known by
 * its owner, its form and its time (within SAME_SUBMISSION_MS). Two of one source are two submissions:
 * the forms API gives each its own id, and a contact's properties tell one at a time.
 */
async function withoutKnownSubmissions(ctx: RunContext, submissions: CachedActivity[]): Promise<CachedActivity[]> {
  if (submissions.length === 0) return submissions;
  // One pass; each owner's list below is appended to, not copied for every submission.
  let earliest = Infinity;
  const owners = new Set<string>();
  for (const a of submissions) {
    earliest = Math.min(earliest, Date.parse(a.occurredAt));
    owners.add(a.ownerKey);
  }
  const held = new Map<string, CachedActivity[]>();
  for (const a of await ctx.store.listBehaviour([...owners], new Date(earliest - SAME_SUBMISSION_MS).toISOString())) {
    if (a.kind !== "form_submission") continue;
    const list = held.get(a.ownerKey);
    if (list) list.push(a);
    else held.set(a.ownerKey, [a]);
  }
  return submissions.filter((s) => {
    const at = Date.parse(s.occurredAt);
    return !(held.get(s.ownerKey) ?? []).some(
      (h) =>
        h.source !== s.source &&
        h.properties.hs_form_id === s.properties.hs_form_id &&
        Math.abs(Date.parse(h.occurredAt) - at) <= SAME_SUBMISSION_MS,
    );
  });
}
