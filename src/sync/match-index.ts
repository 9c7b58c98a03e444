// First-load matching from one read of the CRM side: on a first load every marketing record is unlinked,
// and a per-page `IN` query per CRM object would cost one query or more per page (hundreds at 10k contacts).
// Instead the CRM object's records are read once through its change stream (`from` null: every record,
// 2,000 to a Salesforce query page) into the store's match index by normalised match key, and each page
// looks its keys up there. Records the CRM changes meanwhile are read into it again before a page uses an
// index older than MATCH_INDEX_FRESH_MS. Other runs keep the per-page query (ARCHITECTURE.md, "First-load
// matching").
import type { ObjectMapping } from "../core/mapping.js";
import type { SourceRecord } from "../core/records.js";
import { crmFields } from "./field-lists.js";
import type { RunContext } from "./run-context.js";

/**
 * CRMs whose change stream reads many records a call, so that one read of the object beats a query per
 * page: Salesforce's query pages hold 2,000 records (REST API Developer Guide, "Execute a SOQL Query",
 * batchSize). HubSpot's list pages hold 100, no more than a batch read by email, so it keeps its per-page read.
 */
const WHOLE_READ_CRMS: ReadonlySet<string> = new Set(["salesforce"]);

/**
 * A page never matches against an index older than this: the records the CRM changed since are read into
 * it first (one query, usually empty). A per-page query leaves a window as long between its read and the
 * create the outbox sends later; half a minute keeps a rep's new record from being created twice.
 */
export const MATCH_INDEX_FRESH_MS = 30_000;

interface IndexState {
  mapping: ObjectMapping;
  fields: readonly string[];
  /** Every record modified up to here is in the index; null until the first page that matches reads it. */
  readUntil: string | null;
}

/** Per run and CRM object: the index in use, or null when this run matches with per-page queries. */
const runs = new WeakMap<RunContext, Map<string, IndexState | null>>();

/**
 * Decides for each mapping, before the pair's marketing side is read, whether this run matches it from an
 * index: a first load of the marketing object (no cursor yet) against a CRM read many records a call. It
 * is decided here, not at the first page that matches, because the read saves the object's cursor as it
 * goes: the records the pair brings in after its read (inclusion.ts, the companies of the run's new MQLs)
 * are still the first load's, and would otherwise make an `IN` query per page.
 */
export async function openMatchIndexes(ctx: RunContext, mappings: readonly ObjectMapping[]): Promise<void> {
  for (const mapping of mappings) await openIndex(ctx, mapping, crmFields(mapping));
}

/**
 * The CRM records of `mapping` whose normalised key is one of `keys`, from the match index; null when this
 * run matches with per-page queries instead (not a first load of the marketing object, or a CRM read 100
 * a page). The first call of a first load reads the object into the index.
 */
export async function indexedCandidates(
  ctx: RunContext,
  mapping: ObjectMapping,
  keys: readonly string[],
  fields: readonly string[],
  normalize: (record: SourceRecord) => string | null,
): Promise<SourceRecord[] | null> {
  const state = await openIndex(ctx, mapping, fields);
  if (!state) return null;
  if (state.readUntil === null || ctx.now().getTime() - Date.parse(state.readUntil) > MATCH_INDEX_FRESH_MS) {
    await readIntoIndex(ctx, state, normalize);
  }
  return (await ctx.store.findInMatchIndex(mapping.crmObject, keys)) as SourceRecord[];
}

/** The mapping's index state for this run, decided at its first call: unread on a first load, else null. */
async function openIndex(
  ctx: RunContext,
  mapping: ObjectMapping,
  fields: readonly string[],
): Promise<IndexState | null> {
  let states = runs.get(ctx);
  if (!states) runs.set(ctx, (states = new Map()));
  const held = states.get(mapping.crmObject);
  if (held !== undefined) return held;
  const firstLoad =
    WHOLE_READ_CRMS.has(ctx.crm.system) &&
    ctx.crm.system !== ctx.marketing.system &&
    !(await ctx.store.getCursor(ctx.marketing.system, mapping.marketingObject));
  // A run that stopped or crashed midway left its index behind: emptied either way.
  await ctx.store.clearMatchIndex(mapping.crmObject);
  const state = firstLoad ? { mapping, fields, readUntil: null } : null;
  states.set(mapping.crmObject, state);
  return state;
}

/** Empties the match indexes this run read (its matching of the marketing object is done). */
export async function releaseMatchIndexes(ctx: RunContext, mappings: readonly ObjectMapping[]): Promise<void> {
  const states = runs.get(ctx);
  if (!states) return;
  for (const mapping of mappings) {
    if (!states.get(mapping.crmObject)) continue;
    await ctx.store.clearMatchIndex(mapping.crmObject);
    states.set(mapping.crmObject, null);
  }
}

/** Reads the object's records (all of them the first time, then those changed since) into the index. */
async function readIntoIndex(
  ctx: RunContext,
  state: IndexState,
  normalize: (record: SourceRecord) => string | null,
): Promise<void> {
  const until = ctx.now().toISOString();
  const from = state.readUntil === null ? null : { modifiedAt: state.readUntil, lastId: null };
  let read = 0;
  for await (const page of ctx.crm.readChanges(state.mapping.crmObject, state.fields, from, until)) {
    read += page.records.length;
    await ctx.store.addToMatchIndex(
      state.mapping.crmObject,
      page.records.map((record) => ({ key: normalize(record), record })),
    );
    // A whole org's read takes a while: the run is seen to progress through it (the daemon's /healthz).
    ctx.onProgress?.({ phase: `${ctx.crm.system} ${state.mapping.crmObject}, read whole for matching`, read: page.records.length, written: 0 });
  }
  state.readUntil = until;
  ctx.log.debug("match.index_read", { object: state.mapping.crmObject, whole: from === null, records: read });
}
