// zod schemas for the HubSpot answers the adapter depends on, after the public API specs
// (HubSpot/HubSpot-public-api-spec-collection: CRM objects, search, batch, properties, owners, events).
// Loose objects: HubSpot adds fields over time and the adapter reads only these.
import { z } from "zod";

type PropertyValue = string | number | boolean | null | undefined;

/** Whether every value of a `properties` object is a string, number, boolean, null or undefined. */
function propertyValuesValid(bag: Record<string, unknown>): boolean {
  return badPropertyOf(bag) === undefined;
}

/** The first property whose value is not a string, number, boolean or null; undefined when none. */
function badPropertyOf(bag: Record<string, unknown>): string | undefined {
  for (const key in bag) {
    const type = typeof bag[key];
    if (bag[key] !== null && type !== "string" && type !== "number" && type !== "boolean" && type !== "undefined") return key;
  }
  return undefined;
}

/**
 * A `properties` object: each value a string, number, boolean or null. Checked in one loop over the keys
 * (a page holds 100 objects of dozens of properties each, which a record of a union checked value by
 * value at several times the cost); a bad value is refused with its property's name in the path.
 */
const properties = z
  .unknown()
  .transform((value, ctx): Record<string, PropertyValue> => {
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: "custom", message: "expected an object of property values", input: value });
      return z.NEVER;
    }
    const bad = badPropertyOf(value);
    if (bad !== undefined) {
      ctx.addIssue({ code: "custom", path: [bad], message: `expected a string, number, boolean or null, got ${typeof value[bad]}`, input: value[bad] });
      return z.NEVER;
    }
    return value as Record<string, PropertyValue>;
  })
  .default({});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A time as the schemas take it: ISO 8601 text or epoch milliseconds (instants.ts), a finite number as z.number() is. */
function isTimeValue(value: unknown): boolean {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/**
 * A list of `entry`, each looked at by hand first: a list whose every entry `keptAsIs` says `entry` takes
 * unchanged (no coercion, no default) is the answer's own array, not copied; any other is parsed by
 * `entry` itself, whose output and issues (paths and messages) stand. zod copies each object it parses,
 * with a result object per key: at 10,000 contacts a first load's 73,000 events and 20,000 objects made
 * 176 MB of its 2.2 GB of allocations, a fifth of them kept past a scavenge (issue 11's collector time).
 */
function listOf<S extends z.ZodType>(entry: S, keptAsIs: (value: unknown) => boolean) {
  const parsedList = z.array(entry);
  return z.unknown().transform((value, ctx): z.output<S>[] => {
    if (Array.isArray(value) && value.every(keptAsIs)) return value as z.output<S>[];
    const parsed = parsedList.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  });
}

/** `SimplePublicObject`: every property value is a string (or null when unset). */
export const simpleObject = z.looseObject({
  id: z.coerce.string(),
  properties,
  // ISO 8601 or epoch milliseconds (instants.ts).
  createdAt: z.union([z.string(), z.number()]).optional(),
  updatedAt: z.union([z.string(), z.number()]).optional(),
  archived: z.boolean().optional(),
  archivedAt: z.union([z.string(), z.number()]).optional(),
  objectWriteTraceId: z.string().optional(),
  new: z.boolean().optional(),
});
export type SimpleObject = z.infer<typeof simpleObject>;

/** Whether `simpleObject` takes `value` unchanged: its id text, its properties given, every other key of the shape of its type. */
function simpleObjectAsIs(value: unknown): boolean {
  if (!isPlainObject(value) || typeof value.id !== "string") return false;
  const bag = value.properties;
  if (!isPlainObject(bag) || !propertyValuesValid(bag)) return false;
  return (
    optionalTime(value.createdAt) &&
    optionalTime(value.updatedAt) &&
    optionalTime(value.archivedAt) &&
    optionalOf(value.archived, "boolean") &&
    optionalOf(value.new, "boolean") &&
    optionalOf(value.objectWriteTraceId, "string")
  );
}

function optionalTime(value: unknown): boolean {
  return value === undefined || isTimeValue(value);
}

function optionalOf(value: unknown, type: "boolean" | "string"): boolean {
  return value === undefined || typeof value === type;
}

const simpleObjects = listOf(simpleObject, simpleObjectAsIs);

/**
 * A list's `paging`: `next.after` names the next page ("The 'paging' field will only be present if there are
 * more pages", associations v4 reference). A `next` without an `after` says more follow and gives no way to
 * read them: refused, so the read stops with an error naming the endpoint rather than ending short and
 * letting a cursor pass the records it did not read (FIDELITY.md, "paging signals").
 */
export const nextPage = z
  .looseObject({
    next: z
      .looseObject({
        after: z
          .union([z.string(), z.number()], { error: "paging.next gives no after: more pages are said to follow and none can be read" })
          .transform(String)
          .refine((after) => after.trim() !== "", "paging.next gives an empty after: more pages are said to follow and none can be read"),
      })
      .nullish(),
  })
  .nullish();

export const objectPage = z.looseObject({ results: simpleObjects, paging: nextPage });

export const searchPage = z.looseObject({
  total: z.number().int().nonnegative(),
  results: simpleObjects,
  paging: nextPage,
});

const batchErrorEntry = z.looseObject({
  status: z.string().optional(),
  category: z.string().optional(),
  message: z.string().default(""),
  context: z.record(z.string(), z.array(z.string())).optional(),
  errors: z
    .array(
      z.looseObject({
        message: z.string().optional(),
        code: z.string().optional(),
        in: z.string().optional(),
        context: z.record(z.string(), z.array(z.string())).optional(),
      }),
    )
    .optional(),
  id: z.coerce.string().optional(),
});
export type BatchErrorEntry = z.infer<typeof batchErrorEntry>;

/** Batch answers: 200/201 with `results`, or 207 Multi-Status with `errors` beside them. */
export const batchResult = z.looseObject({
  status: z.string().optional(),
  results: simpleObjects.default([]),
  errors: z.array(batchErrorEntry).optional(),
  numErrors: z.number().optional(),
});
export type BatchResult = z.infer<typeof batchResult>;

/** The keys of a property leadloop reads (describe.ts); the answer's others are HubSpot's own. */
const propertyKeys = {
  name: z.string(),
  label: z.string().default(""),
  type: z.string(),
  fieldType: z.string().default("text"),
  options: z
    .array(z.looseObject({ value: z.string(), label: z.string().optional(), hidden: z.boolean().optional() }))
    .default([]),
  calculated: z.boolean().optional(),
  externalOptions: z.boolean().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  modificationMetadata: z
    .looseObject({ readOnlyValue: z.boolean().optional(), readOnlyDefinition: z.boolean().optional() })
    .optional(),
};

export const propertyDefinition = z.looseObject(propertyKeys);
export type PropertyDefinition = z.infer<typeof propertyDefinition>;

export const propertyList = z.looseObject({ results: z.array(propertyDefinition) });

/**
 * POST /crm/v3/properties/{objectType}/batch/create's answer: BatchResponseProperty (201), or
 * BatchResponsePropertyWithErrors (207) with `errors` beside the properties it made (properties API
 * reference, "Create a batch of properties").
 */
export const propertyBatchAnswer = z.looseObject({
  status: z.string(),
  results: z.array(propertyDefinition),
  errors: z.array(batchErrorEntry).optional(),
  numErrors: z.number().optional(),
});

/** A property list as the store keeps it (sync/kept-descriptions.ts): the keys leadloop reads, no others. */
export const keptPropertyList = z.array(z.object(propertyKeys));

export const ownerPage = z.looseObject({
  results: z.array(
    z.looseObject({
      id: z.coerce.string(),
      email: z.string().nullish(),
      firstName: z.string().nullish(),
      lastName: z.string().nullish(),
    }),
  ),
  paging: nextPage,
});

const event = z.looseObject({
  id: z.coerce.string(),
  objectId: z.coerce.string(),
  eventType: z.string(),
  // ISO 8601 or epoch milliseconds, read as the objects' times are (instants.ts).
  occurredAt: z.union([z.string(), z.number()], { error: (issue) => `expected a string or number, got ${typeof issue.input}` }),
  // The objects' check: a first load's bulk read parses 73,000 events' properties at 10,000 contacts.
  properties,
});

/** Whether `event` takes `value` unchanged (as `simpleObjectAsIs`). */
function eventAsIs(value: unknown): boolean {
  if (!isPlainObject(value) || typeof value.id !== "string" || typeof value.objectId !== "string") return false;
  if (typeof value.eventType !== "string" || !isTimeValue(value.occurredAt)) return false;
  const bag = value.properties;
  return isPlainObject(bag) && propertyValuesValid(bag);
}

export const eventPage = z.looseObject({ results: listOf(event, eventAsIs), paging: nextPage });

/** Bodies the adapter does not read (204 No Content, or a body it ignores). */
export const anyBody = z.unknown();
