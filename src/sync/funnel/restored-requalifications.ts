// A lost store's rebuild of the qualifications before a contact's latest (ARCHITECTURE.md "Links": a lost
// store): the contact shows only its latest `leadloop_mql_date`, and its property history the ones before,
// so a person recycled and qualified again comes back as each MQL she was. Read only for the contacts a
// restore brings back with an MQL date, so a run whose store knows its people pays nothing.
import { DISPOSITION_DATE_FIELD } from "../../core/funnel/dispositions.js";
import { type EarlierQualification, earlierQualifications } from "../../core/funnel/restore.js";
import { instantOf, type SourceRecord } from "../../core/records.js";
import type { RunContext } from "../run-context.js";
import type { SystemPort } from "../system-port.js";
import { MQL_DATE_FIELD, requalifiedBack, restoredStage } from "./qualify-phase.js";

const CONTACTS = "contacts";
const STATUS_FIELD = "leadloop_status";

/**
 * By contact id, its qualifications before the latest (core/funnel/restore.ts earlierQualifications), for
 * the contacts given that a restore brings back (unknown to the store, a stage beyond lead on the
 * contact: qualify-phase.ts restoredStage) with an MQL date, and those an admin's requalify sent back
 * after it (qualify-phase.ts requalifiedBack: every MQL of theirs is an earlier one): their MQL date histories in batch reads
 * (HubSpot: 50 a call with `propertiesWithHistory`), then the status and disposition date histories of
 * those that held more than one, in the same reads (the date tells a rep's verdict from another move).
 * A contact with no earlier one is left out; so are all where the system keeps no history. The recycle
 * bin's contacts (binned-people.ts) are read through the bin's own reader (`read`): the live read leaves
 * archived records out. Throws SystemError.
 */
export async function restoredRequalifications(
  ctx: RunContext,
  records: readonly SourceRecord[],
  /** The store's stages of these people (a group's, read once with its steps'): a person it knows is no restore. */
  known: ReadonlyMap<string, string>,
  read: SystemPort["fieldValues"] = ctx.marketing.fieldValues?.bind(ctx.marketing),
): Promise<Map<string, EarlierQualification[]>> {
  const out = new Map<string, EarlierQualification[]>();
  if (!read) return out;
  const now = ctx.now();
  // By contact, its latest MQL date; null for one at lead with an MQL date (requalified back to lead after
  // it: every MQL date is an earlier one, and her requalify ends the last cycle).
  const mqlAt = new Map<string, string | null>();
  for (const r of records) {
    const at = instantOf(r.fields[MQL_DATE_FIELD]);
    if (!at || known.has(r.id)) continue;
    if (requalifiedBack(r)) mqlAt.set(r.id, null);
    else if (restoredStage(r, now) !== null) mqlAt.set(r.id, at);
  }
  if (mqlAt.size === 0) return out;
  const dates = await read(CONTACTS, [...mqlAt.keys()], [MQL_DATE_FIELD]);
  const mqlDates = (id: string) => (dates.get(id)?.[MQL_DATE_FIELD] ?? []).map((d) => d.value);
  const twice = [...mqlAt].filter(([id, at]) => earlierQualifications(at, mqlDates(id), []).length > 0);
  if (twice.length === 0) return out;
  const stages = await read(CONTACTS, twice.map(([id]) => id), [STATUS_FIELD, DISPOSITION_DATE_FIELD]);
  for (const [id, at] of twice) {
    const history = stages.get(id) ?? {};
    out.set(id, earlierQualifications(at, mqlDates(id), history[STATUS_FIELD] ?? [], history[DISPOSITION_DATE_FIELD] ?? []));
  }
  ctx.log.debug("people.requalifications_restored", { people: out.size });
  return out;
}
