// zod schemas for the HubSpot answers the adapter depends on, after the public API specs
// (HubSpot/HubSpot-public-api-spec-collection: CRM objects, search, batch, properties, owners, events).
// Loose objects: HubSpot adds fields over time and the adapter reads only these.
import { z } from "zod";

type PropertyValue = string | number | boolean | null | undefined;

/**
 * A `properties` object: each value a string, number, boolean or null. Checked in one loop over the keys
 * (a page holds 100 objects of dozens of properties each, which a record of a union checked value by
 * value at several times the cost); a bad value is refused with its property's name in the path.
 */
const properties = z
  .unknown()
  .transform((value, ctx): Record<string, PropertyValue> => {
    const problem = propertiesProblem(value);
    if (problem) {
      ctx.addIssue({ code: "custom", path: problem.path, message: problem.message, input: problem.input });
      return z.NEVER;
    }
    return value as Record<string, PropertyValue>;
  })
  .default({});

/** What is wrong with a `properties` value, with the path within it; null when nothing is. */
interface Problem {
  path: (string | number)[];
  message: string;
  input: unknown;
}

function propertiesProblem(value: unknown): Problem | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { path: [], message: "expected an object of property values", input: value };
  }
  const bag = value as Record<string, unknown>;
  for (const key in bag) {
    const type = typeof bag[key];
    if (bag[key] !== null && type !== "string" && type !== "number" && type !== "boolean" && type !== "undefined") {
      return { path: [key], message: `expected a string, number, boolean or null, got ${type}`, input: bag[key] };
    }
  }
  return null;
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

/** An event of the events API (GET /events/v3/events/) as the adapter reads it; its other fields are kept as sent. */
export interface EventResult {
  id: string;
  objectId: string;
  eventType: string;
  // ISO 8601 or epoch milliseconds, read as the objects' times are (instants.ts).
  occurredAt: string | number;
  properties: Record<string, PropertyValue>;
  [field: string]: unknown;
}

/**
 * A page's events, checked in one loop over them (as `properties` is over its keys): a first load's bulk
 * read takes 73,000 events at 10,000 contacts, and an object schema per event (its coercions and union)
 * cost about as much as parsing the page's JSON. The same checks as that schema: `id` and `objectId` taken
 * as text whatever they are (zod's coercion, done in place), `eventType` text, `occurredAt` text or a
 * number, `properties` as an object's (absent is empty); a bad event is refused naming its index and field.
 */
const eventResults = z.unknown().transform((value, ctx): EventResult[] => {
  if (!Array.isArray(value)) {
    ctx.addIssue({ code: "custom", message: `expected an array of events, got ${typeof value}`, input: value });
    return z.NEVER;
  }
  for (let i = 0; i < value.length; i++) {
    const problem = eventProblem(value[i]);
    if (problem) {
      ctx.addIssue({ code: "custom", path: [i, ...problem.path], message: problem.message, input: problem.input });
      return z.NEVER;
    }
  }
  return value as EventResult[];
});

/** What is wrong with one event (its coercions made in place), or null. */
function eventProblem(value: unknown): Problem | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { path: [], message: `expected an event object, got ${value === null ? "null" : typeof value}`, input: value };
  }
  const e = value as Record<string, unknown>;
  if (typeof e.id !== "string") e.id = String(e.id);
  if (typeof e.objectId !== "string") e.objectId = String(e.objectId);
  if (typeof e.eventType !== "string") {
    return { path: ["eventType"], message: `expected a string, got ${typeof e.eventType}`, input: e.eventType };
  }
  if (typeof e.occurredAt !== "string" && typeof e.occurredAt !== "number") {
    return { path: ["occurredAt"], message: `expected a string or number, got ${typeof e.occurredAt}`, input: e.occurredAt };
  }
  if (e.properties === undefined) e.properties = {};
  const problem = propertiesProblem(e.properties);
  return problem && { ...problem, path: ["properties", ...problem.path] };
}

export const eventPage = z.looseObject({
  results: eventResults,
  paging: nextPage,
});

/** Bodies the adapter does not read (204 No Content, or a body it ignores). */
export const anyBody = z.unknown();
