// readByIds, findBy and countRecords: SOQL `IN (...)` lists, as long as a query's URI may be (QUERY_URI_BUDGET_BYTES). Text comparison in
// SOQL is case-insensitive, which is what findBy promises (SOQL and SOSL Reference, "Comparison Operators").
import { idsAnsweredBy, type SourceRecord } from "../../core/records.js";
import type { DescribeCache } from "./describe.js";
import { mastersOf } from "./removals.js";
import type { SalesforceClient } from "./connection.js";
import { QUERY_URI_BUDGET_BYTES } from "./limits.js";
import { queryTotalSize } from "./query-pages.js";
import { queryRowsTogether } from "./queries-together.js";
import { inList, inListsWithin, select, selectList, soqlName } from "./soql.js";
import { fromSalesforceRecord } from "./values.js";
import { caseSafeId } from "./record-id.js";

/** How many merges in a row a read by id follows (a master merged away since, in turn). */
const MERGE_HOPS = 3;

export async function readByIds(
  client: SalesforceClient,
  describe: DescribeCache,
  object: string,
  ids: readonly string[],
  fields: readonly string[],
  hops = MERGE_HOPS,
): Promise<SourceRecord[]> {
  // Text that is no record id (a stamp an import filled with "n/a") names no record; Salesforce would
  // refuse the whole query for it (INVALID_QUERY_FILTER_OPERATOR "invalid ID field"), so it is not asked.
  const asked = unique(ids, false).filter((id) => caseSafeId(id) !== undefined);
  const records = withAskedForms(await readWhereIn(client, object, "Id", asked, fields), asked);
  const answered = new Set(records.flatMap((r) => idsAnsweredBy(r)));
  const missing = asked.filter((id) => !answered.has(id));
  return missing.length > 0 && hops > 0 ? withMasters(client, describe, object, records, missing, fields, hops) : records;
}

/**
 * A record merged away answers as the record it went into, naming the id asked (`SourceRecord.askedAs`),
 * as a merged HubSpot contact answers as the record the merge made: a merge deletes its losing records
 * with MasterRecordId set, and the Recycle Bin keeps them, where queryAll reads them (SOAP API Developer
 * Guide, "merge()"; REST API Developer Guide, "QueryAll"). Asked only when an asked record is missing, so
 * a read that finds them all costs nothing more; a record emptied from the bin is missing still.
 */
async function withMasters(
  client: SalesforceClient,
  describe: DescribeCache,
  object: string,
  records: SourceRecord[],
  missing: string[],
  fields: readonly string[],
  hops: number,
): Promise<SourceRecord[]> {
  const masters = await mastersOf(client, describe, object, missing);
  if (masters.size === 0) return records;
  const byId = new Map(records.map((r) => [r.id, r]));
  const unread = [...new Set(masters.values())].filter((id) => !byId.has(id));
  for (const r of unread.length > 0 ? await readByIds(client, describe, object, unread, fields, hops - 1) : []) byId.set(r.id, r);
  const answering = new Map([...byId.values()].flatMap((r) => idsAnsweredBy(r).map((id) => [id, r] as const)));
  for (const id of missing) {
    const master = answering.get(masters.get(caseSafeId(id)!) ?? "");
    if (master) master.askedAs = [...new Set([...(master.askedAs ?? []), id])];
  }
  return [...byId.values()];
}

/**
 * A record asked for by another form of its id (the 15-character one the UI and reports show, or its
 * 18-character id in other letter case) answers under the id the API gives, naming the form asked
 * (`SourceRecord.askedAs`), as a merged HubSpot record names the ids that led to it: a stamp an admin
 * imported from a report still finds its record.
 */
function withAskedForms(records: SourceRecord[], asked: readonly string[]): SourceRecord[] {
  const forms = new Map<string, string[]>();
  for (const id of asked) {
    const canonical = caseSafeId(id);
    if (canonical === undefined || canonical === id) continue;
    const held = forms.get(canonical);
    if (held) held.push(id);
    else forms.set(canonical, [id]);
  }
  if (forms.size === 0) return records;
  for (const record of records) {
    const named = forms.get(record.id);
    if (named) record.askedAs = [...(record.askedAs ?? []), ...named];
  }
  return records;
}

export async function findBy(
  client: SalesforceClient,
  object: string,
  field: string,
  values: readonly string[],
  fields: readonly string[],
): Promise<SourceRecord[]> {
  return readWhereIn(client, object, field, unique(values, true), fields);
}

/**
 * The object's records: `SELECT COUNT() FROM <object>`, whose answer's totalSize is the count and whose
 * records are empty (SOQL and SOSL Reference, "COUNT() and COUNT(fieldName)"; COUNT() takes no ORDER BY).
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_count.htm
 */
export function countRecords(client: SalesforceClient, object: string): Promise<number> {
  return queryTotalSize(client, `SELECT COUNT() FROM ${soqlName(object)}`);
}

async function readWhereIn(
  client: SalesforceClient,
  object: string,
  field: string,
  values: string[],
  fields: readonly string[],
): Promise<SourceRecord[]> {
  const columns = selectList(fields);
  const out: SourceRecord[] = [];
  // The query's URI less its IN list: `/services/data/vXX.X/query?q=` and the statement around the list.
  const fixed = 40 + encodeURIComponent(select(object, columns, inList(field, []), "Id")).length;
  const soqls = inListsWithin(values, fixed, QUERY_URI_BUDGET_BYTES).map((part) => select(object, columns, inList(field, part), "Id"));
  for (const rows of await queryRowsTogether(client, soqls)) {
    for (const row of rows) out.push(fromSalesforceRecord(object, row, fields));
  }
  return out;
}

/** Non-blank values, each once (without regard to case when Salesforce compares that way). */
function unique(values: readonly string[], ignoreCase: boolean): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of values) {
    const key = ignoreCase ? v.trim().toLowerCase() : v.trim();
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(ignoreCase ? v.trim() : key);
  }
  return out;
}
