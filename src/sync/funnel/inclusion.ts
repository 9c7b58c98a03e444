// The inclusion rule: the CRM stays the database of qualified records, so by default only people who
// reached MQL (or any later stage) are created there; `inclusion: all` creates everyone. Each object
// pair is judged by its own rule: a company is included when one of its contacts is included or
// linked, a deal when one of its contacts is. Records already linked are synced whatever their stage:
// they never reach this rule.
import type { ObjectMapping } from "../../core/mapping.js";
import type { SourceRecord } from "../../core/records.js";
import type { RunContext } from "../run-context.js";
import type { FunnelRunState, FunnelSetup, InclusionRunState } from "./funnel-setup.js";

const QUALIFIED_STAGES: ReadonlySet<string> = new Set(["mql", "sal", "opportunity", "won", "lost"]);
const CONTACTS = "contacts";
const CONTACT_PAIR = "contact";
/** Runs looked back at for the last finished one; past them every MQL and link counts (costly, never wrong). */
const RUNS_LOOKED_AT = 50;

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

/**
 * The companies and deals of people who became MQLs or were linked since the last run that finished
 * (this one included) and that have no CRM counterpart yet: they were excluded when last read (no
 * contact of theirs was included) and may not change again, so they are read here for the pair's sync
 * to create them now. Since the last finished run, not this run alone: a run stopped or killed between
 * its contact pair and its company pair leaves those people's companies to the next.
 *
 * A run asks three times (companies before and after its contact pair, deals), for a set of people that
 * only grows: when the last run started is looked up once, and each person's companies and deals are
 * read from HubSpot once per run (`state.inclusion`), so the second ask for companies reads only the
 * people the contact pair linked meanwhile.
 */
export async function newlyIncludedRecords(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  mapping: ObjectMapping,
  fields: readonly string[],
): Promise<SourceRecord[]> {
  if (setup.inclusion === "all" || setup.crmIsMarketing || mapping.pair === "contact") return [];
  if (!ctx.marketing.readAssociations) return [];
  const included = state.inclusion;
  if (included.since === undefined) included.since = await lastFinishedRunStart(ctx);
  const since = included.since;
  const mqls = (await ctx.store.listFunnelEvents(since === null ? {} : { from: since }))
    .filter((e) => e.toStage === "mql")
    .map((e) => e.personId);
  const linked = await ctx.store.listLinkedSince(CONTACT_PAIR, since);
  // A dry run stores no links: the people its plan linked are in the run's context.
  const people = [...new Set([...mqls, ...linked, ...(ctx.linkedPeople ?? [])])];
  if (people.length === 0) return [];
  const associated = await associationsOnce(ctx, included, people, mapping.marketingObject);
  const ids = [...new Set(people.flatMap((id) => associated.get(id) ?? []))];
  const withLink = await ctx.store.findLinksByMarketingIds(mapping.pair, ids);
  const unlinked = ids.filter((id) => !withLink.has(id));
  return unlinked.length > 0 ? ctx.marketing.readByIds(mapping.marketingObject, unlinked, fields) : [];
}

/** The `object`s associated with each of `people`, read from HubSpot for those this run has not read yet. */
async function associationsOnce(
  ctx: RunContext,
  included: InclusionRunState,
  people: readonly string[],
  object: string,
): Promise<Map<string, string[]>> {
  let known = included.associated.get(object);
  if (!known) included.associated.set(object, (known = new Map()));
  const unread = people.filter((id) => !known.has(id));
  if (unread.length > 0) {
    const read = await ctx.marketing.readAssociations!(CONTACTS, unread, object);
    for (const id of unread) known.set(id, read.get(id) ?? []);
  }
  return known;
}

/** When the last run that finished its pairs started; null when none did (every MQL and link counts). */
async function lastFinishedRunStart(ctx: RunContext): Promise<string | null> {
  const runs = await ctx.store.listRuns(RUNS_LOOKED_AT);
  return runs.find((r) => r.id !== ctx.runId && !r.dryRun && r.status === "succeeded")?.startedAt ?? null;
}
