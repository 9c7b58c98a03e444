// readRemovals: archived records (objects list with `archived=true`, archivedAt in the window) as
// `deleted`, and records merged away, named in the `hs_merged_object_ids` of the record the merge made
// (a new one, with a new id, since HubSpot's merge update) when it changed in the window, as `merged`
// (https://developers.hubspot.com/docs/api/crm/contacts, "Merge"; developer changelog, "Updated merge
// functionality for contacts and companies").
import type { Removal, RemovalReadOptions } from "../../sync/system-port.js";
import { LIST_PAGE_SIZE, SEARCH_PAGE_SIZE } from "./limits.js";
import { canonicalObject, modifiedProperty } from "./object-names.js";
import { objectPage, searchPage } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";
import type { z } from "zod";
import { fromHubspotValue } from "./values.js";

/** Objects whose records HubSpot merges and whose primaries list the merged ids. */
export const MERGEABLE = new Set(["contacts", "companies"]);
export const MERGED_IDS = "hs_merged_object_ids";

/** The ids a record's `hs_merged_object_ids` names (`;`-separated), its own id left out. */
export function mergedIdsIn(value: unknown, ownId: string): string[] {
  return String(value ?? "")
    .split(";")
    .map((id) => id.trim())
    .filter((id) => id.length > 0 && id !== ownId);
}

export interface RemovalReaderDeps {
  transport: HubspotTransport;
  lookbackMs: number;
}

export async function readRemovals(
  deps: RemovalReaderDeps,
  object: string,
  since: string,
  until: string,
  known: RemovalReadOptions = {},
): Promise<Removal[]> {
  // The recycle bin is listed whole, so the run may leave it to a later one (sync/recycle-bin.ts).
  const removals = known.binSince === null ? [] : await archived(deps, object, known.binSince ?? since, until, known.onBinListed);
  // A merge modifies its primary, so an object known unchanged over the window has no merge in it.
  if (MERGEABLE.has(canonicalObject(object)) && !known.unchanged) removals.push(...(await merged(deps, object, since, until)));
  return removals;
}

async function archived(
  deps: RemovalReaderDeps,
  object: string,
  since: string,
  until: string,
  onListed?: (records: number) => void,
): Promise<Removal[]> {
  const from = Date.parse(since);
  const to = Date.parse(until);
  const out: Removal[] = [];
  const listed = await listRecycleBin(deps.transport, object, (page) => {
    for (const raw of page) {
      const at = fromHubspotValue(raw.archivedAt ?? raw.updatedAt);
      if (at === null) continue;
      const ms = Date.parse(at);
      if (ms >= from && ms <= to) out.push({ object, id: raw.id, kind: "deleted", mergedInto: null, at, takesWrites: false });
    }
  });
  onListed?.(listed);
  return out;
}

type ArchivedRecord = z.output<typeof objectPage>["results"][number];

/**
 * Lists an object's recycle bin whole, 100 records a page (`archived=true`: the CRM objects reference
 * has no count of archived records and no time filter), handing each page on; answers how many it held.
 * The removals' reading and `leadloop forecast --live` (the bin's size) both list it this way.
 */
export async function listRecycleBin(
  transport: HubspotTransport,
  object: string,
  onPage: (page: readonly ArchivedRecord[], listed: number) => void,
): Promise<number> {
  let after: string | undefined;
  let listed = 0;
  do {
    const qs: Record<string, string> = {
      limit: String(LIST_PAGE_SIZE),
      archived: "true",
      properties: "hs_object_id",
    };
    if (after) qs.after = after;
    const { body } = await transport.send({ method: "GET", path: `/crm/v3/objects/${canonicalObject(object)}`, qs }, objectPage);
    listed += body.results.length;
    onPage(body.results, listed);
    after = body.paging?.next?.after;
  } while (after);
  return listed;
}

/** Records modified in the window (with the search look-back) that list merged ids: what merges made. */
async function merged(
  deps: RemovalReaderDeps,
  object: string,
  since: string,
  until: string,
): Promise<Removal[]> {
  const prop = modifiedProperty(object);
  const out = new Map<string, Removal>();
  let after: string | undefined;
  do {
    const { body } = await deps.transport.send(
      {
        method: "POST",
        path: `/crm/v3/objects/${canonicalObject(object)}/search`,
        search: true,
        body: {
          filterGroups: [
            {
              filters: [
                { propertyName: prop, operator: "GTE", value: String(Date.parse(since) - deps.lookbackMs) },
                { propertyName: prop, operator: "LTE", value: String(Date.parse(until)) },
                { propertyName: MERGED_IDS, operator: "HAS_PROPERTY" },
              ],
            },
          ],
          sorts: [{ propertyName: prop, direction: "ASCENDING" }],
          properties: [MERGED_IDS, prop],
          limit: SEARCH_PAGE_SIZE,
          ...(after ? { after } : {}),
        },
      },
      searchPage,
    );
    for (const raw of body.results) {
      const at = fromHubspotValue(raw.properties[prop]) ?? fromHubspotValue(raw.updatedAt) ?? until;
      for (const id of mergedIdsIn(raw.properties[MERGED_IDS], raw.id)) out.set(id, { object, id, kind: "merged", mergedInto: raw.id, at, takesWrites: true });
    }
    after = body.paging?.next?.after;
  } while (after);
  return [...out.values()];
}
