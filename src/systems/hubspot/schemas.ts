// zod schemas for the HubSpot answers the adapter depends on, after the public API specs
// (HubSpot/HubSpot-public-api-spec-collection: CRM objects, search, batch, properties, owners, events).
// Loose objects: HubSpot adds fields over time and the adapter reads only these.
import { z } from "zod";

type PropertyValue = string | number | boolean | null | undefined;
type Bag = Record<string, unknown>;

/** Where an answer's object holds what leadloop cannot read: the path below it, and the message. */
interface Problem {
  path: (string | number)[];
  message: string;
  input: unknown;
}

/** What one key of an answer's object must hold: null when it does, else what is wrong. */
type KeyCheck = (value: unknown) => string | null;

function isBag(value: unknown): value is Bag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

const text: KeyCheck = (v) => (typeof v === "string" ? null : `expected a string, got ${kindOf(v)}`);
const flag: KeyCheck = (v) => (typeof v === "boolean" ? null : `expected a boolean, got ${kindOf(v)}`);
// An id as text or a number (read as its text); ISO 8601 or epoch milliseconds for a time (instants.ts).
const textOrNumber: KeyCheck = (v) =>
  typeof v === "string" || typeof v === "number" ? null : `expected a string or a number, got ${kindOf(v)}`;
const optional =
  (check: KeyCheck): KeyCheck =>
  (v) =>
    v === undefined ? null : check(v);

/**
 * A `properties` object: each value a string, number, boolean or null. Checked in one loop over the keys
 * (a page holds 100 objects of dozens of properties each, which a record of a union checked value by
 * value at several times the cost); a bad value is refused with its property's name in the path.
 */
function propertiesProblem(value: unknown): Problem | null {
  if (!isBag(value)) return { path: [], message: "expected an object of property values", input: value };
  for (const key in value) {
    const type = typeof value[key];
    if (value[key] !== null && type !== "string" && type !== "number" && type !== "boolean" && type !== "undefined")
      return { path: [key], message: `expected a string, number, boolean or null, got ${type}`, input: value[key] };
  }
  return null;
}

/**
 * An object of a page (a CRM object, an event) checked in one function and handed on as the answer held
 * it, not copied: a zod object schema copies every object it passes, key by key, with a result object
 * per key checked and one per union member tried, and a 10k first load passes 73,000 events and some
 * 24,000 CRM objects through these (153 MB of its 1.8 GB allocated; test/bench/README.md "V8's
 * background threads"). Each key of `keys` must pass its check; `asText` ids are then read as text
 * (zod's coerce, `String(value)`), `properties` is checked by `propertiesProblem` and is {} when absent.
 * The other keys are left as HubSpot sent them (HubSpot adds fields over time).
 */
function pageObject<T>(keys: Record<string, KeyCheck>, asText: readonly string[]) {
  return z.unknown().transform((value, ctx): T => {
    if (!isBag(value)) return refuse(ctx, { path: [], message: `expected an object, got ${kindOf(value)}`, input: value });
    for (const key in keys) {
      const message = keys[key]!(value[key]);
      if (message !== null) return refuse(ctx, { path: [key], message, input: value[key] });
    }
    if (value.properties === undefined) value.properties = {};
    const bad = propertiesProblem(value.properties);
    if (bad !== null) return refuse(ctx, { ...bad, path: ["properties", ...bad.path] });
    for (const key of asText) value[key] = String(value[key]);
    return value as T;
  });
}

function refuse(ctx: z.RefinementCtx, problem: Problem): never {
  ctx.addIssue({ code: "custom", path: problem.path, message: problem.message, input: problem.input });
  return z.NEVER;
}

/** `SimplePublicObject`: every property value is a string (or null when unset). */
export interface SimpleObject {
  id: string;
  properties: Record<string, PropertyValue>;
  createdAt?: string | number;
  updatedAt?: string | number;
  archived?: boolean;
  archivedAt?: string | number;
  objectWriteTraceId?: string;
  new?: boolean;
  [key: string]: unknown;
}

export const simpleObject = pageObject<SimpleObject>(
  {
    id: textOrNumber,
    createdAt: optional(textOrNumber),
    updatedAt: optional(textOrNumber),
    archived: optional(flag),
    archivedAt: optional(textOrNumber),
    objectWriteTraceId: optional(text),
    new: optional(flag),
  },
  ["id"],
);

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

export const objectPage = z.looseObject({ results: z.array(simpleObject), paging: nextPage });

export const searchPage = z.looseObject({
  total: z.number().int().nonnegative(),
  results: z.array(simpleObject),
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
  results: z.array(simpleObject).default([]),
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

/** One event of `GET /events/v3/events`. */
export interface HubspotEvent {
  id: string;
  objectId: string;
  eventType: string;
  occurredAt: string | number;
  properties: Record<string, PropertyValue>;
  [key: string]: unknown;
}

export const eventPage = z.looseObject({
  results: z.array(
    // A first load's bulk read passes 73,000 events at 10,000 contacts.
    pageObject<HubspotEvent>({ id: textOrNumber, objectId: textOrNumber, eventType: text, occurredAt: textOrNumber }, [
      "id",
      "objectId",
    ]),
  ),
  paging: nextPage,
});

/** Bodies the adapter does not read (204 No Content, or a body it ignores). */
export const anyBody = z.unknown();
