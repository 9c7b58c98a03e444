// readRemovals: archived records (objects list with `archived=true`, archivedAt in the window) as
// `deleted`, and records merged away, named in the `hs_merged_object_ids` of the record the merge made
// (a new one, with a new id, since HubSpot's merge update) when it changed in the window, as `merged`
// (https://developers.hubspot.com/docs/api/crm/contacts, "Merge"; developer changelog, "Updated merge
// functionality for contacts and companies").
import type { Removal, RemovalReadOptions } from "../../sync/system-port.js";
import { type ChangeReaderDeps, searchChanges } from "./change-reader.js";
import { LIST_PAGE_SIZE } from "./limits.js";
import { canonicalObject } from "./object-names.js";
import { objectPage } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";
import type { z } from "zod";
import { hubspotInstant } from "./instants.js";

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

export type RemovalReaderDeps = ChangeReaderDeps;

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
      const at = hubspotInstant(raw.archivedAt) ?? hubspotInstant(raw.updatedAt);
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
 * The removals' reading, `leadloop forecast --live` (the bin's size) and a lost store's rebuild (the
 * deleted contacts' funnel properties, `properties`) all list it this way.
 */
export async function listRecycleBin(
  transport: HubspotTransport,
  object: string,
  onPage: (page: readonly ArchivedRecord[], listed: number) => void | Promise<void>,
  properties: readonly string[] = ["hs_object_id"],
): Promise<number> {
  let after: string | undefined;
  let listed = 0;
  do {
    const qs: Record<string, string> = {
      limit: String(LIST_PAGE_SIZE),
      archived: "true",
      properties: properties.join(","),
    };
    if (after) qs.after = after;
    const { body } = await transport.send({ method: "GET", path: `/crm/v3/objects/${canonicalObject(object)}`, qs }, objectPage);
    listed += body.results.length;
    await onPage(body.results, listed);
    after = body.paging?.next?.after;
  } while (after);
  return listed;
}

/**
 * Records modified in the window (with the search look-back) that list merged ids: what merges made. Read
 * as the change reads are, in keyset windows (change-reader.ts `searchChanges`): a mass merge lists
 * hundreds of records, and one of them modified again while offset pages were read shifted the pages
 * after it, so a merge was missed and its survivor later taken for a new contact.
 */
async function merged(
  deps: RemovalReaderDeps,
  object: string,
  since: string,
  until: string,
): Promise<Removal[]> {
  const out = new Map<string, Removal>();
  const from = { modifiedAt: since, lastId: null };
  for await (const page of searchChanges(deps, object, [MERGED_IDS], from, until, [{ propertyName: MERGED_IDS, operator: "HAS_PROPERTY" }])) {
    for (const r of page.records) {
      for (const id of mergedIdsIn(r.fields[MERGED_IDS], r.id)) {
        out.set(id, { object, id, kind: "merged", mergedInto: r.id, at: r.modifiedAt, takesWrites: true });
      }
    }
  }
  return [...out.values()];
}
