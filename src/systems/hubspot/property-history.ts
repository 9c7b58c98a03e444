// fieldChanges and fieldValues for HubSpot: when each property's current value was set, and the values a
// property held, from its property history — a batch read with `propertiesWithHistory`, 50 ids a call
// (HISTORY_BATCH_SIZE), whose answer gives per property its values newest first, each
// `{ value, timestamp, sourceType, sourceId, ... }`
// (https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects). With
// the query parameter `archived=true` the same read answers the recycle bin's records ("Whether to return
// only results that have been archived", the batch read's query parameters in the same reference).
import { z } from "zod";
import type { FieldChange } from "../../core/records.js";
import type { FieldValueSet } from "../../sync/system-port.js";
import { HISTORY_BATCH_SIZE } from "./limits.js";
import { hubspotInstantMs } from "./instants.js";
import { canonicalObject, modifiedProperty } from "./object-names.js";
import type { HubspotTransport } from "./transport.js";

const historyEntry = z.looseObject({
  value: z.string().nullish(),
  // ISO 8601 or epoch milliseconds (instants.ts).
  timestamp: z.union([z.string(), z.number()]),
  sourceType: z.string(),
  sourceId: z.string().nullish(),
});
type HistoryEntry = z.infer<typeof historyEntry>;

const historyAnswer = z.looseObject({
  results: z
    .array(
      z.looseObject({
        id: z.coerce.string(),
        propertiesWithHistory: z.record(z.string(), z.array(historyEntry)).default({}),
      }),
    )
    .default([]),
});

/**
 * By record id, then property: when its current value was set. A record the batch read does not find,
 * and a property without history (never set), are left out. Throws SystemError.
 */
export async function propertyChanges(
  transport: HubspotTransport,
  object: string,
  ids: readonly string[],
  properties: readonly string[],
): Promise<Map<string, Record<string, FieldChange>>> {
  const out = new Map<string, Record<string, FieldChange>>();
  for (const [id, histories] of await readHistories(transport, object, ids, properties)) {
    const changes: Record<string, FieldChange> = {};
    for (const [name, entries] of Object.entries(histories)) {
      const at = currentValueSetAt(entries);
      if (at) changes[name] = { at, basis: "field history" };
    }
    out.set(id, changes);
  }
  return out;
}

/**
 * By record id, then property: the values each property held, newest first, each with when it was set (a
 * blank value as null), all in the same batch reads; of archived records (the recycle bin's) with
 * `archived`. A record the batch read does not find is left out, and so is a property without history.
 * Throws SystemError.
 */
export async function propertyValues(
  transport: HubspotTransport,
  object: string,
  ids: readonly string[],
  properties: readonly string[],
  which: { archived?: boolean } = {},
): Promise<Map<string, Record<string, FieldValueSet[]>>> {
  const out = new Map<string, Record<string, FieldValueSet[]>>();
  for (const [id, histories] of await readHistories(transport, object, ids, properties, which.archived === true)) {
    const values: Record<string, FieldValueSet[]> = {};
    for (const [name, entries] of Object.entries(histories)) {
      const dated = entries
        .map((e) => ({ value: e.value ? e.value : null, ms: hubspotInstantMs(e.timestamp) }))
        .filter((e) => !Number.isNaN(e.ms))
        .sort((a, b) => b.ms - a.ms);
      values[name] = dated.map((e) => ({ value: e.value, at: new Date(e.ms).toISOString() }));
    }
    out.set(id, values);
  }
  return out;
}

/** The batch reads with `propertiesWithHistory`, HISTORY_BATCH_SIZE ids a call: each record's histories. */
async function readHistories(
  transport: HubspotTransport,
  object: string,
  ids: readonly string[],
  properties: readonly string[],
  archived = false,
): Promise<Map<string, Record<string, HistoryEntry[]>>> {
  const out = new Map<string, Record<string, HistoryEntry[]>>();
  const unique = [...new Set(ids)];
  if (unique.length === 0 || properties.length === 0) return out;
  for (let i = 0; i < unique.length; i += HISTORY_BATCH_SIZE) {
    const asked = unique.slice(i, i + HISTORY_BATCH_SIZE);
    const answer = await transport.send(
      {
        method: "POST",
        path: `/crm/v3/objects/${canonicalObject(object)}/batch/read${archived ? "?archived=true" : ""}`,
        // `properties` names one property so the answer does not carry the object's default set.
        body: {
          inputs: asked.map((id) => ({ id })),
          properties: [modifiedProperty(object)],
          propertiesWithHistory: [...new Set(properties)],
        },
        batchRead: true,
      },
      historyAnswer,
    );
    for (const result of answer.body.results) out.set(result.id, result.propertiesWithHistory);
  }
  return out;
}

/**
 * When the current value was set: the oldest entry of the newest run of entries holding that value. A
 * write that sets a property to the value it holds may add an entry of its own, which is no change.
 */
function currentValueSetAt(entries: readonly HistoryEntry[]): string | null {
  const dated = entries
    .map((e) => ({ value: e.value ?? "", ms: hubspotInstantMs(e.timestamp) }))
    .filter((e) => !Number.isNaN(e.ms))
    .sort((a, b) => b.ms - a.ms);
  const newest = dated[0];
  if (!newest) return null;
  let setAt = newest.ms;
  for (const e of dated) {
    if (e.value !== newest.value) break;
    setAt = e.ms;
  }
  return new Date(setAt).toISOString();
}
