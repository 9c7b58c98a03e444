// readRemovals: the sObject Get Deleted resource lists records deleted in a window; QueryAll then reads their
// MasterRecordId, which a merge sets on the losing records, and the link stamp when asked (REST API
// Developer Guide, "sObject Get Deleted"; SOAP API Developer Guide, "merge()"). Salesforce keeps deleted
// records 15 days in the Recycle Bin, where QueryAll finds them; a record emptied from it may still be
// listed by getDeleted (which may also answer less once the bin was purged), but QueryAll finds it for a
// while at most ("emptyRecycleBin()"), so its stamp is taken as gone. getDeleted takes windows starting
// within the last 30 days.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
import { z } from "zod";
import { SystemError } from "../../sync/system-error.js";
import type { Removal, RemovalReadOptions } from "../../sync/system-port.js";
import type { SalesforceClient } from "./connection.js";
import type { DescribeCache } from "./describe.js";
import { coveredShortOf, MIN_WINDOW_MS } from "./coverage.js";
import { documentedAnswer } from "./errors.js";
import { SOQL_IN_LIST_SIZE } from "./limits.js";
import { queryRowsTogether } from "./queries-together.js";
import { chunk, inList, select, soqlDateTime, soqlName } from "./soql.js";
import { toCanonical } from "./values.js";

/**
 * How far back a removals read may start: getDeleted refuses a start more than 30 days ago
 * (INVALID_REPLICATION_DATE); a day less, since a read that starts from a run's signpost may be sent hours
 * after it (a first load's qualification comes first), by a clock a little off Salesforce's.
 */
export const REMOVALS_REACH_MS = 29 * 86_400_000;

/** The getDeleted resource for a window, under the versioned root; the window probe asks the same one. */
export function deletedPath(object: string, since: string, until: string): string {
  const [start, end] = deletedWindow(since, until);
  const params = new URLSearchParams({ start: new Date(start).toISOString(), end: new Date(end).toISOString() });
  return `/sobjects/${soqlName(object)}/deleted?${params.toString()}`;
}

/** The start and end (epoch ms) of the getDeleted window a read from `since` to `until` asks. */
function deletedWindow(since: string, until: string): [number, number] {
  // getDeleted counts whole minutes and refuses a window of one minute or less
  // (INVALID_REPLICATION_DATE): a shorter one starts earlier. Following a removal twice is harmless.
  // It refuses a start more than 30 days back too: after a longer pause the window starts as far back as
  // it may, and a record deleted before that is followed once a write to it is refused (sync/removals.ts
  // `vanished`), since Salesforce lists it no more.
  const end = Date.parse(until);
  const reach = end - REMOVALS_REACH_MS;
  return [Math.max(reach, Math.min(Date.parse(since), end - MIN_WINDOW_MS)), end];
}

export const deletedResult = z
  .object({
    deletedRecords: z.array(z.object({ id: z.string(), deletedDate: z.string() }).loose()),
    latestDateCovered: z.string().nullish(),
  })
  .loose();

export async function readRemovals(
  client: SalesforceClient,
  describe: DescribeCache,
  object: string,
  since: string,
  until: string,
  /** The link stamp to read (`stampField`), and who is told of a coverage short of `until`. */
  known: Pick<RemovalReadOptions, "stampField" | "onCoveredUntil"> = {},
): Promise<Removal[]> {
  const { stampField } = known;
  const answer = await listDeleted(client, object, since, until);
  // getDeleted ends its window at the start of the minute `until` falls in, so the deletions of that
  // minute so far wait for the next read's overlap. A read that asks the stamps is a new store's first
  // (sync/removals.ts `firstReach`), whose run acts on it at once: a record sales deleted in that minute
  // would be made again. It reads them from the Recycle Bin instead, where the record's SystemModstamp
  // is its deletion's time (SOAP API Developer Guide, "GetDeletedResult": deletedDate).
  const minuteStart = stampField ? Math.floor(Date.parse(until) / 60_000) * 60_000 : undefined;
  if (answer.short !== undefined) known.onCoveredUntil?.(answer.short);
  const listed = answer.deletedRecords;
  const binned = await inRecycleBin(
    client,
    describe,
    object,
    listed.map((d) => d.id),
    stampField,
    minuteStart,
  );
  const listedIds = new Set(listed.map((d) => d.id));
  const lateInMinute = [...binned].flatMap(([id, row]) => (row.deletedAt && !listedIds.has(id) ? [{ id, deletedDate: row.deletedAt }] : []));
  const deleted = [...listed, ...lateInMinute];
  return deleted.map((d) => {
    const kept = binned.get(d.id);
    const master = kept?.master ?? null;
    return {
      object,
      id: d.id,
      kind: master ? "merged" : "deleted",
      mergedInto: master,
      at: toCanonical(d.deletedDate) ?? d.deletedDate,
      // A merge deletes its losing records: their ids take no write, as any deleted record's.
      takesWrites: false,
      ...(stampField ? { stamp: kept?.stamp ?? null } : {}),
    };
  });
}

type DeletedRecord = z.output<typeof deletedResult>["deletedRecords"][number];

/**
 * The deletions getDeleted lists in a window, and the instant it covered when short of it. A window
 * holding more than 600,000 ids is refused with EXCEEDED_ID_LIMIT: "You can correct the error by choosing
 * start and end dates that are closer together" ("sObject Get Deleted"), so it is read as two halves,
 * split at a whole minute, each halved again as needed; a window too short to halve (two minutes or three:
 * getDeleted needs more than one) fails with the refusal. Halves are read oldest first and the first short
 * of its end says how far the whole was covered.
 */
async function listDeleted(
  client: SalesforceClient,
  object: string,
  since: string,
  until: string,
): Promise<{ deletedRecords: DeletedRecord[]; short?: string }> {
  let raw: unknown;
  try {
    raw = await client.call<unknown>({ method: "GET", path: deletedPath(object, since, until), idempotent: true, purpose: "getDeleted" });
  } catch (err) {
    const refused = err instanceof SystemError && err.code === "EXCEEDED_ID_LIMIT";
    const halves = refused ? halvesOf(...deletedWindow(since, until)) : undefined;
    if (!halves) throw err;
    const first = await listDeleted(client, object, halves[0], halves[1]);
    const second = await listDeleted(client, object, halves[1], until);
    const short = first.short ?? second.short;
    return { deletedRecords: [...first.deletedRecords, ...second.deletedRecords], ...(short ? { short } : {}) };
  }
  const parsed = documentedAnswer(deletedResult, raw, "UNEXPECTED_DELETED_RESULT", `getDeleted answer for ${object}`);
  const short = coveredShortOf(parsed, until);
  return { deletedRecords: parsed.deletedRecords, ...(short ? { short } : {}) };
}

/**
 * The start and middle of a window as getDeleted counts it (whole minutes), when each half spans more
 * than a minute (INVALID_REPLICATION_DATE otherwise); undefined for a window too short to halve.
 */
function halvesOf(startMs: number, endMs: number): [string, string] | undefined {
  const [start, end] = [startMs, endMs].map((t) => Math.floor(t / 60_000) * 60_000) as [number, number];
  const middle = Math.floor((start + end) / 2 / 60_000) * 60_000;
  if (!(middle - start >= MIN_WINDOW_MS && end - middle >= MIN_WINDOW_MS)) return undefined;
  return [new Date(start).toISOString(), new Date(middle).toISOString()];
}

/**
 * The objects merge() takes: Lead, Contact and Account (SOAP API Developer Guide, "merge()"). Others are
 * never asked for their masters, so a read by id that misses a User or an Opportunity costs no more.
 */
const MERGED_OBJECTS = new Set(["lead", "contact", "account"]);

/**
 * Merged-away id → the record it was merged into, for those of `ids` a merge deleted and the Recycle Bin
 * still holds (their MasterRecordId): one queryAll per 200 ids, none for an object no merge takes.
 */
export async function mastersOf(
  client: SalesforceClient,
  describe: DescribeCache,
  object: string,
  ids: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0 || !MERGED_OBJECTS.has(object.toLowerCase())) return out;
  for (const [id, row] of await inRecycleBin(client, describe, object, ids, undefined)) if (row.master) out.set(id, row.master);
  return out;
}

/**
 * Deleted id → what its row in the Recycle Bin holds: the record it was merged into, for objects that can
 * be merged (they have MasterRecordId), and the stamp field's value when asked. One queryAll per 200
 * ids, asked only when there is something to read; a record emptied from the bin has no row. With
 * `sinceMs`, the first query also reads every record deleted from then on (`deletedAt`, its
 * SystemModstamp), listed or not: one query even when getDeleted listed nothing.
 */
async function inRecycleBin(
  client: SalesforceClient,
  describe: DescribeCache,
  object: string,
  ids: string[],
  stampField: string | undefined,
  sinceMs?: number,
): Promise<Map<string, { master: string | null; stamp: string | null; deletedAt: string | null }>> {
  const out = new Map<string, { master: string | null; stamp: string | null; deletedAt: string | null }>();
  if (ids.length === 0 && sinceMs === undefined) return out;
  const described = await describe.get(object);
  const merges = described.fields.has("masterrecordid");
  // As the org spells it: the row's key is the described name.
  const stamp = stampField ? described.fields.get(stampField.toLowerCase())?.name : undefined;
  if (!merges && !stamp) return out;
  const fields = ["Id", ...(merges ? ["MasterRecordId"] : []), ...(stamp ? [stamp] : [])];
  const parts = chunk(ids, SOQL_IN_LIST_SIZE);
  if (parts.length === 0) parts.push([]);
  // The first part's query also asks for the removals since `sinceMs`: only its rows carry SystemModstamp.
  const late = sinceMs !== undefined ? `SystemModstamp >= ${soqlDateTime(sinceMs)}` : null;
  const soqls = parts.map((part, i) => {
    const since = i === 0 ? late : null;
    const which = part.length > 0 && since ? `(${inList("Id", part)} OR ${since})` : part.length > 0 ? inList("Id", part) : since!;
    return select(described.name, since ? [...fields, "SystemModstamp"] : fields, `${which} AND IsDeleted = true`);
  });
  for (const [i, rows] of (await queryRowsTogether(client, soqls, { includeDeleted: true })).entries()) {
    const dated = i === 0 && late !== null;
    for (const row of rows) {
      const id = toCanonical(row.Id);
      if (!id) continue;
      const value = stamp ? row[stamp] : null;
      const at = dated ? toCanonical(row.SystemModstamp) : null;
      out.set(id, {
        master: merges ? (toCanonical(row.MasterRecordId) ?? null) : null,
        stamp: typeof value === "string" && value.trim() !== "" ? value.trim() : null,
        deletedAt: at && Date.parse(at) >= sinceMs! ? at : null,
      });
    }
  }
  return out;
}
