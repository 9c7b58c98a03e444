// Records a run read once are not read again by its later phases: the fields it holds for an id are taken
// as they are, and only the ids it does not hold go out in batch reads (ARCHITECTURE.md "One run").
import type { FieldValues } from "../../core/records.js";
import type { SystemPort } from "../system-port.js";

/** Each id's fields: `held(id)` where it has them, else read with `fields`; ids the system lacks are left out. */
export async function heldOrRead(
  port: SystemPort,
  object: string,
  ids: readonly string[],
  fields: readonly string[],
  held: (id: string) => FieldValues | undefined,
): Promise<Map<string, FieldValues>> {
  const out = new Map<string, FieldValues>();
  const unread: string[] = [];
  for (const id of ids) {
    const fieldsHeld = held(id);
    if (fieldsHeld) out.set(id, fieldsHeld);
    else unread.push(id);
  }
  if (unread.length > 0) for (const r of await port.readByIds(object, unread, fields)) out.set(r.id, r.fields);
  return out;
}
