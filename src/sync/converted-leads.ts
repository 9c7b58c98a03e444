// A Lead a rep converted (Salesforce's convertLead) takes no more writes: its link moves to the Contact
// it became, the outbox drops what it kept for the Lead, the Lead's open error entries are resolved, and
// the fields a field-sync write still owed the Lead are owed to the Contact (ARCHITECTURE.md "One run", the CRM changes).
import type { OpenErrors } from "./open-errors.js";
import type { ObjectMapping } from "../core/mapping.js";
import type { SourceRecord } from "../core/records.js";
import type { FieldSnapshot, Link, LinkWrite, OutboxRecord, SlaClock } from "../store/port.js";
import { STAMP_KEY } from "./link-stamps.js";
import { owedSnapshots } from "./owed-fields.js";
import { clocksMoved } from "./merges.js";
import type { RunContext } from "./run-context.js";

/** A link whose Lead was read converted in this page, and the write that moves it to the Contact. */
export interface ConvertedLink {
  link: Link;
  lead: SourceRecord;
  mapping: ObjectMapping;
  moved: LinkWrite;
}

type Snapshots = Record<string, FieldSnapshot>;

export function converted(record: SourceRecord, mapping: ObjectMapping): boolean {
  return Boolean(mapping.conversion && record.fields[mapping.conversion.flag] === "true");
}

/**
 * The person whose record the converted Lead's Contact already is, when that is not the Lead's own person:
 * a rep converted her Lead into another person's Contact (convertLead's `contactId`), linked in the store
 * or by a link this batch writes (`linking`). Salesforce then says the two are one person, as a merge of
 * her Lead into that person's record does (merges.ts `followMerge`), and a link cannot hold both.
 */
export async function contactHolder(
  ctx: RunContext,
  link: Link,
  lead: SourceRecord,
  mapping: ObjectMapping,
  linking: readonly LinkWrite[],
): Promise<string | undefined> {
  const target = lead.fields[mapping.conversion!.idField];
  if (!target) return undefined;
  const type = mapping.conversion!.object;
  const taken = linking.find((l) => l.crmType === type && l.crmId === target && l.marketingId !== link.marketingId);
  if (taken) return taken.marketingId;
  const held = await ctx.store.findLinkByCrm(link.pair, type, target);
  return held && held.marketingId !== link.marketingId ? held.marketingId : undefined;
}

/** The link moved to the converted Lead's Contact, or null when the Lead names none. */
export function relinkToConverted(ctx: RunContext, link: Link, lead: SourceRecord, mapping: ObjectMapping): LinkWrite | null {
  const target = lead.fields[mapping.conversion!.idField];
  if (!target) return null;
  ctx.summary.relinked++;
  ctx.log.debug("link.converted", { runId: ctx.runId, linkId: link.id, from: lead.id, to: target });
  return {
    pair: link.pair,
    marketingType: link.marketingType,
    marketingId: link.marketingId,
    crmType: mapping.conversion!.object,
    crmId: target,
    // Salesforce copies a Lead's custom fields to its Contact only where an admin mapped them, so the
    // Contact is taken to lack its stamp until leadloop has written it: the next read of either record
    // plans the pair.
    snapshots: { [STAMP_KEY]: { marketing: null, crm: null, syncedAt: ctx.now().toISOString() } },
  };
}

/**
 * What the page's commit does about its converted Leads, and the snapshots its merges take instead (each
 * moved link's write carries them too).
 */
export interface ConversionCarry {
  droppedFor: OutboxRecord[];
  resolvedErrors: number[];
  /** Per link id: the snapshots that say a field the Lead was owed is still to write. */
  snapshots: Map<number, Snapshots>;
  /** The people's follow-up clocks, moved from the Lead to the record it became. */
  clocks: SlaClock[];
}

/**
 * The Leads' writes are dropped (a converted Lead refuses every write: CANNOT_UPDATE_CONVERTED_LEAD) and
 * their open entries (in `open`, the page's one read of the error queue) resolved; the fields a field-sync write still owed a Lead are owed to its Contact
 * through the moved link's snapshots (owed-fields.ts), as a merged-away Lead's are to its master.
 */
export async function carryConversions(
  ctx: RunContext,
  items: readonly ConvertedLink[],
  mappings: readonly ObjectMapping[],
  snapshots: ReadonlyMap<number, Snapshots>,
  open: OpenErrors,
): Promise<ConversionCarry> {
  const carry: ConversionCarry = { droppedFor: [], resolvedErrors: [], snapshots: new Map(), clocks: [] };
  if (items.length === 0) return carry;
  const system = ctx.crm.system;
  carry.droppedFor = items.map((c) => ({ system, object: c.lead.object, recordId: c.lead.id }));
  const moves = items.flatMap((c) => {
    const target = mappings.find((m) => m.crmObject === c.mapping.conversion!.object);
    const held = snapshots.get(c.link.id) ?? {};
    return target ? [{ linkId: c.link.id, from: { object: c.lead.object, id: c.lead.id }, mapping: c.mapping, target, held }] : [];
  });
  const owed = await owedSnapshots(ctx, moves, ctx.now().toISOString());
  for (const c of items) {
    const patch = owed.get(c.link.id);
    if (!patch) continue;
    carry.snapshots.set(c.link.id, { ...(snapshots.get(c.link.id) ?? {}), ...patch });
    c.moved.snapshots = { ...patch, ...c.moved.snapshots };
  }
  // A clock on the Lead goes to the record it became (merges.ts `clocksMoved`).
  carry.clocks = await clocksMoved(
    ctx,
    items.map((c) => ({
      personId: c.link.marketingId,
      from: { type: c.lead.object, id: c.lead.id },
      to: { type: c.moved.crmType, id: c.moved.crmId },
    })),
  );
  for (const c of items)
    for (const e of open.get(c.lead.id) ?? []) {
      if (e.system !== system || e.object !== c.lead.object) continue;
      carry.resolvedErrors.push(e.id);
      ctx.log.debug("error.resolved_converted", { runId: ctx.runId, errorId: e.id, recordId: c.lead.id });
    }
  return carry;
}
