// zod schemas for the HubSpot answers the adapter depends on, after the public API specs
// (HubSpot/HubSpot-public-api-spec-collection: CRM objects, search, batch, properties, owners, events).
// Loose objects: HubSpot adds fields over time and the adapter reads only these.
import { z } from "zod";

const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();

/** `SimplePublicObject`: every property value is a string (or null when unset). */
export const simpleObject = z.looseObject({
  id: z.coerce.string(),
  properties: z.record(z.string(), propertyValue).default({}),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  archived: z.boolean().optional(),
  archivedAt: z.string().optional(),
  objectWriteTraceId: z.string().optional(),
  new: z.boolean().optional(),
});
export type SimpleObject = z.infer<typeof simpleObject>;

const nextPage = z.looseObject({ next: z.looseObject({ after: z.coerce.string() }).optional() }).optional();

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

export const propertyDefinition = z.looseObject({
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
});
export type PropertyDefinition = z.infer<typeof propertyDefinition>;

export const propertyList = z.looseObject({ results: z.array(propertyDefinition) });

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

export const eventPage = z.looseObject({
  results: z.array(
    z.looseObject({
      id: z.coerce.string(),
      objectId: z.coerce.string(),
      eventType: z.string(),
      occurredAt: z.string(),
      properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    }),
  ),
  paging: nextPage,
});

/** Bodies the adapter does not read (204 No Content, or a body it ignores). */
export const anyBody = z.unknown();
