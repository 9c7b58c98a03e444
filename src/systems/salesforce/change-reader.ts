// readChanges: records of one object modified in (cursor, until], oldest first, one ChangePage per query
// page, resumable from any page's cursor. The compound (SystemModstamp, Id) cursor means records sharing a
// SystemModstamp at a page boundary are neither skipped nor read forever (HABITS 5).
import type { ChangeCursor, ChangePage } from "../../sync/system-port.js";
import type { SalesforceClient } from "./connection.js";
import { queryPages } from "./query-pages.js";
import { CHANGE_ORDER, changeWindow, select, selectList } from "./soql.js";
import { fromSalesforceRecord } from "./values.js";

export async function* readChanges(
  client: SalesforceClient,
  object: string,
  fields: readonly string[],
  from: ChangeCursor | null,
  until: string,
): AsyncGenerator<ChangePage> {
  const columns = selectList(fields);
  const soql = select(object, columns, changeWindow(from, until), CHANGE_ORDER);
  for await (const rows of queryPages(client, soql)) {
    if (rows.length === 0) continue;
    const records = rows.map((row) => fromSalesforceRecord(object, row, fields));
    const last = records[records.length - 1]!;
    yield { records, cursor: { modifiedAt: last.modifiedAt, lastId: last.id } };
  }
}
