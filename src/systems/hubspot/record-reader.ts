// readByIds and findBy: batch/read (100 ids a call, `idProperty` for unique properties such as email)
// and search with IN (100 values a filter, as many as fit a search body's 3,000 characters) for the rest
// (https://developers.hubspot.com/docs/api/crm/contacts "Retrieve records", .../crm/search).
import { normalizeEmail, type SourceRecord } from "../../core/records.js";
import { BATCH_SIZE, SEARCH_BODY_MAX_CHARS, SEARCH_IN_VALUES, SEARCH_PAGE_SIZE } from "./limits.js";
import { canonicalObject, modifiedProperty } from "./object-names.js";
import type { PropertyCatalog } from "./property-catalog.js";
import { batchResult, searchPage } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";
import { fromHubspotObject, propertiesFor } from "./values.js";
import { MERGEABLE, MERGED_IDS, mergedIdsIn } from "./removals.js";

export interface RecordReaderDeps {
  transport: HubspotTransport;
  catalog: PropertyCatalog;
}

/**
 * Missing ids are left out (a 207 naming them); a merged-away contact's or company's id answers the record
 * the merge made, under that record's own id, with the ids asked for that led to it (`askedAs`).
 */
export async function readByIds(
  deps: Pick<RecordReaderDeps, "transport">,
  object: string,
  ids: readonly string[],
  fields: readonly string[],
): Promise<SourceRecord[]> {
  return batchRead(deps, object, [...new Set(ids)], fields, undefined);
}

export async function findBy(
  deps: RecordReaderDeps,
  object: string,
  field: string,
  values: readonly string[],
  fields: readonly string[],
): Promise<SourceRecord[]> {
  const isEmail = field === "email" || field === "hs_additional_emails";
  const wanted = [
    ...new Set(
      values
        .map((v) => (isEmail ? normalizeEmail(v) : v.trim().toLowerCase()))
        .filter((v): v is string => !!v),
    ),
  ];
  if (wanted.length === 0) return [];
  const definition = await deps.catalog.get(object, field);
  // HubSpot stores emails lower-cased, so a unique email reads directly by idProperty; other unique
  // values are compared as stored, so only email takes this path besides the record id.
  if (field === "hs_object_id") return batchRead(deps, object, wanted, fields, undefined);
  // A contact is found by any of its emails; its additional ones come with it (`alsoHolds`).
  if (field === "email" && definition?.hasUniqueValue) return batchRead(deps, object, wanted, fields, field);
  return searchIn(deps, object, field, wanted, fields);
}

async function batchRead(
  deps: Pick<RecordReaderDeps, "transport">,
  object: string,
  ids: string[],
  fields: readonly string[],
  idProperty: string | undefined,
): Promise<SourceRecord[]> {
  // By id, an answer under another id is a merge's record: its merged ids say which asked ids led to it.
  const byRecordId = idProperty === undefined && MERGEABLE.has(canonicalObject(object));
  const properties = [
    ...new Set([...propertiesFor(object, fields), modifiedProperty(object), ...(byRecordId ? [MERGED_IDS] : [])]),
  ];
  const byId = new Map<string, SourceRecord>();
  for (let i = 0; i < ids.length; i += BATCH_SIZE) {
    const asked = ids.slice(i, i + BATCH_SIZE);
    const body: Record<string, unknown> = { inputs: asked.map((id) => ({ id })), properties };
    if (idProperty) body.idProperty = idProperty;
    const answer = await deps.transport.send(
      { method: "POST", path: `/crm/v3/objects/${canonicalObject(object)}/batch/read`, body, batchRead: true },
      batchResult,
    );
    for (const raw of answer.body.results) {
      const record = fromHubspotObject(object, raw, fields);
      const merged = byRecordId ? new Set(mergedIdsIn(raw.properties[MERGED_IDS], raw.id)) : undefined;
      const askedAs = merged ? asked.filter((a) => merged.has(a)) : [];
      const earlier = byId.get(raw.id)?.askedAs ?? [];
      if (askedAs.length > 0 || earlier.length > 0) record.askedAs = [...new Set([...earlier, ...askedAs])];
      byId.set(raw.id, record);
    }
  }
  return [...byId.values()];
}

/**
 * Search with `IN`: string values must be given lower-case, and matching ignores case
 * (https://developers.hubspot.com/docs/api/crm/search, "Filter search results").
 */
async function searchIn(
  deps: RecordReaderDeps,
  object: string,
  field: string,
  wanted: string[],
  fields: readonly string[],
): Promise<SourceRecord[]> {
  const asked = fieldsAsked(deps, object, fields, [field]);
  const properties = asked.properties;
  // Keyset by id, each query from its first page, as the change reads are (change-reader.ts): paging a
  // query's `after` past 10,000 results is a 400, and a value many records share could reach it.
  const bodyOf = (values: string[], afterId: string | undefined) => ({
    filterGroups: [
      {
        filters: [
          { propertyName: field, operator: "IN", values },
          ...(afterId === undefined ? [] : [{ propertyName: "hs_object_id", operator: "GT", value: afterId }]),
        ],
      },
    ],
    sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }],
    properties,
    limit: SEARCH_PAGE_SIZE,
  });
  const wantedSet = new Set(wanted);
  const byId = new Map<string, SourceRecord>();
  // Room for the keyset filter with the longest id HubSpot gives (int64: 19 digits).
  for (const chunk of chunksWithin(wanted, JSON.stringify(bodyOf([], "9".repeat(19))).length)) {
    let afterId: string | undefined;
    for (;;) {
      const answer = await deps.transport.send(
        {
          method: "POST",
          path: `/crm/v3/objects/${canonicalObject(object)}/search`,
          search: true,
          body: bodyOf(chunk, afterId),
        },
        searchPage,
      );
      for (const raw of answer.body.results) {
        const value = raw.properties[field];
        if (typeof value === "string" && wantedSet.has(value.trim().toLowerCase())) {
          byId.set(raw.id, fromHubspotObject(object, raw, fields));
        }
      }
      const last = answer.body.results.at(-1)?.id;
      if (answer.body.paging?.next?.after === undefined || last === undefined) break;
      afterId = last;
    }
  }
  return asked.complete([...byId.values()]);
}

/**
 * The values in filters of at most 100 whose search body, `base` characters without them, stays within
 * HubSpot's 3,000: a hundred company domains or email addresses run to 4,000 and more. A value too long
 * to share a body goes alone, and HubSpot's refusal of it is the call's error.
 */
function chunksWithin(values: readonly string[], base: number): string[][] {
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let length = base;
  for (const value of values) {
    const adds = JSON.stringify(value).length + (chunk.length > 0 ? 1 : 0);
    if (chunk.length > 0 && (chunk.length === SEARCH_IN_VALUES || length + adds > SEARCH_BODY_MAX_CHARS)) {
      chunks.push(chunk);
      chunk = [];
      length = base;
    }
    length += JSON.stringify(value).length + (chunk.length > 0 ? 1 : 0);
    chunk.push(value);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * The most of a search body a change read's filters, sorts and limit take (three filters of a long property
 * name and a 13-digit instant, a sort, the page size, a page's `after`): the rest of HubSpot's 3,000
 * characters is the properties'. A search by values fits its values in what is left (`chunksWithin`).
 */
const SEARCH_BODY_BESIDE_PROPERTIES = 500;

/**
 * How a search (a change read's window, a search by a property's values) asks for its records' fields: in
 * the search itself while they fit HubSpot's search body limit (3,000 characters, the search reference's
 * "Limitations"); past it (a mapping of a hundred or so properties), the search asks for the modified date
 * and the properties it filters on alone, and the fields of what it found come from a batch read of their
 * ids (100 a call), as read then, under the search's modified date, so a change read's window moves by what
 * the search answered. A record gone between the two is left out: its removal is read as any other.
 */
export function fieldsAsked(
  deps: Pick<RecordReaderDeps, "transport">,
  object: string,
  fields: readonly string[],
  /** Properties the search itself reads (a filter's, to check what it answered). */
  searched: readonly string[] = [],
): { properties: string[]; complete(records: SourceRecord[]): Promise<SourceRecord[]> } {
  const prop = modifiedProperty(object);
  const properties = [...new Set([...propertiesFor(object, fields), ...searched, prop])];
  if (JSON.stringify(properties).length + SEARCH_BODY_BESIDE_PROPERTIES <= SEARCH_BODY_MAX_CHARS)
    return { properties, complete: async (records) => records };
  return {
    properties: [...new Set([...searched, prop])],
    complete: async (records) => {
      if (records.length === 0) return records;
      const read = await readByIds(deps, object, records.map((r) => r.id), fields);
      const byId = new Map(read.map((r) => [r.id, r]));
      return records.flatMap((r) => {
        const full = byId.get(r.id);
        return full ? [{ ...full, modifiedAt: r.modifiedAt }] : [];
      });
    },
  };
}
