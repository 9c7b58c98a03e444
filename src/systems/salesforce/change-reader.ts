// readChanges: records of one object modified in (cursor - look-back, until], oldest first, one ChangePage
// per query page, resumable from any page's cursor.
//
// The look-back is there because a record's SystemModstamp is taken when its transaction starts, so the
// record can become visible after a reader has already passed that instant (SOAP API Developer Guide,
// "GetUpdatedResult": latestDateCovered exists for changes "that started after this date but did not
// complete before the endDate"), and because dateTimes are kept to the second, so many records share one.
// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getupdated_getupdatedresult.htm
// A transaction open longer than the look-back is held by getUpdated's latestDateCovered instead
// (coverage.ts): asked before the query (in one composite call with its first page), for a read that
// listens for it, and no page's cursor passes it.
// One query is paged by its server-side cursor (nextRecordsUrl), so re-read records cannot make a read loop;
// a page's cursor never goes behind the one the read started from (read-window.ts). Without a look-back
// the compound (SystemModstamp, Id) cursor keeps records sharing a SystemModstamp at a page boundary from
// being skipped or read forever.
import type { ChangeCursor, ChangePage, CoverageListener } from "../../sync/system-port.js";
import { cursorAfter } from "../read-window.js";
import type { SalesforceClient } from "./connection.js";
import type { ChangeCoverage } from "./coverage.js";
import { queryPages, queryPath } from "./query-pages.js";
import { CHANGE_ORDER, changeWindow, select, selectList } from "./soql.js";
import { fromSalesforceRecord } from "./values.js";

export interface ChangeReaderDeps {
  client: SalesforceClient;
  /** How far before the saved cursor an incremental read starts; 0 reads strictly after it. */
  lookbackMs: number;
  coverage: ChangeCoverage;
}

export async function* readChanges(
  deps: ChangeReaderDeps,
  object: string,
  fields: readonly string[],
  from: ChangeCursor | null,
  until: string,
  listener: CoverageListener = {},
): AsyncGenerator<ChangePage> {
  const columns = selectList(fields);
  const soql = select(object, columns, changeWindow(from, until, deps.lookbackMs), CHANGE_ORDER);
  const { short: covered, first } = listener.onCoveredUntil ? await deps.coverage.ofRead(object, until, queryPath(soql)) : {};
  if (covered !== undefined) listener.onCoveredUntil?.(covered);
  for await (const rows of queryPages(deps.client, soql, first === undefined ? {} : { first })) {
    if (rows.length === 0) continue;
    const records = rows.map((row) => fromSalesforceRecord(object, row, fields));
    yield { records, cursor: heldAt(cursorAfter(from, records[records.length - 1]!), covered) };
  }
}

/**
 * A page's cursor, no later than the instant the log covered: a read resumed from it starts a look-back
 * before the open transaction's start (and may move behind `from`, to take it in).
 */
function heldAt(cursor: ChangeCursor, covered: string | undefined): ChangeCursor {
  if (covered === undefined || Date.parse(cursor.modifiedAt) <= Date.parse(covered)) return cursor;
  return { modifiedAt: covered, lastId: null };
}
