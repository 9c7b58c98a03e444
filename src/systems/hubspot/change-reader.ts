// readChanges: a first full load and incremental reads, both through the CRM search API
// (https://developers.hubspot.com/docs/api/crm/search), which pages 200 records where the objects list
// endpoint pages 100: a first load lists a portal in half the calls.
//
// A first load is keyset by `hs_object_id` (each query asks for the ids after the last one read), so no
// query comes near the 10,000-result cap and a record modified mid-load does not shift what follows.
// Search results trail writes by a few seconds: a record written just before the run's signpost may be
// missing from a first load, and is read by the next run, whose window starts a look-back before it.
//
// Incremental pages are keyset windows, not offset pages: every query starts at the last modified instant
// reached (`>=`, ties re-read, duplicates allowed). This keeps each query far below the 10,000-result cap
// and never skips a record when one already read is modified again mid-read (which shifts offsets).
// When a whole page shares one instant, the ties at it are drained by `hs_object_id` before moving past.

import type { SourceRecord } from "../../core/records.js";
import type { Logger } from "../../log/logger.js";
import type { ChangeCursor, ChangePage } from "../../sync/system-port.js";
import { cursorAfter, readWindowStart } from "../read-window.js";
import { SEARCH_PAGE_SIZE } from "./limits.js";
import { canonicalObject, modifiedProperty } from "./object-names.js";
import { fieldsAsked } from "./record-reader.js";
import { searchPage } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";
import { fromHubspotObject } from "./values.js";

/** modifiedAt of a first load's page cursor, whose lastId is the last `hs_object_id` read. */
export const FULL_LOAD_MARK = "1970-01-01T00:00:00.001Z";
/**
 * The mark of a first load that listed through the objects list endpoint (leadloop before the search
 * load): its lastId is that endpoint's opaque `after` token, which a search cannot resume from, so such a
 * load starts over (what it synced already is linked, and reads again as unchanged).
 */
const LIST_LOAD_MARK = "1970-01-01T00:00:00.000Z";

export interface ChangeReaderDeps {
  transport: HubspotTransport;
  log: Logger;
  lookbackMs: number;
}

export type SearchFilter =
  | { propertyName: string; operator: "EQ" | "GT" | "GTE" | "LTE"; value: string }
  | { propertyName: string; operator: "HAS_PROPERTY" };

export async function* readChanges(
  deps: ChangeReaderDeps,
  object: string,
  fields: readonly string[],
  from: ChangeCursor | null,
  until: string,
): AsyncIterable<ChangePage> {
  if (from === null || (from.modifiedAt === LIST_LOAD_MARK && from.lastId !== null)) {
    yield* fullLoad(deps, object, fields, null, until);
  } else if (from.modifiedAt === FULL_LOAD_MARK && from.lastId !== null) {
    yield* fullLoad(deps, object, fields, from.lastId, until);
  } else {
    yield* searchChanges(deps, object, fields, from, until);
  }
}

/** Every record, in `hs_object_id` order from after `afterId` (the start when null), up to the signpost. */
async function* fullLoad(
  deps: ChangeReaderDeps,
  object: string,
  fields: readonly string[],
  afterId: string | null,
  until: string,
): AsyncIterable<ChangePage> {
  const asked = fieldsAsked(deps, object, fields);
  const untilMs = Date.parse(until);
  // Ids are positive: the first query's filter takes every record.
  let last = afterId ?? "0";
  for (;;) {
    const filters: SearchFilter[] = [{ propertyName: "hs_object_id", operator: "GT", value: last }];
    const { records: read, more, total } = await searchOnce(deps, object, fields, asked.properties, filters, "hs_object_id");
    // Records modified after the signpost are left for the next incremental read, which starts before it.
    const records = await asked.complete(read.filter((r) => Date.parse(r.modifiedAt) <= untilMs));
    if (!more) {
      yield { records, cursor: { modifiedAt: until, lastId: null }, remaining: total };
      return;
    }
    last = read[read.length - 1]!.id;
    yield { records, cursor: { modifiedAt: FULL_LOAD_MARK, lastId: last }, remaining: total };
  }
}

/**
 * The records modified from a look-back before `from` up to `until`, as keyset windows; `also` narrows
 * every query (the removals' merge search: records that list merged ids), so a record modified while
 * the read goes on neither shifts a later page nor hides another, as offset pages (`after`) would.
 */
export async function* searchChanges(
  deps: ChangeReaderDeps,
  object: string,
  fields: readonly string[],
  from: ChangeCursor,
  until: string,
  also: readonly SearchFilter[] = [],
): AsyncIterable<ChangePage> {
  const prop = modifiedProperty(object);
  const untilMs = String(Date.parse(until));
  const asked = fieldsAsked(deps, object, fields);
  const search = (filters: SearchFilter[], sortBy: string): Promise<SearchAnswer> =>
    searchOnce(deps, object, fields, asked.properties, [...filters, ...also], sortBy);
  // The window moves by what the search answered; the page holds the records as their fields were read.
  const page = async (records: SourceRecord[]): Promise<ChangePage> => ({
    records: await asked.complete(records),
    cursor: cursorAfter(from, records[records.length - 1]!),
  });

  let start = readWindowStart(from, deps.lookbackMs);
  let strict = false;
  /** Ids already yielded whose modified instant is `start`: the next window re-reads them. */
  let seenAtStart = new Set<string>();
  for (;;) {
    deps.log.debug("hubspot.search.window", { object, start: new Date(start).toISOString(), strict });
    const { records, more } = await search(
      [
        { propertyName: prop, operator: strict ? "GT" : "GTE", value: String(start) },
        { propertyName: prop, operator: "LTE", value: untilMs },
      ],
      prop,
    );
    const fresh = records.filter((r) => !(Date.parse(r.modifiedAt) === start && seenAtStart.has(r.id)));
    if (fresh.length > 0) yield await page(fresh);
    if (!more) return;

    const lastMs = Date.parse(records[records.length - 1]!.modifiedAt);
    if (!strict && lastMs === start) {
      // A page at one instant with more to come: more ties may follow than one window can reach. Drain them by id.
      for await (const ties of drainTies(search, prop, start, seenAtStart)) yield await page(ties);
      strict = true;
      seenAtStart = new Set();
      continue;
    }
    seenAtStart = new Set(records.filter((r) => Date.parse(r.modifiedAt) === lastMs).map((r) => r.id));
    start = lastMs;
    strict = false;
  }
}

/** Pages of the records modified exactly at `instant`, keyset by `hs_object_id`, minus ids already yielded. */
async function* drainTies(
  search: (filters: SearchFilter[], sortBy: string) => Promise<SearchAnswer>,
  prop: string,
  instant: number,
  seen: ReadonlySet<string>,
): AsyncIterable<SourceRecord[]> {
  let afterId: string | null = null;
  for (;;) {
    const filters: SearchFilter[] = [{ propertyName: prop, operator: "EQ", value: String(instant) }];
    if (afterId !== null) filters.push({ propertyName: "hs_object_id", operator: "GT", value: afterId });
    const { records, more } = await search(filters, "hs_object_id");
    const fresh = records.filter((r) => !seen.has(r.id));
    if (fresh.length > 0) yield fresh;
    if (!more) return;
    afterId = records[records.length - 1]!.id;
  }
}

/**
 * One search page, and whether its query holds more. The paging object says so, not the page's length:
 * the search reference gives `limit` as the most results a page holds, so a page shorter than asked may
 * still have `paging.next` (FIDELITY.md, search row). A page with no records ends the query whatever its
 * paging says, as no keyset can move past it.
 */
interface SearchAnswer {
  records: SourceRecord[];
  more: boolean;
  /** The records the query matches, this page's included. */
  total: number;
}

async function searchOnce(
  deps: Pick<ChangeReaderDeps, "transport">,
  object: string,
  fields: readonly string[],
  properties: string[],
  filters: SearchFilter[],
  sortBy: string,
): Promise<SearchAnswer> {
  const { body } = await deps.transport.send(
    {
      method: "POST",
      path: `/crm/v3/objects/${canonicalObject(object)}/search`,
      search: true,
      body: {
        filterGroups: [{ filters }],
        sorts: [{ propertyName: sortBy, direction: "ASCENDING" }],
        properties,
        limit: SEARCH_PAGE_SIZE,
      },
    },
    searchPage,
  );
  // One page from offset 0 each time: a keyset query never pages towards the cap (SEARCH_RESULT_CAP).
  const records = body.results.map((r) => fromHubspotObject(object, r, fields));
  return { records, more: records.length > 0 && body.paging?.next?.after !== undefined, total: body.total };
}
