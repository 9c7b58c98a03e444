// Activities (tasks, notes, calls, emails, meetings) can hold no unique property in HubSpot, so a create
// cannot be an upsert, and a create sent before a crash and sent again would make a second task. A keyed
// create is made idempotent through the record it is associated with instead: the record's activities
// are read (associations v4 and batch read see a write at once, unlike search, whose index trails by
// seconds) and one whose key property already holds the key is updated rather than created again.
import { groupBy } from "../../core/grouping.js";
import type { RecordWrite } from "../../sync/system-port.js";
import { readAssociations } from "./associations.js";
import { BATCH_SIZE } from "./limits.js";
import { canonicalObject } from "./object-names.js";
import { batchResult } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

const ACTIVITY_OBJECTS: ReadonlySet<string> = new Set(["tasks", "notes", "calls", "emails", "meetings"]);

/** True when HubSpot cannot upsert `object` on a property, so a keyed create is found by association. */
export function isActivityObject(object: string): boolean {
  return ACTIVITY_OBJECTS.has(canonicalObject(object));
}

/**
 * For each keyed create of an activity (no id, `upsertOn` naming its key property, associated with a
 * record), the id of the activity already associated with that record under the same key, by the
 * write's position. Writes that are not keyed activity creates are left out.
 */
export async function findKeyedActivities(
  transport: HubspotTransport,
  object: string,
  writes: readonly RecordWrite[],
): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  if (!isActivityObject(object)) return found;
  const wanted = writes.flatMap((write, index) => {
    const owner = write.associations?.[0];
    const key = write.upsertOn ? write.fields[write.upsertOn] : undefined;
    return !write.id && write.upsertOn && owner && key ? [{ index, key, keyField: write.upsertOn, owner }] : [];
  });
  if (wanted.length === 0) return found;
  const activity = canonicalObject(object);
  for (const [ownerObject, group] of groupBy(wanted, (w) => canonicalObject(w.owner.object))) {
    const activitiesOf = await readAssociations(transport, ownerObject, [...new Set(group.map((w) => w.owner.id))], activity);
    const keyFields = [...new Set(group.map((w) => w.keyField))];
    const keysById = await keysOf(transport, activity, [...new Set([...activitiesOf.values()].flat())], keyFields);
    for (const w of group) {
      const match = (activitiesOf.get(w.owner.id) ?? []).find((id) => keysById.get(id)?.[w.keyField] === w.key);
      if (match) found.set(w.index, match);
    }
  }
  return found;
}

async function keysOf(
  transport: HubspotTransport,
  object: string,
  ids: readonly string[],
  keyFields: readonly string[],
): Promise<Map<string, Record<string, string | null | undefined>>> {
  const out = new Map<string, Record<string, string | null | undefined>>();
  for (let i = 0; i < ids.length; i += BATCH_SIZE) {
    const answer = await transport.send(
      {
        method: "POST",
        path: `/crm/v3/objects/${object}/batch/read`,
        body: { inputs: ids.slice(i, i + BATCH_SIZE).map((id) => ({ id })), properties: keyFields },
        batchRead: true,
      },
      batchResult,
    );
    for (const r of answer.body.results) {
      out.set(r.id, Object.fromEntries(keyFields.map((f) => [f, r.properties[f] === null ? null : String(r.properties[f] ?? "")])));
    }
  }
  return out;
}
