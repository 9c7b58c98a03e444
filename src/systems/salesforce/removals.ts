// readRemovals: the sObject Get Deleted resource lists records deleted in a window; QueryAll then reads their
// MasterRecordId, which a merge sets on the losing records (REST API Developer Guide, "sObject Get Deleted";
// SOAP API Developer Guide, "merge()"). Salesforce keeps deletions for 15 days in the Recycle Bin and answers
// getDeleted for windows starting within the last 30 days.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
import { z } from "zod";
import { SystemError } from "../../sync/system-error.js";
import type { Removal } from "../../sync/system-port.js";
import type { SalesforceClient } from "./connection.js";
import type { DescribeCache } from "./describe.js";
import { SYSTEM } from "./errors.js";
import { SOQL_IN_LIST_SIZE } from "./limits.js";
import { queryAllRows } from "./query-pages.js";
import { chunk, inList, select, soqlName } from "./soql.js";
import { toCanonical } from "./values.js";

/** Two minutes: whatever seconds the ends carry, the whole-minute window spans more than one. */
const MIN_WINDOW_MS = 2 * 60_000;

/** The getDeleted resource for a window, under the versioned root; the window probe asks the same one. */
export function deletedPath(object: string, since: string, until: string): string {
  // getDeleted counts whole minutes and refuses a window of one minute or less
  // (INVALID_REPLICATION_DATE): a shorter one starts earlier. Following a removal twice is harmless.
  const start = Math.min(Date.parse(since), Date.parse(until) - MIN_WINDOW_MS);
  const params = new URLSearchParams({
    start: new Date(start).toISOString(),
    end: new Date(until).toISOString(),
  });
  return `/sobjects/${soqlName(object)}/deleted?${params.toString()}`;
}

export const deletedResult = z
  .object({ deletedRecords: z.array(z.object({ id: z.string(), deletedDate: z.string() }).loose()) })
  .loose();

export async function readRemovals(
  client: SalesforceClient,
  describe: DescribeCache,
  object: string,
  since: string,
  until: string,
): Promise<Removal[]> {
  const raw = await client.call<unknown>({
    method: "GET",
    path: deletedPath(object, since, until),
    idempotent: true,
    purpose: "getDeleted",
  });
  const parsed = deletedResult.safeParse(raw);
  if (!parsed.success) {
    throw new SystemError({
      system: SYSTEM,
      errorClass: "bug",
      code: "UNEXPECTED_DELETED_RESULT",
      message: `Salesforce's getDeleted answer for ${object} did not have the documented shape`,
      retriable: false,
    });
  }
  const deleted = parsed.data.deletedRecords;
  const masters = await mergedInto(
    client,
    describe,
    object,
    deleted.map((d) => d.id),
  );
  return deleted.map((d) => {
    const master = masters.get(d.id) ?? null;
    return {
      object,
      id: d.id,
      kind: master ? "merged" : "deleted",
      mergedInto: master,
      at: toCanonical(d.deletedDate) ?? d.deletedDate,
      // A merge deletes its losing records: their ids take no write, as any deleted record's.
      takesWrites: false,
    };
  });
}

/** Deleted id → the record it was merged into, for objects that can be merged (they have MasterRecordId). */
async function mergedInto(
  client: SalesforceClient,
  describe: DescribeCache,
  object: string,
  ids: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const described = await describe.get(object);
  if (!described.fields.has("masterrecordid")) return out;
  for (const part of chunk(ids, SOQL_IN_LIST_SIZE)) {
    const soql = select(
      described.name,
      ["Id", "MasterRecordId"],
      `${inList("Id", part)} AND IsDeleted = true`,
    );
    for (const row of await queryAllRows(client, soql, { includeDeleted: true })) {
      const id = toCanonical(row.Id);
      const master = toCanonical(row.MasterRecordId);
      if (id && master) out.set(id, master);
    }
  }
  return out;
}
