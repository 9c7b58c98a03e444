// Makes the custom properties an object lacks (leadloop's own: leadloop-properties.ts), all of them in one
// batch create (POST /crm/v3/properties/{objectType}/batch/create, properties API reference, "Create a
// batch of properties"), with the one-property create as the path of any the batch did not make.
import type { FieldDescription } from "../../core/object-schema.js";
import { SystemError } from "../../sync/system-error.js";
import { type HubspotPropertyDefinition, toFieldDescription } from "./describe.js";
import { httpStatusOf, SYSTEM } from "./fault-table.js";
import { canonicalObject } from "./object-names.js";
import type { PropertyCatalog } from "./property-catalog.js";
import { type PropertyDefinition, propertyBatchAnswer, propertyDefinition } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

export interface EnsuredProperty {
  /** False when the property was there already (or another process made it meanwhile). */
  created: boolean;
  field: FieldDescription;
}

/**
 * Each of `definitions` (properties of `object`) as the portal holds it, made when the property list lacks
 * it: the missing ones in one batch create, then any the batch did not make one at a time. The reference
 * does not say whether a batch with one input refused (a name another process took since the list was
 * read, a field type refused) makes the others and answers 207, or is refused whole (FIDELITY.md,
 * properties row): either way, what it did not make goes through the one-property create, whose 409 is
 * read as made elsewhere, so a race or a refusal ends as a create of that property alone would.
 * In the order of `definitions`.
 */
export async function ensureProperties(
  transport: HubspotTransport,
  catalog: PropertyCatalog,
  object: string,
  definitions: readonly HubspotPropertyDefinition[],
): Promise<EnsuredProperty[]> {
  const listed = await catalog.all(object);
  const missing = [...new Map(definitions.filter((d) => !listed.has(d.name)).map((d) => [d.name, d])).values()];
  const made = missing.length > 0 ? await createBatch(transport, catalog, object, missing) : new Map<string, PropertyDefinition>();
  const ensured: EnsuredProperty[] = [];
  for (const definition of definitions) {
    const there = listed.get(definition.name);
    const property = made.get(definition.name);
    if (there) ensured.push({ created: false, field: toFieldDescription(there, false) });
    else if (property) ensured.push({ created: true, field: toFieldDescription(property, false) });
    else ensured.push(await ensureProperty(transport, catalog, object, definition));
  }
  return ensured;
}

/**
 * The properties one batch create made, by name, each added to `object`'s kept list (the answer's
 * `results` are the properties as HubSpot made them). Empty when HubSpot refused the batch as a whole (a
 * 4xx other than a rate limit): its inputs are then made one at a time, which answer that refusal for the
 * input it concerns with the single create's own message.
 */
async function createBatch(
  transport: HubspotTransport,
  catalog: PropertyCatalog,
  object: string,
  definitions: readonly HubspotPropertyDefinition[],
): Promise<Map<string, PropertyDefinition>> {
  const path = `/crm/v3/properties/${canonicalObject(object)}/batch/create`;
  try {
    const answer = await transport.send({ method: "POST", path, body: { inputs: definitions.map(createBody) } }, propertyBatchAnswer);
    for (const property of answer.body.results) catalog.add(object, property);
    return new Map(answer.body.results.map((p) => [p.name, p]));
  } catch (err) {
    // A refused or lost batch may still have made some (an answer lost after HubSpot made them), or been
    // refused for a property another process made: the list is read again when next asked.
    catalog.invalidate(object);
    if (!(err instanceof SystemError) || !refusedAsAWhole(err)) throw err;
    return new Map();
  }
}

function refusedAsAWhole(err: SystemError): boolean {
  const status = httpStatusOf(err);
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}

/** A PropertyCreate as the properties API takes it, on its own or as a batch input. */
function createBody(definition: HubspotPropertyDefinition): Record<string, unknown> {
  return {
    ...definition,
    options: (definition.options ?? []).map((o, i) => ({ ...o, displayOrder: i, hidden: false })),
  };
}

/** One property made on its own (POST /crm/v3/properties/{objectType}): a batch's input it did not make. */
async function ensureProperty(
  transport: HubspotTransport,
  catalog: PropertyCatalog,
  object: string,
  definition: HubspotPropertyDefinition,
): Promise<EnsuredProperty> {
  const existing = await catalog.get(object, definition.name);
  if (existing) return { created: false, field: toFieldDescription(existing, false) };
  try {
    const answer = await transport.send(
      { method: "POST", path: `/crm/v3/properties/${canonicalObject(object)}`, body: createBody(definition) },
      propertyDefinition,
    );
    catalog.add(object, answer.body);
    return { created: true, field: toFieldDescription(answer.body, false) };
  } catch (err) {
    // A refused or lost create may still have made the property (an answer lost after HubSpot made it):
    // the list is read again when next asked.
    catalog.invalidate(object);
    // Another process created it in between (409 OBJECT_ALREADY_EXISTS): use theirs.
    if (!(err instanceof SystemError) || httpStatusOf(err) !== 409) throw err;
    const created = await listedAfterConflict(transport, catalog, object, definition.name, err);
    return { created: false, field: toFieldDescription(created, false) };
  }
}

/**
 * The property a create was refused as existing, once the properties list holds it: the list may trail
 * the create's check (eventual consistency), so it is read again, with the retry layer's waits, until it
 * does or the call's patience is spent. A property archived under that name never shows in the list.
 */
async function listedAfterConflict(
  transport: HubspotTransport,
  catalog: PropertyCatalog,
  object: string,
  name: string,
  conflict: SystemError,
): Promise<PropertyDefinition> {
  const path = `/crm/v3/properties/${canonicalObject(object)}`;
  return transport.readUntil(`GET ${path}`, async () => {
    catalog.invalidate(object);
    const listed = await catalog.get(object, name);
    if (listed) return listed;
    throw new SystemError({
      system: SYSTEM,
      errorClass: "transient",
      code: "PROPERTY_NOT_LISTED",
      message:
        `HubSpot refused POST ${path} for '${name}' as existing (409) while GET ${path} does not list it; ` +
        "if it never appears, a property of that name may be archived: restore or delete it in HubSpot's property settings",
      retriable: true,
      cause: conflict,
    });
  });
}
