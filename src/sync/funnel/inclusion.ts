// The inclusion rule: the CRM stays the database of qualified records, so by default only people who
// reached MQL (or any later stage) are created there; `inclusion: all` creates everyone. Each object
// pair is judged by its own rule: a company is included when one of its contacts is included or
// linked, a deal when one of its contacts is. Records already linked are synced whatever their stage:
// they never reach this rule.
import type { ObjectMapping } from "../../core/mapping.js";
import type { SourceRecord } from "../../core/records.js";
import { GROUP_RECORDS } from "../change-groups.js";
import type { RunContext } from "../run-context.js";
import { isSyncRun } from "../run-ids.js";
import type { FunnelRunState, FunnelSetup } from "./funnel-setup.js";

const QUALIFIED_STAGES: ReadonlySet<string> = new Set(["mql", "sal", "opportunity", "won", "lost"]);
const CONTACTS = "contacts";
const CONTACT_PAIR = "contact";
/** Runs looked back at for the last finished one; past them every MQL and link counts (costly, never wrong). */
const RUNS_LOOKED_AT = 50;
/** People whose associations one step reads: two full association reads (ASSOCIATION_READ_BATCH_SIZE, 1,000). */
const PEOPLE_PER_STEP = 2_000;
/** People per object whose associations a run keeps for its later asks (a million would hold hundreds of MB). */
const ASSOCIATIONS_KEPT = 20_000;
/**
 * The cursor (`companies#inclusion`, `deals#inclusion`) an ask saves once its pages are synced: the instant
 * up to which the MQLs and links it listed are covered. The next ask lists people from there.
 */
const INCLUSION_CURSOR = "#inclusion";

export async function includedInCrm(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  records: readonly SourceRecord[],
  mapping: ObjectMapping,
): Promise<Set<string>> {
  const ids = records.map((r) => r.id);
  if (setup.inclusion === "all") return new Set(ids);
  if (mapping.pair === "contact") return qualifiedPeople(ctx, state, ids);
  // Companies and deals: through the contacts associated with them.
  if (ids.length === 0 || !ctx.marketing.readAssociations) return new Set();
  const contactsOf = await ctx.marketing.readAssociations(mapping.marketingObject, ids, CONTACTS);
  const contacts = [...new Set([...contactsOf.values()].flat())];
  const included = await qualifiedPeople(ctx, state, contacts);
  for (const id of (await ctx.store.findLinksByMarketingIds("contact", contacts)).keys()) included.add(id);
  return new Set(ids.filter((id) => (contactsOf.get(id) ?? []).some((c) => included.has(c))));
}

/** Whether includedInCrm answers for this mapping without an API call: people by their stage, or everyone. */
export function inclusionReadsNothing(setup: FunnelSetup, mapping: ObjectMapping): boolean {
  return setup.inclusion === "all" || mapping.pair === CONTACT_PAIR;
}

async function qualifiedPeople(
  ctx: RunContext,
  state: FunnelRunState,
  ids: readonly string[],
): Promise<Set<string>> {
  const stages = await ctx.store.currentStages(ids);
  // In a dry run the qualification phase recorded nothing: its scores stand in for the stages.
  return new Set(
    ids.filter((id) => QUALIFIED_STAGES.has(stages.get(id) ?? "") || state.qualified.has(id)),
  );
}

/** A page of newly included records; `last`, empty, ends an ask: what the sync held across its pages goes. */
export interface IncludedPage {
  records: SourceRecord[];
  last: boolean;
}

/**
 * The companies and deals of people who became MQLs or were linked since the last ask of the object was
 * covered (its `#inclusion` cursor) and that have no CRM counterpart yet: they were excluded when last
 * read (no contact of theirs was included) and may not change again, so they are read here for the pair's
 * sync to create them now. The cursor moves only once an ask's pages are all synced, so a run stopped or
 * killed between its contact pair and its company pair leaves those people's companies to the next; the
 * people an earlier ask covered (a first load's hundreds of thousands) are not asked about again. A store
 * without the cursor yet (one of before it) asks from the start of the last run that succeeded.
 *
 * A run asks three times (companies before and after its contact pair, deals): each person's companies
 * and deals are read from HubSpot once per run (`state.inclusion`, up to ASSOCIATIONS_KEPT people), so the
 * second ask for companies reads only the people the contact pair linked meanwhile. The records come in
 * pages of at most GROUP_RECORDS, as a change read's groups do.
 */
export async function* newlyIncludedPages(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  mapping: ObjectMapping,
  fields: readonly string[],
): AsyncIterable<IncludedPage> {
  if (setup.inclusion === "all" || setup.crmIsMarketing || mapping.pair === "contact") return;
  if (!ctx.marketing.readAssociations) return;
  const included = state.inclusion;
  const object = mapping.marketingObject;
  const cursorObject = `${object}${INCLUSION_CURSOR}`;
  // Taken before the people are listed: an MQL or link stored after it is the next ask's.
  const asked = ctx.now().toISOString();
  const covered = await ctx.store.getCursor(ctx.marketing.system, cursorObject);
  if (covered === undefined && included.since === undefined) included.since = await lastFinishedRunStart(ctx);
  const since = covered?.value ?? included.since ?? null;
  const mqls = (await ctx.store.listFunnelEvents(since === null ? {} : { from: since }))
    .filter((e) => e.toStage === "mql")
    .map((e) => e.personId);
  const linked = await ctx.store.listLinkedSince(CONTACT_PAIR, since);
  // A dry run stores no links: the people its plan linked are in the run's context.
  const people = [...new Set([...mqls, ...linked, ...(ctx.linkedPeople ?? [])])];
  if (people.length > 0) {
    for await (const records of includedPages(ctx, included, object, mapping, fields, people)) yield { records, last: false };
    // Before the cursor below passes them: the creates the sync holds across the pages go now.
    if (ctx.signal?.aborted) return;
    yield { records: [], last: true };
  }
  // Reached once every page above is synced (a caller that stops leaves the generator unfinished, and a
  // stop mid-way left pages unread): the people up to `asked` are covered, so the next ask starts there.
  if (ctx.signal?.aborted) return;
  await ctx.store.commitBatch({
    runId: ctx.runId,
    at: ctx.now().toISOString(),
    cursors: [{ system: ctx.marketing.system, object: cursorObject, value: asked, lastId: null }],
  });
}

/** The records of `people`'s `object`s that have no link yet, in pages of at most GROUP_RECORDS. */
async function* includedPages(
  ctx: RunContext,
  included: FunnelRunState["inclusion"],
  object: string,
  mapping: ObjectMapping,
  fields: readonly string[],
  people: readonly string[],
): AsyncIterable<SourceRecord[]> {
  const kept = included.associated.get(object) ?? new Map<string, string[]>();
  included.associated.set(object, kept);
  // A first load of a million contacts links hundreds of thousands of people: their associations and
  // records go a step and a page at a time (ARCHITECTURE.md "Memory at scale"), never all at once.
  const steps: { people: string[]; read: boolean }[] = [{ people: people.filter((id) => kept.has(id)), read: false }];
  const unread = people.filter((id) => !kept.has(id));
  for (let i = 0; i < unread.length; i += PEOPLE_PER_STEP) steps.push({ people: unread.slice(i, i + PEOPLE_PER_STEP), read: true });
  /** Records this ask handed on: a company many people share goes once. */
  const handed = new Set<string>();
  const waiting: string[] = [];
  for (const step of steps) {
    if (ctx.signal?.aborted) return;
    const associated = step.read ? await associationsOf(ctx, kept, step.people, object) : kept;
    const ids = [...new Set(step.people.flatMap((id) => associated.get(id) ?? []))].filter((id) => !handed.has(id));
    if (ids.length === 0) continue;
    for (const id of ids) handed.add(id);
    const withLink = await ctx.store.findLinksByMarketingIds(mapping.pair, ids);
    waiting.push(...ids.filter((id) => !withLink.has(id)));
    // Full pages: a page of GROUP_RECORDS is a whole number of batch reads.
    while (waiting.length >= GROUP_RECORDS) yield await ctx.marketing.readByIds(object, waiting.splice(0, GROUP_RECORDS), fields);
  }
  if (waiting.length > 0) yield await ctx.marketing.readByIds(object, waiting, fields);
}

/**
 * The `object`s associated with each of `people`, read from HubSpot; kept for the run's later asks
 * (each person's read once per run) up to ASSOCIATIONS_KEPT people, past which a later ask reads again.
 */
async function associationsOf(
  ctx: RunContext,
  kept: Map<string, string[]>,
  people: readonly string[],
  object: string,
): Promise<Map<string, string[]>> {
  const read = await ctx.marketing.readAssociations!(CONTACTS, people, object);
  for (const id of people) if (kept.size < ASSOCIATIONS_KEPT) kept.set(id, read.get(id) ?? []);
  return read;
}

/** When the last run that finished its pairs started; null when none did (every MQL and link counts). */
async function lastFinishedRunStart(ctx: RunContext): Promise<string | null> {
  const runs = await ctx.store.listRuns(RUNS_LOOKED_AT);
  return runs.find((r) => r.id !== ctx.runId && !r.dryRun && r.status === "succeeded" && isSyncRun(r.id))?.startedAt ?? null;
}
