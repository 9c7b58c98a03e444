// Finds the counterparts that unlinked records' stamps name: a record carrying the other side's id was
// linked before, by a store that is gone or new, so its link comes back instead of a match or a create.
// One read by id per object per page.
import type { ObjectMapping } from "../core/mapping.js";
import { idsAnsweredBy, type SourceRecord } from "../core/records.js";
import { crmFields, marketingFields } from "./field-lists.js";
import type { RunContext } from "./run-context.js";
import type { SystemPort } from "./system-port.js";

export interface StampedPair {
  mapping: ObjectMapping;
  record: SourceRecord;
  counterpart: SourceRecord;
}

/** A CRM record a marketing record's stamp names that no read finds: the first object asked, and all of them in `named`. */
export interface GoneCrmRecord {
  object: string;
  id: string;
  /** e.g. "salesforce Contact or Lead 00Q…": every object the id was asked of. */
  named: string;
}

/**
 * Marketing records whose `marketingExternalId` names a CRM record that exists, is not converted and is
 * not linked to another marketing record. Mappings without a conversion (Contact) are tried first.
 * `gone` are those whose stamp names a CRM record no read of the pair's objects finds any more (a Lead
 * deleted, its Recycle Bin emptied), each with what it names: they were linked, and sales removed their
 * counterpart, so they are not created again (page-sync.ts `wasRemoved`), as a CRM record whose stamp
 * names a marketing record gone is not (`stampedMarketingRecords`).
 */
export async function stampedCrmRecords(
  ctx: RunContext,
  records: readonly SourceRecord[],
  mappings: readonly ObjectMapping[],
): Promise<{ pairs: StampedPair[]; gone: Map<string, GoneCrmRecord> }> {
  const pairs: StampedPair[] = [];
  const done = new Set<string>();
  /** Per record, the ids its stamps name, with the objects read for them, and whether any read answered. */
  const asked = new Map<string, { id: string; objects: string[]; answered: boolean }[]>();
  const preferred = [...mappings].sort(
    (a, b) => Number(Boolean(a.conversion)) - Number(Boolean(b.conversion)),
  );
  for (const mapping of preferred) {
    const field = mapping.marketingExternalId;
    if (!field) continue;
    const byCrmId = new Map<string, SourceRecord>();
    for (const r of records) {
      const crmId = r.fields[field];
      if (crmId && !done.has(r.id) && namesRecord(ctx.crm, crmId)) byCrmId.set(crmId, r);
    }
    if (byCrmId.size === 0) continue;
    const read = await ctx.crm.readByIds(mapping.crmObject, [...byCrmId.keys()], crmFields(mapping));
    // A stamp in another form of the record's id (a 15-character Salesforce id) is answered as askedAs.
    const answered = new Set(read.flatMap(idsAnsweredBy));
    for (const [crmId, r] of byCrmId) {
      const stamps = asked.get(r.id) ?? [];
      let stamp = stamps.find((s) => s.id === crmId);
      if (!stamp) stamps.push((stamp = { id: crmId, objects: [], answered: false }));
      stamp.objects.push(mapping.crmObject);
      stamp.answered ||= answered.has(crmId);
      asked.set(r.id, stamps);
    }
    const found = read.filter((c) => !(mapping.conversion && c.fields[mapping.conversion.flag] === "true"));
    const taken = await ctx.store.findLinksByCrmIds(
      mapping.pair,
      found.map((c) => c.id),
    );
    for (const crm of found) {
      const record = idsAnsweredBy(crm).map((id) => byCrmId.get(id)).find((r) => r !== undefined);
      if (!record || done.has(record.id) || taken.has(crm.id)) continue;
      done.add(record.id);
      pairs.push({ mapping, record, counterpart: crm });
    }
  }
  const gone = new Map<string, GoneCrmRecord>();
  for (const [recordId, stamps] of asked) {
    if (done.has(recordId)) continue;
    const missing = stamps.find((s) => !s.answered);
    if (missing)
      gone.set(recordId, { object: missing.objects[0]!, id: missing.id, named: `${ctx.crm.system} ${missing.objects.join(" or ")} ${missing.id}` });
  }
  return { pairs, gone };
}

/**
 * CRM records of one mapping whose `crmExternalId` names a marketing record that exists, or an id merged
 * into one since. `pairs` are those
 * whose marketing record is not linked; `claimed` those whose marketing record is linked to another CRM
 * record already (a Lead a Contact took the person over from): they are never created on the marketing side.
 * `gone` are those whose stamp names a marketing record no read finds any more (deleted, archived or for
 * good), each with the id it names: they were linked, and someone removed their counterpart.
 */
export async function stampedMarketingRecords(
  ctx: RunContext,
  records: readonly SourceRecord[],
  mapping: ObjectMapping,
  mappings: readonly ObjectMapping[],
): Promise<{ pairs: StampedPair[]; claimed: Set<string>; gone: Map<string, string> }> {
  const pairs: StampedPair[] = [];
  const claimed = new Set<string>();
  const gone = new Map<string, string>();
  const field = mapping.crmExternalId;
  if (!field) return { pairs, claimed, gone };
  const byMarketingId = new Map<string, SourceRecord>();
  for (const r of records) {
    const marketingId = r.fields[field];
    if (marketingId && !byMarketingId.has(marketingId) && namesRecord(ctx.marketing, marketingId))
      byMarketingId.set(marketingId, r);
  }
  if (byMarketingId.size === 0) return { pairs, claimed, gone };
  const found = await ctx.marketing.readByIds(
    mapping.marketingObject,
    [...byMarketingId.keys()],
    marketingFields(mappings),
  );
  const linked = await ctx.store.findLinksByMarketingIds(
    mapping.pair,
    found.map((m) => m.id),
  );
  const answered = new Set<string>();
  for (const marketing of found) {
    // A stamp may name an id merged into this record since (SourceRecord.askedAs): the record is the
    // person that stamp meant. One CRM record pairs with it; any other stamped for it is claimed.
    const ids = idsAnsweredBy(marketing);
    for (const id of ids) answered.add(id);
    const stamped = ids.flatMap((id) => byMarketingId.get(id) ?? []);
    for (const [i, record] of stamped.entries()) {
      if (i > 0 || linked.has(marketing.id)) claimed.add(record.id);
      else pairs.push({ mapping, record, counterpart: marketing });
    }
  }
  for (const r of records) {
    const marketingId = r.fields[field];
    if (marketingId && !answered.has(marketingId) && byMarketingId.has(marketingId)) gone.set(r.id, marketingId);
  }
  return { pairs, claimed, gone };
}

/**
 * Whether a stamp's text can name one of `system`'s records. One that cannot (an import's "n/a" in the
 * stamp field) is no stamp: its record is matched as an unstamped one, and the link's stamp replaces the
 * text, where it read as a stamp whose record was deleted and kept the record from ever being paired.
 */
function namesRecord(system: SystemPort, text: string): boolean {
  return system.namesRecord?.(text) ?? true;
}
