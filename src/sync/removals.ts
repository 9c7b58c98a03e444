// Follows records that went away since the last run: a merged record's link moves to the record it was
// merged into (or retires, if that one is linked already); a deleted record's link retires. Nothing is
// re-created blindly.
import type { ObjectMapping } from "../core/mapping.js";
import type { Cursor, LinkWrite, SlaClock, StoreFact } from "../store/port.js";
import type { Removal, RemovalReadOptions } from "./system-port.js";
import { knownEmpty, streamOf } from "./empty-windows.js";
import { earliestCoverage } from "./read-coverage.js";
import { STAMP_KEY } from "./link-stamps.js";
import type { RunContext, SideName } from "./run-context.js";
import { port } from "./run-context.js";
import { binCursorObject, binSizeFact, binWindowStart } from "./recycle-bin.js";
import { idsAnsweredBy } from "../core/records.js";
import { deletionsFollowed, notFound } from "./deletions.js";
import { openErrorsAbout } from "./open-errors.js";
import { answeredMerge, clocksMoved, contactsMerged, followMerge, mergesFollowed, owedToSurvivors, unlessMoved } from "./merges.js";

/**
 * Removal windows overlap the previous one by this much: Salesforce's getDeleted works to the minute
 * and ends its window exclusively, so a deletion at the edge is seen by the next run. Following a
 * removal twice is harmless: a retired link is no longer found.
 */
export const REMOVALS_OVERLAP_MS = 2 * 60_000;

export async function followRemovals(
  ctx: RunContext,
  side: SideName,
  object: string,
  /**
   * The pair's mapping; null when no pair links the object (HubSpot as the CRM, where the contact is the
   * person's CRM record too): then only what the outbox, the error queue and the funnel keep under a
   * record's id follows it.
   */
  mapping: ObjectMapping | null,
): Promise<void> {
  const followed = `${side}\u0000${object}`;
  if (ctx.removalsFollowed?.has(followed)) return;
  (ctx.removalsFollowed ??= new Set()).add(followed);
  const system = port(ctx, side);
  const cursorObject = `${object}#removals`;
  const cursor = await ctx.store.getCursor(system.system, cursorObject);
  const save = { system: system.system, object: cursorObject, value: ctx.until, lastId: null };
  const reach = cursor ? undefined : firstReach(ctx, side, mapping);
  if (!cursor && !reach) {
    // First run: nothing was linked before it, so there is nothing to follow yet.
    await ctx.store.commitBatch({ runId: ctx.runId, at: ctx.until, cursors: [save] });
    return;
  }
  const since = cursor ? new Date(Date.parse(cursor.value) - REMOVALS_OVERLAP_MS).toISOString() : reach!.since;
  // The same run may have found the object's changes empty already (the qualification reads the contacts
  // before their pair). From the cursor itself: the overlap before it is for Salesforce's getDeleted, which
  // works to the minute; a removal found through a changed record (a merge's primary) is found with the
  // change read's own look-back, and the run before read up to this cursor.
  const unchanged = knownEmpty(ctx, system, streamOf(object, "changes"), Date.parse(cursor?.value ?? since), ctx.until);
  // The run's opening probe may have found the window empty already (opening-probe.ts).
  const bin =
    system.recycleBin && cursor ? await binListing(ctx, system.system, object, cursor, system.recycleBin.everyMs) : undefined;
  // A deletion log that answered short of the window (a transaction still open, stamping its deletions
  // at its start) holds the cursor at what it covered, so the next read takes them in.
  const coverage = earliestCoverage(ctx.until);
  const listed = knownEmpty(ctx, system, streamOf(object, "removals"), Date.parse(since), ctx.until)
    ? []
    : await system.readRemovals(object, since, ctx.until, { unchanged, ...bin?.options, ...reach?.options, onCoveredUntil: coverage.onCoveredUntil });
  const gone = await vanished(ctx, side, object, mapping, since, listed);
  const removals = [...listed, ...gone];
  const merges = mergesFollowed();
  const { links, retire } = merges;
  /** The person a deleted CRM record was (its link's contact), where that is not the record's own id. */
  const personOf = new Map<string, string>();
  /** A first read's removed records no link names, whose stamp names the marketing record they were. */
  const stamped: Removal[] = [];
  /** People whose own contact was deleted, their CRM records alive (deletions.ts). */
  const peopleGone: string[] = [];
  for (const r of removals) {
    if (!mapping) {
      // No link to move: each merged contact's funnel state is offered to the merged record, which takes
      // the first that has one (store/sqlite/merged-people.ts).
      if (r.kind === "merged" && r.mergedInto) merges.peopleMerged.push({ from: r.id, to: r.mergedInto });
      // The contact is the person's CRM record too: deleted, the person is gone (deletions.ts `peopleGone`).
      if (r.kind === "deleted") peopleGone.push(r.id);
      continue;
    }
    const link =
      side === "crm"
        ? await ctx.store.findLinkByCrm(mapping.pair, object, r.id)
        : await ctx.store.findLinkByMarketing(mapping.pair, r.id);
    if (!link) {
      if (reach && r.stamp) stamped.push(r);
      continue;
    }
    if (side === "crm" && r.kind === "deleted" && mapping.pair === "contact") personOf.set(r.id, link.marketingId);
    if (side === "marketing" && r.kind === "deleted" && mapping.pair === "contact") peopleGone.push(link.marketingId);
    ctx.summary.relinked++;
    if (r.kind === "merged" && r.mergedInto) {
      await followMerge(ctx, merges, side, mapping, link, { ...r, mergedInto: r.mergedInto });
    } else {
      const how = gone.includes(r) ? "vanished" : "deleted";
      // A recycle bin this run left for later may hold it: then only its absence is known.
      const reason =
        how === "deleted"
          ? `${system.system} ${object} ${r.id} deleted`
          : bin?.options.binSince === null
            ? `${system.system} ${object} ${r.id} no longer found (deleted)`
            : `${system.system} ${object} ${r.id} gone without a deletion ${system.system} lists (deleted for good)`;
      retire.push({ id: link.id, reason });
      ctx.log.debug("link.retired", { runId: ctx.runId, linkId: link.id, reason: how, recordId: r.id });
    }
  }
  if (mapping && stamped.length > 0) {
    const found = await linksFromStamps(ctx, mapping, object, stamped);
    links.push(...found.links);
    for (const [recordId, personId] of found.personOf) personOf.set(recordId, personId);
  }
  const owed = await owedToSurvivors(ctx, merges);
  // Those taking no more writes have their entries made moot (deletions.ts).
  const open = await openErrorsAbout(ctx, removals.filter((r) => !r.takesWrites).map((r) => r.id));
  const ended = await deletionsFollowed(ctx, system.system, removals, new Map([...personOf, ...merges.crmEnded]), peopleGone, open);
  await ctx.store.commitBatch({
    runId: ctx.runId,
    at: ctx.until,
    ...owed,
    links,
    retireLinks: retire,
    ...ended,
    outbox: [...(owed.outbox ?? []), ...ended.outbox],
    resolvedErrors: unlessMoved(ended.resolvedErrors, owed),
    peopleMerged: merges.peopleMerged,
    contactsMerged: contactsMerged(side, mapping, removals),
    slaClocks: await clocksMoved(ctx, merges.crmMoves),
    cursors: [{ ...save, value: coverage.until! }, ...(bin?.listed() ?? [])],
    facts: bin?.facts() ?? [],
  });
}

/**
 * Where a store with no removals cursor for this object reads from: nowhere (a first run has nothing to
 * follow) unless the object is a pair's CRM record whose mapping stamps it with the marketing record's id,
 * on a system that keeps deletions for a while (`removalsReachMs`: Salesforce's getDeleted). Then as far
 * back as it allows, asking each removed record's stamp: a lost store learns which Leads, Contacts,
 * Accounts or Opportunities sales removed, where the marketing record's own stamp may not say so (a
 * mapping without one, or a run stopped before it was written: ARCHITECTURE.md "Links").
 */
function firstReach(
  ctx: RunContext,
  side: SideName,
  mapping: ObjectMapping | null,
): { since: string; options: RemovalReadOptions } | undefined {
  const reachMs = port(ctx, side).removalsReachMs;
  if (side !== "crm" || !mapping?.crmExternalId || reachMs === undefined) return undefined;
  return {
    since: new Date(Date.parse(ctx.until) - reachMs).toISOString(),
    options: { stampField: mapping.crmExternalId },
  };
}

/**
 * The links a store with no removals cursor learns from removed records whose stamp names a marketing
 * record with no active link (one per marketing record: the latest removal's), as the removal would have
 * left them. A deleted record's is written retired: page-sync's `wasRemoved` then makes no record for that
 * marketing record, as after a removal the store followed, while matching may still link it (a live record
 * with the person's email, or stamped with her id). A merge's losing record's moves to the survivor, the
 * person's record now, where the survivor is live, linked to no one and stamped for no one else; else it
 * is retired "merged into" it. The survivor's stamp is read for it (one read per object, only for merges).
 */
async function linksFromStamps(
  ctx: RunContext,
  mapping: ObjectMapping,
  object: string,
  removals: readonly Removal[],
): Promise<{ links: LinkWrite[]; personOf: Map<string, string> }> {
  const latest = new Map<string, Removal>();
  for (const r of [...removals].sort((a, b) => a.at.localeCompare(b.at))) latest.set(r.stamp!, r);
  const active = await ctx.store.findLinksByMarketingIds(mapping.pair, [...latest.keys()]);
  for (const id of active.keys()) latest.delete(id);
  const survivors = [...new Set([...latest.values()].flatMap((r) => (r.kind === "merged" && r.mergedInto ? [r.mergedInto] : [])))];
  const taken = survivors.length > 0 ? await ctx.store.findLinksByCrmIds(mapping.pair, survivors) : new Map();
  const stampOf = new Map<string, string | null>();
  if (survivors.length > 0 && mapping.crmExternalId) {
    for (const c of await ctx.crm.readByIds(object, survivors, [mapping.crmExternalId])) stampOf.set(c.id, c.fields[mapping.crmExternalId] ?? null);
  }
  const links: LinkWrite[] = [];
  const personOf = new Map<string, string>();
  const claimed = new Set<string>();
  const base = { pair: mapping.pair, marketingType: mapping.marketingObject, crmType: object };
  for (const [marketingId, r] of latest) {
    const survivor = r.kind === "merged" ? r.mergedInto : null;
    if (survivor && stampOf.has(survivor) && !taken.has(survivor) && !claimed.has(survivor) && [null, marketingId].includes(stampOf.get(survivor)!)) {
      // As removals.ts moves a followed merge's link: the stamps are written by the survivor's next read.
      claimed.add(survivor);
      links.push({ ...base, marketingId, crmId: survivor, snapshots: { [STAMP_KEY]: { marketing: null, crm: null, syncedAt: ctx.until } } });
      ctx.summary.relinked++;
      ctx.log.debug("link.merged", { runId: ctx.runId, from: r.id, to: survivor, marketingId });
      continue;
    }
    const reason = survivor
      ? `${ctx.crm.system} ${object} ${r.id} merged into ${survivor}`
      : `${ctx.crm.system} ${object} ${r.id} deleted`;
    links.push({ ...base, marketingId, crmId: r.id, retired: reason });
    // A person's record only, as a followed deletion's: the outbox keeps a person's writes under her id.
    if (!survivor && mapping.pair === "contact") personOf.set(r.id, marketingId);
    ctx.log.debug("link.retired", { runId: ctx.runId, recordId: r.id, reason: "stamp of a removed record", marketingId });
  }
  return { links, personOf };
}

/**
 * Records of `object` a run would act on that a read by id no longer finds, though the system listed no
 * removal of them: deleted without a trace the system keeps. They are those a write was refused for since
 * `since` (open error-queue entries last seen then), and those whose follow-up clock fell due untouched
 * (this run's SLA phase would raise its breach). A HubSpot contact's permanent (GDPR) delete is in no
 * recycle bin, so it is never in the archived list ("Permanently delete a contact (GDPR-compliant)", CRM
 * contacts API reference), and Salesforce's getDeleted may no longer list a record emptied from the
 * Recycle Bin, nor queryAll read it ("sObject Get Deleted": fewer "if an administrator has purged the
 * Recycle Bin"; "emptyRecycleBin()"): the refusal of leadloop's write, or a clock falling due on a record
 * no read finds, is the first sign of it. They are followed as deletions, or as merges where the read
 * answers them with the record they went into (merged since a removals read could list it: merges.ts).
 * One read per object, only when such records exist: a refusal is checked once, in the run after it, or
 * in its own run when it met the first drain; a clock once, in the run it falls due (its breach, or the
 * deletion, ends it).
 */
async function vanished(
  ctx: RunContext,
  side: SideName,
  object: string,
  mapping: ObjectMapping | null,
  since: string,
  listed: readonly Removal[],
): Promise<Removal[]> {
  const system = port(ctx, side);
  const known = new Set(listed.map((r) => r.id));
  let refused = new Set<string>();
  // Asked of the store by object and time: a queue holding thousands of older entries costs no decoding.
  for (const e of await ctx.store.listErrors({ status: "open", system: system.system, object, seenSince: since })) {
    if (e.recordId && !known.has(e.recordId)) refused.add(e.recordId);
  }
  if (mapping && refused.size > 0) {
    // A pair's refused create is queued under the id of the record it was made from, on the other side;
    // only a linked record's entry names a record of this one. Without a pair (HubSpot as the CRM) no
    // contact is created, so every entry about a contact names one.
    const ids = [...refused];
    const links =
      side === "crm" ? await ctx.store.findLinksByCrmIds(mapping.pair, ids) : await ctx.store.findLinksByMarketingIds(mapping.pair, ids);
    refused = new Set(ids.filter((id) => links.has(id)));
  }
  // A clock is always on the person's CRM record, whose id it keeps: without a pair (HubSpot as the CRM),
  // the contact this side reads. With the contact pair the person's own contact is asked too: deleted for
  // good (GDPR) with nothing written to it since, only her clock falling due tells, and her follow-up
  // ends with her (deletions.ts `peopleGone`) rather than breach for someone gone.
  const clockRecord =
    side === "crm" || !mapping ? (c: SlaClock) => (c.crmType === object ? c.crmId : null) : mapping.pair === "contact" ? (c: SlaClock) => c.personId : null;
  if (clockRecord) {
    for (const c of await ctx.store.listSlaClocks({ open: true, unraised: true, gone: false, dueBy: ctx.until })) {
      const id = clockRecord(c);
      if (id !== null && !known.has(id)) refused.add(id);
    }
  }
  if (refused.size === 0) return [];
  const found = new Map<string, string>();
  // A merged-away id answers as the record it went into (SourceRecord.askedAs): a merge, not a deletion.
  for (const r of await system.readByIds(object, [...refused], [])) for (const id of idsAnsweredBy(r)) found.set(id, r.id);
  return [...refused].flatMap((id) => {
    const into = found.get(id);
    if (into === undefined) return [notFound(object, id, ctx.until)];
    return into === id ? [] : [answeredMerge(ctx, side, object, id, into)];
  });
}

/**
 * This run's listing of a recycle bin (recycle-bin.ts): where it starts, or none; once listed, its cursor
 * moves to the run's signpost and the bin's size is kept for the next run's choice.
 */
async function binListing(ctx: RunContext, system: string, object: string, removals: Cursor, everyMs: number) {
  const [binCursor, size] = await Promise.all([
    ctx.store.getCursor(system, binCursorObject(object)),
    ctx.store.getFact(binSizeFact(system, object)),
  ]);
  const start = binWindowStart(binCursor, removals, size, ctx.until, everyMs);
  let listed: number | undefined;
  if (start === null) ctx.log.debug("removals.bin_later", { system, object, records: Number(size?.value), lastListedAt: (binCursor ?? removals).value });
  return {
    options: {
      binSince: start === null ? null : new Date(Date.parse(start) - REMOVALS_OVERLAP_MS).toISOString(),
      onBinListed: (records: number) => {
        listed = records;
      },
    },
    listed: (): Omit<Cursor, "updatedAt">[] =>
      listed === undefined ? [] : [{ system, object: binCursorObject(object), value: ctx.until, lastId: null }],
    facts: (): StoreFact[] =>
      listed === undefined ? [] : [{ name: binSizeFact(system, object), value: String(listed), at: ctx.until }],
  };
}
