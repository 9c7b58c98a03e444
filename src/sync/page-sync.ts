// Syncs one page of changed records from one side: finds or makes each record's link, fetches the
// counterparts that need a merge, merges field by field, plans the writes, writes them in batches and
// commits links, last synced values, audit, errors and the page's cursor in one store transaction.
import type { FieldMapping, ObjectMapping } from "../core/mapping.js";
import { compileMapping, mergeRecord } from "../core/merge/merge-record.js";
import type { MergeResult, SnapshotPair } from "../core/merge/types.js";
import {
  domainSpellings,
  type FieldValue,
  hasNoFields,
  latestReads,
  type SourceRecord,
} from "../core/records.js";
import type { Cursor, FieldSnapshot, HistoryToFill, Link, LinkWrite, MatchMiss, OutboxWrite, QueuedError } from "../store/port.js";
import { carryConversions, contactHolder, type ConvertedLink, converted, relinkToConverted } from "./converted-leads.js";
import { settleByFieldTimes } from "./conflict-times.js";
import { crmDefaultsBack } from "./crm-defaults.js";
import { pairRecordIds, type RefusedSyncWrite, refusedSyncWrites, reopened } from "./refused-sync-writes.js";
import { releasedByChange } from "./record-refusals.js";
import { crmFields, marketingFields } from "./field-lists.js";
import {
  missingStamps,
  pendingStamps,
  STAMP_KEY,
  STAMP_RULE,
  stampField,
  stampSnapshot,
  stampsInPlace,
  stampWriteKey,
} from "./link-stamps.js";
import { fieldSyncWrite, waitsForDrain } from "./outbox/field-sync-write.js";
import { funnelWrite } from "./outbox/funnel-write.js";
import { otherSide, port, type RunContext, SIDE_NAMES, type SideName } from "./run-context.js";
import type { PendingRecords } from "./change-groups.js";
import { openErrorsAbout } from "./open-errors.js";
import { indexedCandidates } from "./match-index.js";
import { creationMapping, idleMisses, leftAsTheyAre, matcherOf, missNotes } from "./match-misses.js";
import { bump } from "./run-summary.js";
import { stampedCrmRecords, stampedMarketingRecords } from "./stamp-restore.js";
import { aboutRecord, type RecordWrite, refusalMessage, type Removal } from "./system-port.js";
import { deletionsFollowed, notFound } from "./deletions.js";
import { answeredMerge, clocksMoved, contactsMerged, followMerge, mergesFollowed, owedToSurvivors, unlessMoved } from "./merges.js";
import type { PlannedField, PlannedWrite } from "./planned-write.js";
import { type PairWrite, writePairs } from "./write-pairs.js";
import { writeOptions } from "./execute/send-writes.js";
import type { HeldCreates } from "./held-creates.js";
import type { StreamProgress } from "./change-groups.js";
import { groupBy } from "../core/grouping.js";
import { payloadValue } from "../core/payload-text.js";
import { matchKeysHeld, normalizeMatchKey } from "../core/match-keys.js";
import { byBinary } from "../core/text/binary-order.js";

export interface PageInput {
  source: SideName;
  /** The object the records are of. */
  object: string;
  /** The pair's mappings (e.g. contact↔Lead and contact↔Contact). */
  mappings: readonly ObjectMapping[];
  records: readonly SourceRecord[];
  /** Saved with the page's writes; absent when re-syncing single records (errors retry). */
  cursor?: Omit<Cursor, "updatedAt">;
  /** Error-queue entries this page re-syncs: resolved when their record is written. */
  retrying?: Map<string, number>;
  /**
   * The stream's creates held across its groups (held-creates.ts): a create that upserts on its source's
   * id waits there until a full call's worth is due, and the page commits the cursor it hands back.
   */
  creates?: HeldCreates;
  /** The stream's last group (change-groups.ts `ChangeGroup.last`): every held create goes now. */
  last?: boolean;
  /** How far the stream is, of the size its system said (change-groups.ts `ChangeGroup.stream`). */
  stream?: StreamProgress;
}

/** A record pair on its way through the page. */
interface Pairing {
  mapping: ObjectMapping;
  link: Link | undefined;
  marketing: SourceRecord | null;
  crm: SourceRecord | null;
  matchKey: string | null;
  /** The source record's id (for error entries and retries). */
  sourceId: string;
  /**
   * Linked again from a stamp (a lost store's link, `linked`): not a rep's record met for the first time,
   * so the history fill, which the first link decided, leaves it; its score mark comes back instead
   * (repRecordMatches, restored-score-marks.ts).
   */
  restored?: boolean;
}

export async function syncPage(ctx: RunContext, input: PageInput): Promise<void> {
  const { source, mappings } = input;
  const pair = mappings[0]!.pair;
  const records = latestReads(input.records);
  const commit = newCommit();

  const read = await linksOf(ctx, source, pair, records);
  const links = read.links;
  let snapshots = read.snapshots;

  const pairings: Pairing[] = [];
  const unlinked: SourceRecord[] = [];
  let toFetch: { record: SourceRecord; link: Link; mapping: ObjectMapping }[] = [];

  for (const record of records) {
    const link = links.get(record.id);
    const mapping = mappingFor(mappings, source === "crm" ? record.object : link?.crmType);
    if (!mapping) continue;
    if (source === "crm" && converted(record, mapping)) {
      if (link) await relink(ctx, commit, link, record, mapping);
      continue;
    }
    if (!link) {
      unlinked.push(record);
      continue;
    }
    toFetch.push({ record, link, mapping });
  }
  const linkedRead = toFetch.map((item) => item.record);
  // A retry merges its records whatever they hold: a refused write's record is its own echo (the page
  // kept its written side's snapshot at what it held), and only the merge decides the write again.
  const echoes = input.retrying ? new Set<SourceRecord>() : await linkedEchoes(ctx, source, toFetch, snapshots);
  if (echoes.size > 0) {
    ctx.summary.unchanged += echoes.size;
    toFetch = toFetch.filter((item) => !echoes.has(item.record));
  }

  pairings.push(...(await pairLinked(ctx, commit, source, toFetch, mappings)));
  pairings.push(...(await pairUnlinked(ctx, source, unlinked, mappings, commit.matchMisses, commit.links)));
  // The page reads the error queue once (nothing before its commit writes the store): for the linked
  // records read, echoes too, whose change may release writes refused for them; the pairs' records, whose
  // entries hold refused writes; converted Leads, whose entries are resolved; and the records found gone,
  // whose entries are moot.
  const open = await openErrorsAbout(ctx, [
    ...linkedRead.map((r) => r.id),
    ...pairRecordIds(pairings),
    ...commit.converted.map((c) => c.lead.id),
    ...commit.gone.filter((r) => !r.takesWrites).map((r) => r.id),
  ]);
  const carried = await carryConversions(ctx, commit.converted, mappings, snapshots, open);
  if (carried.snapshots.size > 0) snapshots = new Map([...snapshots, ...carried.snapshots]);
  commit.resolvedErrors.push(...carried.resolvedErrors);
  const followed = await deletionsFollowed(
    ctx,
    port(ctx, otherSide(source)).system,
    commit.gone,
    new Map([...commit.personOfGone, ...commit.merges.crmEnded]),
    commit.peopleGone,
    open,
  );
  const owed = await owedToSurvivors(ctx, commit.merges);
  commit.resolvedErrors.push(...unlessMoved(followed.resolvedErrors, owed));
  commit.outbox.push(...owed.outbox, ...followed.outbox);

  // A link's snapshots are written only where they changed, against the row read for this page; a link
  // this commit already writes (re-pointed to a converted Lead's Contact) gets its snapshots whole.
  const written = new Set(commit.links.map((l) => l.marketingId));
  const pushLink = (
    p: Pairing,
    snaps: SnapshotValues,
    stamp: SnapshotPair | undefined,
    crmId: string | undefined,
    marketingId: string | undefined,
  ) => {
    const marketing = marketingId ?? p.link?.marketingId ?? "";
    const previous = p.link && !written.has(marketing) ? snapshots.get(p.link.id) : undefined;
    written.add(marketing);
    const changed = previous ? changedSnapshots(p.mapping, snaps, stamp, previous) : withStamp(snaps, stamp);
    commit.links.push(linkWrite(p, changed, crmId, marketingId));
  };

  const released = (await releasedByChange(ctx, linkedRead, open)).map((r) => r.key);
  const refusedByPair = refusedSyncWrites(pairings, open);
  let work: PairWrite[] = [];
  const decidedAgain: { pw: PairWrite; refused: RefusedSyncWrite[] }[] = [];
  const merges = pairings.map((p) => {
    const refused = refusedByPair.get(p);
    const input = {
      mapping: p.mapping,
      marketing: p.marketing,
      crm: p.crm,
      snapshots: p.link ? reopened(snapshots.get(p.link.id), refused) : undefined,
    };
    return { p, refused, input, merged: mergeRecord(input) };
  });
  await settleByFieldTimes(ctx, merges);
  for (const { p, refused, merged } of merges) {
    ctx.summary.conflicts += merged.conflicts.length;
    for (const c of merged.conflicts) ctx.log.debug("conflict.resolved", { runId: ctx.runId, ...c });
    if (merged.errors.length > 0) {
      queueMergeErrors(ctx, commit, p, merged, input);
      continue;
    }
    const pw = planPair(p, merged, { crm: ctx.crm.system, marketing: ctx.marketing.system });
    if (refused) decidedAgain.push({ pw, refused });
    if (!pw.crm && !pw.marketing) {
      ctx.summary.unchanged++;
      if (!p.link && p.marketing && p.crm && p.mapping.pair === "contact") (ctx.linkedPeople ??= []).push(p.marketing.id);
      if (p.link || p.marketing?.id) pushLink(p, pw.merged.snapshots, pw.stamp, p.crm?.id, p.marketing?.id);
      continue;
    }
    work.push(pw);
  }

  let held = new Map<PairWrite, Set<SideName>>();
  if (!input.retrying) {
    const stored = (pw: PairWrite) => {
      const link = (pw.pairing as Pairing).link;
      return link ? snapshots.get(link.id) : undefined;
    };
    ({ work, held } = withoutHeldWrites(ctx, work, open, stored));
  }
  supersedeRefusals(commit, decidedAgain, held);
  // A create that upserts on its source's id waits for more of its kind from later groups (sent again
  // after a stop, it finds the record it made); one decided again after a refusal goes now, with its entry.
  let cursor = input.cursor;
  let jobs: PairWrite[] = [];
  const holder = input.retrying ? undefined : input.creates;
  if (holder) {
    const refusedBefore = new Set(decidedAgain.map((d) => d.pw));
    ({ send: work, jobs } = holder.take(work, records.map((r) => r.id), input.cursor, {
      last: input.last === true,
      holdable: (pw, side) => !refusedBefore.has(pw) && pw[side]!.upsertOn !== undefined && pw[side]!.upsertOn === externalIdOf(pw.mapping, side),
      sourceId: (pw) => (pw.pairing as Pairing).sourceId,
      jobsAbove: (side) => port(ctx, side).bulkThreshold,
      ...(input.stream ? { stream: input.stream } : {}),
    }));
  }
  // Updates wait in the outbox for the run's drain, which sends them in full batches together with what
  // the funnel phases decide for the same records; creates go now (or with the held ones, above), since
  // their ids make the links. A retry (`errors retry`) sends everything now, so it can say whether the
  // entry is resolved.
  const deferred = (pw: PairWrite, side: SideName) => !input.retrying && waitsForDrain(pw, side);
  const sendsNow = (pw: PairWrite, side: SideName) => !deferred(pw, side);
  // A large load's held creates of one object, a bulk job's worth (held-creates.ts): upserts on their
  // source's id, so a job sent again after a stop or a crash finds the records the first one made. They
  // go first: the rows a job did not save (RecordFailure.outsideJob) are held again, for Collections
  // calls with later jobs' (a call per job took a few rows each), and what is due of them goes below.
  const jobsSent = jobs.length > 0 ? await writePairs(ctx, jobs, sendsNow, { ...writeOptions(ctx, true), outsideJobLater: true }) : [];
  const outcomes = jobsSent.filter((o) => !o.failure?.error.outsideJob);
  if (holder) {
    const settled = holder.settle(jobsSent.filter((o) => o.failure?.error.outsideJob).map((o) => o.pair));
    work = [...work, ...settled.send];
    cursor = settled.cursor;
  }
  outcomes.push(...(await writePairs(ctx, work, sendsNow)));
  commit.outbox.push(...(await crmDefaultsBack(ctx, outcomes, (o) => (o.pair.pairing as Pairing).marketing)));
  for (const o of outcomes) {
    const p = o.pair.pairing as Pairing;
    const retryId = input.retrying?.get(p.sourceId);
    if (o.failure) {
      bump(ctx.summary.errors, o.failure.system);
      // A retry that fails again is another attempt on its entry, not a new entry beside it.
      if (retryId !== undefined) {
        commit.errorAttempts.push({ id: retryId, message: refusalMessage(o.failure.error, aboutWhom(p)) });
      } else commit.errors.push({
        runId: ctx.runId,
        system: o.failure.system,
        object: o.failure.object,
        recordId: o.failure.recordId ?? p.sourceId,
        operation: o.failure.operation,
        payload: { source, object: input.object, sourceId: p.sourceId, fields: o.failure.fields },
        errorClass: o.failure.error.errorClass,
        ...(o.failure.error.lastingLock ? { lastingLock: true } : {}),
        message: refusalMessage(o.failure.error, aboutWhom(p)),
        at: ctx.now().toISOString(),
      });
    } else if (retryId !== undefined) commit.resolvedErrors.push(retryId);
    const crmId = o.crmId ?? p.crm?.id;
    const marketingId = o.marketingId ?? p.marketing?.id;
    if (!p.marketing && o.marketingId && p.mapping.pair === "contact") ctx.createdPeople.push(o.marketingId);
    if (!p.link && crmId && marketingId && p.mapping.pair === "contact") (ctx.linkedPeople ??= []).push(marketingId);
    if (crmId && marketingId) {
      const previous = snapshots.get(p.link?.id ?? -1);
      let snaps = keepUnwritten(o.snapshots, previous, o);
      let stamp = o.pair.stamp && keptUnwritten(o.pair.stamp, previous?.[STAMP_KEY], o);
      for (const side of SIDE_NAMES) {
        const record = side === "crm" ? p.crm : p.marketing;
        if (!record || !deferred(o.pair, side) || o.failedSides.length > 0) continue;
        const person = p.mapping.pair === "contact" ? marketingId : null;
        const email = p.mapping.pair === "contact" ? (p.marketing?.fields.email ?? null) : null;
        const kept = fieldSyncWrite(ctx, o.pair, side, record, { marketingId, personId: person, email }, snaps, stamp);
        commit.outbox.push(kept.write);
        snaps = kept.held;
        stamp = kept.stamp;
      }
      const sourceStamp = stampSourceOfCreate(ctx, p, {
        crm: p.crm ? undefined : o.crmId,
        marketing: p.marketing ? undefined : o.marketingId,
      });
      if (sourceStamp) {
        commit.outbox.push(sourceStamp.write);
        stamp = { ...(stamp ?? { marketing: null, crm: null }), [sourceStamp.side]: sourceStamp.id };
      }
      pushLink(p, snaps, stamp, crmId, marketingId);
    }
    commit.audit.push(...o.audit);
  }

  // Existing records linked by matching (a rep's own Lead and a known contact): the history fill writes
  // the person's history on the CRM record. Kept with the link, so a crash before the fill loses none.
  const matches = repRecordMatches(pairings, ctx.scoresCrmRecords === true);
  const linked = matches.length > 0 ? new Set(commit.links.map((l) => `${l.marketingId}\u0000${l.crmId}`)) : undefined;
  const historyToFill = matches.filter((m) => linked!.has(`${m.personId}\u0000${m.crmId}`));
  // A converted Lead's person is scored on the Lead; the Contact it became takes that score in this run's
  // history fill, not at the person's next re-score (a run later at best).
  if (ctx.scoresCrmRecords)
    for (const { moved } of commit.converted)
      historyToFill.push({ personId: moved.marketingId, crmType: moved.crmType, crmId: moved.crmId, cause: "converted" });
  await ctx.store.commitBatch({
    historyToFill,
    runId: ctx.runId,
    at: ctx.now().toISOString(),
    links: commit.links,
    retireLinks: commit.retire,
    audit: commit.audit,
    errors: commit.errors,
    errorAttempts: commit.errorAttempts,
    resolvedErrors: commit.resolvedErrors,
    outboxSuperseded: commit.outboxSuperseded,
    outbox: commit.outbox,
    // After the puts: a refused write re-aimed at a merge's master waits for `errors retry` as before.
    outboxRefused: owed.outboxRefused,
    outboxReleased: released,
    movedErrors: owed.movedErrors,
    outboxDroppedFor: [...carried.droppedFor, ...followed.outboxDroppedFor],
    slaClocks: [...carried.clocks, ...(await clocksMoved(ctx, commit.merges.crmMoves))],
    slaClocksStoppedOn: followed.slaClocksStoppedOn,
    peopleMerged: commit.merges.peopleMerged,
    contactsMerged: contactsMerged(otherSide(source), mappings[0]!, commit.gone),
    matchMisses: commit.matchMisses,
    cursors: cursor ? [cursor] : [],
  });
}

/** The field a create on `side` upserts on when it carries its source's id (planWrite's `stamped`). */
function externalIdOf(mapping: ObjectMapping, side: SideName): string | undefined {
  return side === "crm" ? mapping.crmExternalId : mapping.marketingExternalId;
}

/**
 * The change stream's sorting of a page's records (change-groups.ts `PendingRecords`): linked records equal
 * to their own side's snapshot (our own write read back, a look-back re-read) are echoes, held with the
 * group without filling it, and unlinked records left as they are (match-misses.ts `idleMisses`) go no
 * further. An echo whose change releases a write refused for it (record-refusals.ts) is synced as one; the
 * rest are counted read and unchanged, by the group's sync (its one read of the error queue says which) or
 * by `settle` when a group's worth of echoes is held.
 */
export function pendingRecords(ctx: RunContext, source: SideName, mappings: readonly ObjectMapping[]): PendingRecords {
  return {
    async sort(read) {
      const records = latestReads(read);
      if (records.length === 0) return { records, echoes: new Set() };
      const { links, snapshots } = await linksOf(ctx, source, mappings[0]!.pair, records);
      const linked: { record: SourceRecord; link: Link; mapping: ObjectMapping }[] = [];
      for (const record of records) {
        const link = links.get(record.id);
        const mapping = mappingFor(mappings, source === "crm" ? record.object : link?.crmType);
        if (link !== undefined && mapping !== undefined && !(source === "crm" && converted(record, mapping)))
          linked.push({ record, link, mapping });
      }
      const echoes = await linkedEchoes(ctx, source, linked, snapshots);
      const idle =
        source === "marketing" ? await idleMisses(ctx, mappings, records.filter((r) => !links.has(r.id))) : new Set<string>();
      return { records: idle.size === 0 ? records : records.filter((r) => !idle.has(r.id)), echoes };
    },
    async settle(echoes) {
      const waking = new Set((await releasedByChange(ctx, echoes, await openErrorsAbout(ctx, echoes.map((r) => r.id)))).map((r) => r.recordId));
      const dropped = new Set(echoes.filter((r) => !waking.has(r.id)));
      ctx.summary.unchanged += dropped.size;
      return dropped;
    },
  };
}

/**
 * The linked records that are echoes: each equal to its own side's snapshot, with both stamps in place or
 * on their way in the outbox (asked only for the records whose stamps alone are missing).
 */
async function linkedEchoes(
  ctx: RunContext,
  source: SideName,
  items: readonly { record: SourceRecord; link: Link; mapping: ObjectMapping }[],
  snapshots: ReadonlyMap<number, Record<string, FieldSnapshot>>,
): Promise<Set<SourceRecord>> {
  const echoes = new Set<SourceRecord>();
  const stampless: typeof items[number][] = [];
  for (const item of items) {
    const snaps = snapshots.get(item.link.id);
    if (!snaps || fieldsChanged(item.record, item.mapping, snaps, source)) continue;
    if (stampsInPlace(item.mapping, item.link, item.record, source, snaps[STAMP_KEY])) echoes.add(item.record);
    else stampless.push(item);
  }
  if (stampless.length === 0) return echoes;
  const pending = await pendingStamps(ctx, source, stampless);
  for (const { record, link, mapping } of stampless)
    if (stampsInPlace(mapping, link, record, source, snapshots.get(link.id)![STAMP_KEY], pending)) echoes.add(record);
  return echoes;
}

/** The links of these source records (by the source side's id) and their snapshots, in two store reads. */
async function linksOf(ctx: RunContext, source: SideName, pair: string, records: readonly SourceRecord[]) {
  const ids = records.map((r) => r.id);
  const links =
    source === "marketing"
      ? await ctx.store.findLinksByMarketingIds(pair, ids)
      : await ctx.store.findLinksByCrmIds(pair, ids);
  const snapshots = await ctx.store.getSnapshots([...links.values()].map((l) => l.id));
  return { links, snapshots };
}

type Commit = ReturnType<typeof newCommit>;

/**
 * A record just created from a source record: the source gets the new record's id as its stamp in this
 * run too, through the outbox (kept with the link, written by the drain), so the next run has nothing
 * left to write for the pair.
 */
function stampSourceOfCreate(
  ctx: RunContext,
  p: Pairing,
  created: Record<SideName, string | undefined>,
): { write: OutboxWrite; side: SideName; id: string } | null {
  for (const side of SIDE_NAMES) {
    const source = side === "crm" ? p.crm : p.marketing;
    const newId = created[otherSide(side)];
    const field = stampField(p.mapping, side);
    if (!source || source.id !== p.sourceId || !newId || !field || source.fields[field] === newId) continue;
    const write = funnelWrite(ctx, {
      key: stampWriteKey(side, source.object, source.id),
      phase: "link stamp",
      side,
      object: source.object,
      recordId: source.id,
      fields: { [field]: newId },
      before: source.fields,
      rule: STAMP_RULE,
      personId: p.mapping.pair === "contact" ? (p.marketing?.id ?? newId) : null,
    });
    return { write, side, id: newId };
  }
  return null;
}

/**
 * A write a system refused waits in the error queue until the record or its mapping changes, or a retry
 * is asked for: a side that would send exactly the refused values again is held back (the record is
 * re-read by a look-back or by the other side's changes, and would otherwise be refused on every run).
 * Only that side: the other side's write (a rep's edit of another field going to marketing) goes on, and
 * the held side's fields keep their stored snapshots, so the change stays owed. A pair left with no write,
 * or whose held write is a create, is held whole. Returns the pairs to send and the sides held.
 */
function withoutHeldWrites(
  ctx: RunContext,
  work: PairWrite[],
  open: ReadonlyMap<string, QueuedError[]>,
  stored: (pw: PairWrite) => Record<string, FieldSnapshot> | undefined,
): { work: PairWrite[]; held: Map<PairWrite, Set<SideName>> } {
  const held = new Map<PairWrite, Set<SideName>>();
  if (open.size === 0) return { work, held };
  const recordIdOf = (w: PairWrite, side: SideName) => w[side]?.id ?? (w.pairing as Pairing).sourceId;
  const sending = work.filter((w) => {
    const sides = new Set(
      SIDE_NAMES.filter((side) => {
        const write = w[side];
        if (!write) return false;
        const fields = canonicalJson(write.fields);
        return (open.get(recordIdOf(w, side)) ?? []).some(
          (e) => canonicalJson(payloadValue(e.payload, "fields") ?? null) === fields,
        );
      }),
    );
    if (sides.size === 0) return true;
    held.set(w, sides);
    ctx.log.debug("write.held", { runId: ctx.runId, sourceId: (w.pairing as Pairing).sourceId, sides: [...sides] });
    const whole = SIDE_NAMES.every((side) => !w[side] || sides.has(side)) || [...sides].some((side) => !w[side]!.id);
    if (whole) {
      ctx.summary.unchanged++;
      return false;
    }
    for (const side of sides) holdSide(w, side, stored(w));
    return true;
  });
  return { work: sending, held };
}

/** The person a contact pair's entry names (a company's names none). */
function emailOf(p: Pairing): string | null {
  return p.mapping.pair === "contact" ? (p.marketing?.fields.email ?? null) : null;
}

/** Whom a pair's entry names: a person by email, a company by name (by domain when it has none). */
function aboutWhom(p: Pairing): string | null {
  if (p.mapping.pair !== "company") return emailOf(p);
  const fields = p.marketing?.fields;
  const name = fields?.name ?? fields?.domain;
  return typeof name === "string" && name.trim() !== "" ? name.trim() : null;
}

/** Takes one side's write out of a pair, its fields' snapshots back at what the store holds. */
function holdSide(w: PairWrite, side: SideName, stored: Record<string, FieldSnapshot> | undefined): void {
  const restore = (key: string) => {
    const old = stored?.[key];
    if (old) w.merged.snapshots[key] = old;
    else delete w.merged.snapshots[key];
  };
  const action = side === "crm" ? "write_crm" : "write_marketing";
  for (const d of w.merged.decisions) if (d.action === action) restore(d.field);
  const stamp = stampField(w.mapping, side);
  if (stamp && stamp in w[side]!.fields) w.stamp = stored?.[STAMP_KEY];
  delete w[side];
  w.planned = w.planned.filter((planned) => planned.side !== side);
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

/**
 * The refused field-sync writes this page decided again (refused-sync-writes.ts): a side held back as
 * the same write leaves its refusal as it is; any other decision replaces it, and where it writes nothing
 * to the refused side, nothing is owed there and the entry is resolved.
 */
function supersedeRefusals(
  commit: Commit,
  decidedAgain: readonly { pw: PairWrite; refused: readonly RefusedSyncWrite[] }[],
  held: ReadonlyMap<PairWrite, ReadonlySet<SideName>>,
): void {
  for (const { pw, refused } of decidedAgain) {
    for (const r of refused) {
      if (held.get(pw)?.has(r.side)) continue;
      commit.outboxSuperseded.push(r.key);
      if (!pw[r.side]) commit.resolvedErrors.push(r.entry.id);
    }
  }
}

/**
 * Pairs of existing records this page linked by matching (a CRM record a rep made and a known person),
 * and, when `restoring`, those it linked again from their stamps (a lost store's), flagged so.
 */
function repRecordMatches(pairings: readonly Pairing[], restoring: boolean): HistoryToFill[] {
  return pairings
    .filter((p) => !p.link && (restoring || !p.restored) && p.marketing !== null && p.crm !== null && p.mapping.pair === "contact")
    .map((p) => ({
      personId: p.marketing!.id,
      crmType: p.crm!.object,
      crmId: p.crm!.id,
      ...(p.restored ? { cause: "restored" as const } : {}),
    }));
}

function newCommit() {
  const lists = {
    links: [] as LinkWrite[],
    retire: [] as { id: number; reason: string }[],
    audit: [] as import("../store/port.js").AuditEntry[],
    errors: [] as import("../store/port.js").NewQueuedError[],
    errorAttempts: [] as { id: number; message: string }[],
    outbox: [] as OutboxWrite[],
    /** Refused writes this page's decisions replace or make moot (supersedeRefusals). */
    outboxSuperseded: [] as string[],
    resolvedErrors: [] as number[],
    matchMisses: [] as MatchMiss[],
    /** Links whose Lead this page read converted (carryConversions). */
    converted: [] as ConvertedLink[],
    /** Linked records of the other side a read by id no longer finds (pairLinked), and their people. */
    gone: [] as Removal[],
    personOfGone: new Map<string, string>(),
    peopleGone: [] as string[],
  };
  return { ...lists, merges: mergesFollowed(lists.links, lists.retire) };
}

/** The mapping for a CRM object; for a marketing record not yet linked, the first mapping. */
function mappingFor(
  mappings: readonly ObjectMapping[],
  crmObject: string | undefined,
): ObjectMapping | undefined {
  if (crmObject === undefined) return mappings[0];
  return mappings.find((m) => m.crmObject === crmObject);
}

/**
 * The link moves to the Contact a converted Lead became, and what the Lead was owed goes with it. A
 * Contact that is another person's record ends hers as a merge into it does (merges.ts `crmEnded`): her
 * link retires, her writes and follow-up clock stop, and the rest of the batch goes on. Whether the link
 * moved.
 */
async function relink(ctx: RunContext, commit: Commit, link: Link, lead: SourceRecord, mapping: ObjectMapping): Promise<boolean> {
  const holder = await contactHolder(ctx, link, lead, mapping, commit.links);
  if (holder !== undefined) {
    const into = lead.fields[mapping.conversion!.idField]!;
    retire(ctx, commit, link, `${ctx.crm.system} ${lead.object} ${lead.id} converted into ${mapping.conversion!.object} ${into}, the record of ${link.marketingType} ${holder}`);
    commit.gone.push({ object: lead.object, id: lead.id, kind: "merged", mergedInto: into, at: ctx.until, takesWrites: false });
    commit.merges.crmEnded.set(lead.id, link.marketingId);
    return false;
  }
  const moved = relinkToConverted(ctx, link, lead, mapping);
  if (!moved) return false;
  commit.links.push(moved);
  commit.converted.push({ link, lead, mapping, moved });
  return true;
}

function sideValue(record: SourceRecord, f: FieldMapping, side: SideName): FieldValue {
  return record.fields[side === "marketing" ? f.marketing : f.crm] ?? null;
}

/**
 * Whether the source record differs from what was last synced on its side (else it is our own echo, or
 * needs only a stamp: linkedEchoes).
 */
function fieldsChanged(
  record: SourceRecord,
  mapping: ObjectMapping,
  snaps: Record<string, FieldSnapshot>,
  side: SideName,
): boolean {
  for (const { field: f, key } of compileMapping(mapping).fields) {
    if (f.direction === "none") continue;
    const snap = snaps[key];
    if (!snap || snap[side] !== sideValue(record, f, side)) return true;
  }
  return false;
}

async function pairLinked(
  ctx: RunContext,
  commit: Commit,
  source: SideName,
  items: { record: SourceRecord; link: Link; mapping: ObjectMapping }[],
  mappings: readonly ObjectMapping[],
): Promise<Pairing[]> {
  const other = port(ctx, otherSide(source));
  const byObject = groupBy(items, (item) =>
    source === "marketing" ? item.link.crmType : item.mapping.marketingObject,
  );
  const pairings: Pairing[] = [];
  for (const [object, group] of byObject) {
    const mapping = group[0]!.mapping;
    const fields = source === "marketing" ? crmFields(mapping) : marketingFields(mappings);
    const ids = group.map((g) => (source === "marketing" ? g.link.crmId : g.link.marketingId));
    const read = await other.readByIds(object, ids, fields);
    const found = new Map(read.map((r) => [r.id, r]));
    // The record each merged-away id is answered by (SourceRecord.askedAs), which the read may hold besides
    // those asked: so counting what was found cannot tell that a linked record is missing.
    const answered = new Map(read.flatMap((r) => (r.askedAs ?? []).map((asked) => [asked, r.id] as const)));
    const convertedPending: typeof group = [];
    for (const item of group) {
      const id = source === "marketing" ? item.link.crmId : item.link.marketingId;
      const counterpart = found.get(id);
      if (!counterpart) {
        const survivor = answered.get(id);
        if (survivor) {
          // Merged into a record that answers for it (SourceRecord.askedAs) since the removals read:
          // followed as that read follows a merge (merges.ts).
          ctx.summary.relinked++;
          const merged = answeredMerge(ctx, otherSide(source), object, id, survivor);
          await followMerge(ctx, commit.merges, otherSide(source), item.mapping, item.link, merged);
          commit.gone.push(merged);
        } else {
          // Deleted without a removal this run's read listed (emptied from the Recycle Bin, a GDPR delete,
          // or deleted since): followed as the removals read follows one (deletions.ts), so nothing it was
          // owed (writes, their refusals, the follow-up clock) stays behind the retired link.
          retire(ctx, commit, item.link, `${other.system} ${object} ${id} no longer found (deleted)`);
          commit.gone.push(notFound(object, id, ctx.until));
          // A deleted Lead's or Contact's person is the link's contact; a deleted contact is her own.
          if (source === "marketing" && mapping.pair === "contact") commit.personOfGone.set(id, item.link.marketingId);
          // A deleted contact's person is gone, though her Lead or Contact lives on (deletions.ts).
          if (source === "crm" && mapping.pair === "contact") commit.peopleGone.push(id);
        }
        continue;
      }
      if (source === "marketing" && converted(counterpart, mapping)) {
        if (!(await relink(ctx, commit, item.link, counterpart, mapping))) continue;
        convertedPending.push({
          ...item,
          link: { ...item.link, crmId: counterpart.fields[mapping.conversion!.idField]! },
        });
        continue;
      }
      pairings.push(pairing(item.mapping, item.link, source, item.record, counterpart));
    }
    if (convertedPending.length > 0) {
      // A Lead converted since the last run: sync the marketing record with the Contact it became.
      const target = mappings.find((m) => m.crmObject === mapping.conversion!.object);
      if (!target) continue;
      const contacts = await other.readByIds(
        target.crmObject,
        convertedPending.map((c) => c.link.crmId),
        crmFields(target),
      );
      const byId = new Map(contacts.map((c) => [c.id, c]));
      for (const item of convertedPending) {
        const crm = byId.get(item.link.crmId);
        if (crm)
          pairings.push(
            pairing(target, { ...item.link, crmType: target.crmObject }, source, item.record, crm),
          );
      }
    }
  }
  return pairings;
}

function pairing(
  mapping: ObjectMapping,
  link: Link | undefined,
  source: SideName,
  record: SourceRecord,
  counterpart: SourceRecord | null,
): Pairing {
  const marketing = source === "marketing" ? record : counterpart;
  const crm = source === "crm" ? record : counterpart;
  return {
    mapping,
    link,
    marketing,
    crm,
    matchKey: matchKeyOf(mapping, marketing, crm),
    sourceId: record.id,
  };
}

function matchKeyOf(
  mapping: ObjectMapping,
  marketing: SourceRecord | null,
  crm: SourceRecord | null,
): string | null {
  if (!mapping.match) return null;
  const raw = marketing?.fields[mapping.match.marketing] ?? crm?.fields[mapping.match.crm] ?? null;
  return normalizeMatchKey(mapping, raw);
}

/** What to look a normalised key up by: its common spellings, when it is a domain (domainSpellings). */
function matchValues(mapping: ObjectMapping, keys: readonly string[]): string[] {
  return mapping.match?.normalize === "domain" ? keys.flatMap(domainSpellings) : [...keys];
}

function retire(ctx: RunContext, commit: Commit, link: Link, reason: string): void {
  ctx.summary.relinked++;
  ctx.log.debug("link.retired", { runId: ctx.runId, linkId: link.id, reason });
  commit.retire.push({ id: link.id, reason });
}

/**
 * Finds or makes the other side of records that have no link yet. A record whose stamp names an existing
 * record on the other side was linked before (by a store now gone or new): that link comes back first.
 * Then a marketing record is matched to an existing CRM record by its normalised match key (records of
 * mappings without a conversion, i.e. Contacts, are preferred to Leads), a CRM record to a marketing
 * record. What matches nothing is created on the other side.
 */
async function pairUnlinked(
  ctx: RunContext,
  source: SideName,
  records: SourceRecord[],
  mappings: readonly ObjectMapping[],
  misses: MatchMiss[],
  links: LinkWrite[],
): Promise<Pairing[]> {
  if (records.length === 0) return [];
  const pairings: Pairing[] = [];
  const pair = mappings[0]!.pair;
  if (source === "marketing") {
    const creation = creationMapping(mappings);
    // A record that matched nothing by the keys it holds now (match-misses.ts) is matched again only when
    // this run would create it: else the query would find nothing again and the record stays as it is.
    const matcher = matcherOf(mappings);
    const { settled, idle } = await leftAsTheyAre(ctx, mappings, records);
    const toMatch = records.filter((r) => !idle.has(r.id));
    const restored = new Set<string>();
    const stamped = await stampedCrmRecords(ctx, toMatch, mappings);
    for (const s of stamped.pairs) {
      const again = linked(ctx, "restored", s.record, s.counterpart);
      restored.add(s.record.id);
      pairings.push({ ...pairing(s.mapping, undefined, source, s.record, s.counterpart), restored: again });
    }
    let pending = toMatch.filter((r) => !restored.has(r.id));
    const preferred = [...mappings].sort(
      (a, b) => Number(Boolean(a.conversion)) - Number(Boolean(b.conversion)),
    );
    for (const mapping of preferred) {
      if (!mapping.match || pending.length === 0) continue;
      // Each record by every key it is found by: its own, then those it holds besides (a contact's
      // additional emails), so a Lead under one of those is this person's, not a reason to make another.
      const keys = new Map<string, SourceRecord>();
      for (const r of pending) {
        const own = normalizeMatchKey(mapping, r.fields[mapping.match.marketing]);
        if (own && !keys.has(own)) keys.set(own, r);
      }
      const ownKeys = new Set(keys.keys());
      for (const r of pending) for (const key of matchKeysHeld(mapping, r, "marketing")) if (!keys.has(key)) keys.set(key, r);
      if (keys.size === 0) continue;
      const stampedFor = (c: SourceRecord) => {
        const stamp = mapping.crmExternalId ? c.fields[mapping.crmExternalId] : null;
        const key = normalizeMatchKey(mapping, c.fields[mapping.match!.crm]);
        return Boolean(stamp && key && keys.get(key)?.id === stamp);
      };
      const match = mapping.match;
      // Of several under one person's keys, the one under the person's own goes before the others.
      const underOwnKey = (c: SourceRecord) => ownKeys.has(normalizeMatchKey(mapping, c.fields[match.crm]) ?? "");
      // A candidate stamped with the record's own id was its counterpart before: it goes first.
      // A first load looks the keys up in one read of the CRM object (match-index.ts); other runs query.
      const found =
        (await indexedCandidates(ctx, mapping, [...keys.keys()], crmFields(mapping), (c) =>
          normalizeMatchKey(mapping, c.fields[match.crm]),
        )) ??
        (await ctx.crm.findBy(mapping.crmObject, match.crm, matchValues(mapping, [...keys.keys()]), crmFields(mapping)));
      // Then the newest; among records modified at one instant (a bulk load's), the oldest id, in binary
      // order since ids are case-sensitive: a query's own order is not guaranteed, and a crashed run's
      // rerun must take the same duplicate as the run would have.
      const candidates = found
        .filter((c) => !converted(c, mapping))
        .sort(
          (a, b) =>
            Number(stampedFor(b)) - Number(stampedFor(a)) ||
            Number(underOwnKey(b)) - Number(underOwnKey(a)) ||
            b.modifiedAt.localeCompare(a.modifiedAt) ||
            byBinary(a.id, b.id),
        );
      const taken = await ctx.store.findLinksByCrmIds(
        pair,
        candidates.map((c) => c.id),
      );
      const matched = new Set<string>();
      for (const c of candidates) {
        const key = normalizeMatchKey(mapping, c.fields[mapping.match.crm]);
        const record = key ? keys.get(key) : undefined;
        if (!record || matched.has(record.id) || taken.has(c.id)) continue;
        matched.add(record.id);
        const again = linked(ctx, stampedFor(c) ? "restored" : "matched", record, c);
        pairings.push({ ...pairing(mapping, undefined, source, record, c), restored: again });
      }
      pending = pending.filter((r) => !matched.has(r.id));
    }
    const retired = await ctx.store.findRetiredLinks(
      pair,
      "marketing",
      pending.map((r) => r.id),
    );
    const included = await ctx.includeInCrm(pending.filter((r) => !settled.has(r.id)), creation);
    // A settled record the rule took (not idle) was asked already.
    for (const id of settled) if (!idle.has(id)) included.add(id);
    const unpaired: SourceRecord[] = [];
    const stampedGone = (record: SourceRecord): LinkWrite | undefined => {
      const gone = stamped.gone.get(record.id);
      if (!gone) return undefined;
      return {
        pair,
        marketingType: creation.marketingObject,
        marketingId: record.id,
        crmType: gone.object,
        crmId: gone.id,
        retired: `${gone.named} ${STAMP_NAMES_GONE}`,
      };
    };
    for (const record of pending) {
      if (!included.has(record.id) || wasRemoved(ctx, links, retired.get(record.id), stampedGone(record))) {
        unpaired.push(record);
        continue;
      }
      pairings.push(pairing(creation, undefined, source, record, null));
    }
    misses.push(...missNotes(mappings, unpaired, matcher, settled));
    return pairings;
  }

  // CRM records: one object per page, so one mapping.
  const mapping = mappingFor(mappings, records[0]!.object)!;
  const stamped = await stampedMarketingRecords(ctx, records, mapping, mappings);
  const claimed = new Set(stamped.claimed);
  const matched = new Set<string>();
  for (const s of stamped.pairs) {
    const again = linked(ctx, "restored", s.counterpart, s.record);
    matched.add(s.record.id);
    pairings.push({ ...pairing(mapping, undefined, source, s.record, s.counterpart), restored: again });
  }
  const fields = marketingFields(mappings);
  const byKey = new Map<string, SourceRecord>();
  // Restored records take their key first, so another CRM record with the same key neither matches
  // their marketing record nor makes a second one.
  const keyed = [...records].sort((a, b) => Number(matched.has(b.id)) - Number(matched.has(a.id)));
  for (const r of keyed) {
    const key = mapping.match ? normalizeMatchKey(mapping, r.fields[mapping.match.crm]) : null;
    if (key && !byKey.has(key)) byKey.set(key, r);
  }
  if (mapping.match && byKey.size > 0) {
    const found = await ctx.marketing.findBy(
      mapping.marketingObject,
      mapping.match.marketing,
      [...byKey.keys()],
      fields,
    );
    const existing = await ctx.store.findLinksByMarketingIds(
      pair,
      found.map((f) => f.id),
    );
    // Created on the marketing side, a record whose key this marketing record holds would be upserted on
    // that key onto it and take its link away, or, keyed on the stamp, carry a key it holds: a second
    // contact with one email, which HubSpot refuses (email is unique there).
    const createWouldTake = !mapping.marketingExternalId || createCarriesMatchKey(mapping);
    for (const m of found) {
      // Its own key first, then the others it holds (a contact's additional emails, `alsoHolds`): one CRM
      // record pairs with it, and the others' creates would take its email.
      const [record, ...others] = matchKeysHeld(mapping, m, "marketing").flatMap((k) => byKey.get(k) ?? []);
      if (createWouldTake) for (const other of others) if (!matched.has(other.id)) claimed.add(other.id);
      if (!record || matched.has(record.id)) continue;
      const link = existing.get(m.id);
      if (link) {
        // Already linked elsewhere: a Contact takes the person over from a Lead, nothing else does.
        const linkedMapping = mappingFor(mappings, link.crmType);
        if (!(linkedMapping?.conversion && !mapping.conversion)) {
          if (createWouldTake) claimed.add(record.id);
          continue;
        }
        ctx.summary.relinked++;
        ctx.log.debug("link.preferred", {
          runId: ctx.runId,
          linkId: link.id,
          from: link.crmId,
          to: record.id,
        });
        matched.add(record.id);
        pairings.push(
          pairing(mapping, { ...link, crmType: record.object, crmId: record.id }, source, record, m),
        );
        continue;
      }
      matched.add(record.id);
      const stamp = mapping.marketingExternalId ? m.fields[mapping.marketingExternalId] : null;
      const again = linked(ctx, stamp === record.id ? "restored" : "matched", m, record);
      pairings.push({ ...pairing(mapping, undefined, source, record, m), restored: again });
    }
  }
  const retired = await ctx.store.findRetiredLinks(
    pair,
    "crm",
    records.map((r) => r.id),
  );
  const stampedGone = (record: SourceRecord): LinkWrite | undefined => {
    const named = stamped.gone.get(record.id);
    if (!named) return undefined;
    return {
      pair,
      marketingType: mapping.marketingObject,
      marketingId: named,
      crmType: record.object,
      crmId: record.id,
      retired: `${ctx.marketing.system} ${mapping.marketingObject} ${named} ${STAMP_NAMES_GONE}`,
    };
  };
  for (const record of records) {
    if (matched.has(record.id) || wasRemoved(ctx, links, retired.get(record.id), stampedGone(record))) continue;
    if (claimed.has(record.id)) {
      // Its stamp or its match key names a marketing record linked to another CRM record.
      const reason = "person linked elsewhere";
      ctx.log.debug("create.skipped", { runId: ctx.runId, crmId: record.id, reason });
      continue;
    }
    const key = mapping.match ? normalizeMatchKey(mapping, record.fields[mapping.match.crm]) : null;
    // Without a key (no email) a marketing record cannot be made: HubSpot contacts need one to be useful.
    if (mapping.match && !key) continue;
    if (key && byKey.get(key) !== record) continue; // a second CRM record with the same key: first one wins
    pairings.push(pairing(mapping, undefined, source, record, null));
  }
  return pairings;
}

/** Why a link is written retired for a record whose stamp names a counterpart no read finds, either way. */
const STAMP_NAMES_GONE = "deleted: the stamp names it, no read finds it";

/**
 * Whether a marketing record made from a CRM record would hold the match key's value (the key's field is
 * mapped towards marketing): so contacts, whose email travels, but not companies, whose domain does not.
 */
function createCarriesMatchKey(mapping: ObjectMapping): boolean {
  const key = mapping.match?.marketing;
  return compileMapping(mapping).fields.some((f) => f.writesMarketing && f.field.marketing === key);
}

/**
 * Logs a link found for an unlinked record: `restored` when a stamp shows the two were linked before
 * (counted, so a run on a new store says how much it recovered), `matched` by match key otherwise.
 * True for a restored one.
 */
function linked(
  ctx: RunContext,
  how: "restored" | "matched",
  marketing: SourceRecord,
  crm: SourceRecord,
): boolean {
  const fields = { runId: ctx.runId, marketingId: marketing.id, crmObject: crm.object, crmId: crm.id };
  if (how === "matched") {
    ctx.log.debug("link.matched", fields);
    return false;
  }
  ctx.summary.restored++;
  ctx.log.debug("link.restored", fields);
  return true;
}

/**
 * A record whose counterpart was deleted or merged away is not re-created on the other side: someone
 * removed it on purpose. The link a removal retired says so, or, where the store no longer has it (a lost
 * store), the record's stamp naming a counterpart no read finds (`gone`): a HubSpot contact deleted for
 * good (GDPR) must not come back from its Lead, nor a Lead sales deleted from a contact stamped with its
 * id. That link is written retired into `links`, as the removals read writes one (ARCHITECTURE.md
 * "Links"), so `explain` and `hot` see the removal. It can still be linked again by matching.
 */
function wasRemoved(ctx: RunContext, links: LinkWrite[], retired: Link | undefined, gone?: LinkWrite): boolean {
  if (retired) {
    ctx.log.debug("create.skipped", { runId: ctx.runId, linkId: retired.id, reason: retired.retiredReason });
    return true;
  }
  if (!gone) return false;
  ctx.log.debug("create.skipped", { runId: ctx.runId, reason: gone.retired });
  links.push(gone);
  return true;
}

function queueMergeErrors(
  ctx: RunContext,
  commit: Commit,
  p: Pairing,
  merged: MergeResult,
  input: PageInput,
) {
  const target = otherSide(input.source);
  const system = port(ctx, target).system;
  const email = emailOf(p);
  bump(ctx.summary.errors, system);
  commit.errors.push({
    runId: ctx.runId,
    system,
    object: target === "crm" ? p.mapping.crmObject : p.mapping.marketingObject,
    recordId: p.sourceId,
    operation: "map",
    payload: { source: input.source, object: input.object, sourceId: p.sourceId, email },
    errorClass: "data",
    message: aboutRecord(merged.errors.map((e) => e.message).join("; "), aboutWhom(p)),
    at: ctx.now().toISOString(),
  });
}

/**
 * Turns a merge into at most one write per side, with the plan entries that explain it. An existing
 * record that lacks the other side's id gets it in the same write (the link stamp), and the merge's
 * snapshots gain what each stamp field will hold, for the echo check.
 */
function planPair(p: Pairing, merged: MergeResult, systems: Record<SideName, string>): PairWrite {
  const records = { crm: p.crm, marketing: p.marketing };
  const stamps = missingStamps(p.mapping, records);
  // Decisions are keyed by field pair; the plan speaks of the field written on each side. A pair writes
  // a field or two, so the rules sit in a small object made only when something is written.
  let rules: Record<string, string> | undefined;
  const byKey = compileMapping(p.mapping).byKey;
  for (const d of merged.decisions) {
    if (d.action === "none") continue;
    const f = byKey.get(d.field)?.field;
    if (f) (rules ??= {})[d.action === "write_crm" ? f.crm : f.marketing] = d.rule;
  }
  if (stamps.crm) (rules ??= {})[stamps.crm.field] = STAMP_RULE;
  if (stamps.marketing) (rules ??= {})[stamps.marketing.field] = STAMP_RULE;
  const crm = sideWrite(p, "crm", merged.toCrm, stamps.crm, rules, systems.crm);
  const marketing = sideWrite(p, "marketing", merged.toMarketing, stamps.marketing, rules, systems.marketing);
  // The stamp entry stays beside the merge's snapshots: added to that object, whose shape V8 derived field by
  // field, it was a transition a full collection between pages drops, and planPair's optimised code with it.
  const stamp = stampSnapshot(p.mapping, records, { crm: crm?.write.fields, marketing: marketing?.write.fields });
  // A pair's plan is one or two writes: its list is made at that length, not grown from empty. The
  // write objects here and in sideWrite name every property when made, absent ones as undefined: a
  // property added afterwards gives the object a shape V8 derives by a transition, which a full
  // collection drops while no such object lives (between pages), and with it the optimised code that
  // checked for it; made whole, each keeps its object literal's shape for good.
  const pw: PairWrite = {
    pairing: p,
    mapping: p.mapping,
    merged,
    crm: crm?.write,
    marketing: marketing?.write,
    planned: crm ? (marketing ? [crm.planned, marketing.planned] : [crm.planned]) : marketing ? [marketing.planned] : [],
    stamp,
  };
  return pw;
}

/** One side's write of a pair and its plan entry; undefined when the side has nothing to write. */
function sideWrite(
  p: Pairing,
  side: SideName,
  values: Record<string, FieldValue>,
  stamp: { field: string; value: string } | undefined,
  rules: Record<string, string> | undefined,
  system: string,
): { write: RecordWrite; planned: PlannedWrite } | undefined {
  const existing = side === "crm" ? p.crm : p.marketing;
  const counterpart = side === "crm" ? p.marketing : p.crm;
  // The merge's values are this pair's own (made for this page), so the write takes them as they are.
  const fields = values;
  if (stamp) fields[stamp.field] = stamp.value;
  else if (hasNoFields(fields)) return undefined;
  let upsertOn: string | undefined;
  if (!existing) {
    const ext = side === "crm" ? p.mapping.crmExternalId : p.mapping.marketingExternalId;
    const stamped = Boolean(ext && counterpart);
    if (stamped) fields[ext!] = counterpart!.id;
    // A contact is upserted on its email even where it carries a stamp: HubSpot keeps emails unique, so
    // one made meanwhile with that email is updated rather than the create refused as a duplicate.
    const key = side === "marketing" ? p.mapping.match?.marketing : undefined;
    if (key && fields[key] && (!stamped || createCarriesMatchKey(p.mapping))) upsertOn = key;
    else if (stamped) upsertOn = ext;
  }
  // Counted first, so the entries fill a list of their length (a list grown from empty takes room for 17).
  let count = 0;
  for (const _ in fields) count++;
  const planned = new Array<PlannedField>(count);
  let at = 0;
  for (const field in fields) {
    planned[at++] = {
      field,
      before: existing?.fields[field] ?? null,
      after: fields[field]!,
      rule: rules?.[field] ?? (field === upsertOn ? "idempotency key" : "create"),
    };
  }
  const write: RecordWrite = { ref: p.sourceId, fields, id: existing?.id, upsertOn };
  return {
    write,
    planned: {
      system,
      side,
      object: side === "crm" ? (existing?.object ?? p.mapping.crmObject) : p.mapping.marketingObject,
      action: existing ? "update" : "create",
      id: existing?.id ?? null,
      sourceId: counterpart?.id ?? null,
      fields: planned,
    },
  };
}

type SnapshotValues = Record<string, { marketing: FieldValue; crm: FieldValue }>;

/**
 * The snapshots that differ from those stored: a field whose values stay keeps its row entry and its
 * `syncedAt` (the time its values were last set), so a page rewrites only what it changed.
 */
function changedSnapshots(
  mapping: ObjectMapping,
  next: SnapshotValues,
  stamp: SnapshotPair | undefined,
  previous: Record<string, FieldSnapshot>,
): SnapshotValues | undefined {
  // The keys a merge can leave are the mapping's fields: looked up by key, since enumerating a merge's
  // many-keyed result is several times slower.
  let out: SnapshotValues | undefined;
  for (const { key } of compileMapping(mapping).fields) {
    const snap = next[key];
    if (snap !== undefined && changed(snap, previous[key])) (out ??= {})[key] = snap;
  }
  if (stamp !== undefined && changed(stamp, previous[STAMP_KEY])) (out ??= {})[STAMP_KEY] = stamp;
  return out;
}

/** Whether a snapshot differs from the stored one; the merge keeps an unchanged field's very object. */
function changed(snap: SnapshotPair, old: SnapshotPair | undefined): boolean {
  return old !== snap && !(old && old.marketing === snap.marketing && old.crm === snap.crm);
}

/** A new link's snapshots written whole: the merge's (this pair's own) with the stamp entry. */
function withStamp(snaps: SnapshotValues, stamp: SnapshotPair | undefined): SnapshotValues {
  if (stamp !== undefined) snaps[STAMP_KEY] = stamp;
  return snaps;
}

/** The link a pair leaves; its snapshots take the page commit's time as their `syncedAt`. */
function linkWrite(
  p: Pairing,
  snapshots: SnapshotValues | undefined,
  crmId: string | undefined,
  marketingId: string | undefined,
): LinkWrite {
  return {
    pair: p.mapping.pair,
    marketingType: p.mapping.marketingObject,
    marketingId: marketingId ?? p.link?.marketingId ?? "",
    crmType: p.crm?.object ?? p.link?.crmType ?? p.mapping.crmObject,
    crmId: crmId ?? p.link?.crmId ?? "",
    matchKey: p.matchKey,
    snapshots,
    ...(p.link ? { linkId: p.link.id } : {}),
  };
}

/**
 * After a side's write failed, its fields keep their old snapshot (or none), so the change is still
 * seen as pending next time instead of being taken as synced.
 */
function keepUnwritten(
  next: Record<string, { marketing: FieldValue; crm: FieldValue }>,
  previous: Record<string, FieldSnapshot> | undefined,
  outcome: { failedSides: SideName[] },
): Record<string, { marketing: FieldValue; crm: FieldValue }> {
  if (outcome.failedSides.length === 0) return next;
  const out: Record<string, { marketing: FieldValue; crm: FieldValue }> = {};
  for (const [key, snap] of Object.entries(next)) {
    const kept = keptUnwritten(snap, previous?.[key], outcome);
    if (kept) out[key] = kept;
  }
  return out;
}

/** One snapshot as keepUnwritten leaves it: a failed side keeps the stored value; none stored, none kept. */
function keptUnwritten(
  snap: SnapshotPair,
  old: SnapshotPair | undefined,
  outcome: { failedSides: SideName[] },
): SnapshotPair | undefined {
  if (outcome.failedSides.length === 0) return snap;
  if (!old) return undefined;
  return {
    marketing: outcome.failedSides.includes("marketing") ? old.marketing : snap.marketing,
    crm: outcome.failedSides.includes("crm") ? old.crm : snap.crm,
  };
}
