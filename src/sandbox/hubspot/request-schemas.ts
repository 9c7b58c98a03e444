// Request bodies the CRM endpoints accept, after the public OpenAPI specs (CRM objects, search, batch,
// properties, associations v4). A body that does not fit answers HubSpot's 400 VALIDATION_ERROR.
import { z } from "zod";
import { validationError } from "./errors.js";
import { PROPERTY_TYPES } from "./property-definitions.js";

const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const propertyValues = z.record(z.string(), propertyValue);

const associationSpec = z.object({
  associationCategory: z.enum(["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"]),
  associationTypeId: z.number().int(),
});

export const createAssociations = z.array(
  z.object({ to: z.object({ id: z.coerce.string() }), types: z.array(associationSpec).min(1) }),
);

export const createInput = z.object({
  properties: propertyValues,
  associations: createAssociations.optional(),
  objectWriteTraceId: z.string().optional(),
});

export const updateInput = z.object({
  properties: propertyValues,
  objectWriteTraceId: z.string().optional(),
});

export const batchCreate = z.object({ inputs: z.array(createInput) });
export const batchUpdate = z.object({
  inputs: z.array(updateInput.extend({ id: z.coerce.string(), idProperty: z.string().optional() })),
});
export const batchUpsert = z.object({
  inputs: z.array(updateInput.extend({ id: z.coerce.string(), idProperty: z.string().optional() })),
});
export const batchRead = z.object({
  inputs: z.array(z.object({ id: z.coerce.string() })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
export const batchArchive = z.object({ inputs: z.array(z.object({ id: z.coerce.string() })) });

export const FILTER_OPERATORS = [
  "EQ",
  "NEQ",
  "LT",
  "LTE",
  "GT",
  "GTE",
  "BETWEEN",
  "IN",
  "NOT_IN",
  "HAS_PROPERTY",
  "NOT_HAS_PROPERTY",
  "CONTAINS_TOKEN",
  "NOT_CONTAINS_TOKEN",
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const searchFilter = z.object({
  propertyName: z.string(),
  operator: z.enum(FILTER_OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
export type SearchFilter = z.infer<typeof searchFilter>;

export const searchRequest = z.object({
  filterGroups: z.array(z.object({ filters: z.array(searchFilter) })).default([]),
  sorts: z
    .array(
      z.object({
        propertyName: z.string(),
        direction: z.enum(["ASCENDING", "DESCENDING"]).default("ASCENDING"),
      }),
    )
    .default([]),
  query: z.string().optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().min(0).optional(),
  after: z.union([z.string(), z.number()]).transform(String).optional(),
});
export type SearchRequest = z.infer<typeof searchRequest>;

export const propertyCreate = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, "must be lower case letters, digits and underscores"),
  label: z.string().min(1),
  type: z.enum(PROPERTY_TYPES),
  fieldType: z.string().min(1),
  groupName: z.string().min(1),
  description: z.string().optional(),
  options: z
    .array(
      z.object({
        label: z.string(),
        value: z.string(),
        displayOrder: z.number().int().optional(),
        hidden: z.boolean().optional(),
        description: z.string().optional(),
      }),
    )
    .optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  displayOrder: z.number().int().optional(),
});

/**
 * POST /crm/v3/properties/{objectType}/batch/create: `inputs` required and not empty (BatchInputPropertyCreate);
 * each input is a property create, checked as the single create checks its body (property-create-rules.ts).
 */
export const propertyBatchCreate = z.object({ inputs: z.array(z.unknown()).min(1, "at least one input is required") });

const objectId = z.object({ id: z.coerce.string() });
/** A batch read input may carry the `after` of its previous page (associations v4 batch read reference). */
export const associationBatchRead = z.object({ inputs: z.array(objectId.extend({ after: z.string().optional() })) });
export const associationBatchDefault = z.object({
  inputs: z.array(z.object({ from: objectId, to: objectId })),
});

export const mergeRequest = z.object({
  primaryObjectId: z.coerce.string(),
  objectIdToMerge: z.coerce.string(),
});

/** POST /crm/v3/objects/contacts/gdpr-delete: the contact's id, or its email with `idProperty: "email"`. */
export const gdprDeleteRequest = z.object({
  objectId: z.coerce.string(),
  idProperty: z.string().optional(),
});

/** Parses a body or throws HubSpot's VALIDATION_ERROR naming the fields that were wrong. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
  throw validationError(`Invalid input JSON: ${issues.join("; ")}`, {
    fields: result.error.issues.map((i) => i.path.join(".") || "body"),
  });
}
