// sObject Describe → ObjectDescription, cached per object for the adapter's life (REST API Developer Guide,
// "sObject Describe"; field properties: SOAP API Developer Guide, "DescribeSObjectResult" Field).
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
import { z } from "zod";
import type { FieldDescription, FieldType, ObjectDescription } from "../../core/object-schema.js";
import { SystemError } from "../../sync/system-error.js";
import type { SalesforceClient } from "./connection.js";
import { SYSTEM } from "./errors.js";
import { soqlName } from "./soql.js";

const describeField = z
  .object({
    name: z.string(),
    label: z.string(),
    type: z.string(),
    nillable: z.boolean(),
    createable: z.boolean(),
    updateable: z.boolean(),
    defaultedOnCreate: z.boolean().default(false),
    length: z.number().optional(),
    restrictedPicklist: z.boolean().default(false),
    picklistValues: z
      .array(z.object({ value: z.string(), active: z.boolean(), defaultValue: z.boolean().default(false) }).loose())
      .default([]),
    defaultValue: z.union([z.string(), z.boolean(), z.number(), z.null()]).optional(),
    externalId: z.boolean().default(false),
    unique: z.boolean().default(false),
  })
  .loose();
const describeResult = z.object({ name: z.string(), fields: z.array(describeField) }).loose();

type DescribeField = z.infer<typeof describeField>;

/** Salesforce describe types → leadloop's closed set; unlisted types (encryptedstring, combobox…) read as text. */
const TYPE_MAP: Readonly<Record<string, FieldType>> = {
  id: "id",
  reference: "reference",
  string: "string",
  encryptedstring: "string",
  textarea: "textarea",
  email: "email",
  phone: "phone",
  url: "url",
  picklist: "picklist",
  combobox: "picklist",
  multipicklist: "multipicklist",
  boolean: "boolean",
  int: "number",
  long: "number",
  double: "number",
  currency: "number",
  percent: "number",
  date: "date",
  datetime: "datetime",
};
const TEXT_TYPES = new Set<FieldType>([
  "string",
  "textarea",
  "email",
  "phone",
  "url",
  "picklist",
  "multipicklist",
]);

export interface DescribedObject {
  /** The object's API name as Salesforce spells it. */
  name: string;
  description: ObjectDescription;
  /** Lower-cased field name → its API name and Salesforce type (`double`, `datetime` …). */
  fields: ReadonlyMap<string, { name: string; sfType: string }>;
}

export class DescribeCache {
  private readonly cache = new Map<string, Promise<DescribedObject>>();

  constructor(private readonly client: SalesforceClient) {}

  get(object: string): Promise<DescribedObject> {
    const key = object.toLowerCase();
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.load(object);
      // A failed describe is not cached: the next call asks again.
      entry.catch(() => this.cache.delete(key));
      this.cache.set(key, entry);
    }
    return entry;
  }

  private async load(object: string): Promise<DescribedObject> {
    const raw = await this.client.call<unknown>({
      method: "GET",
      path: `/sobjects/${soqlName(object)}/describe`,
      idempotent: true,
      purpose: "describe",
    });
    const parsed = describeResult.safeParse(raw);
    if (!parsed.success) {
      throw new SystemError({
        system: SYSTEM,
        errorClass: "bug",
        code: "UNEXPECTED_DESCRIBE",
        message: `Salesforce's describe of ${object} did not have the documented shape: ${parsed.error.issues[0]?.message ?? ""}`,
        retriable: false,
      });
    }
    const fields = new Map(
      parsed.data.fields.map((f) => [f.name.toLowerCase(), { name: f.name, sfType: f.type }]),
    );
    return {
      name: parsed.data.name,
      fields,
      description: {
        system: SYSTEM,
        object: parsed.data.name,
        fields: parsed.data.fields.map(toFieldDescription),
      },
    };
  }
}

function toFieldDescription(f: DescribeField): FieldDescription {
  const type = TYPE_MAP[f.type] ?? "string";
  const out: FieldDescription = {
    name: f.name,
    label: f.label,
    type,
    // Required on create: SOAP API "Field" — not nillable, not defaulted on create, and createable.
    required: !f.nillable && !f.defaultedOnCreate && f.createable,
    createable: f.createable,
    updateable: f.updateable,
    externalId: f.externalId,
    unique: f.unique,
  };
  if (TEXT_TYPES.has(type) && f.length) out.length = f.length;
  if (f.restrictedPicklist) out.picklistValues = f.picklistValues.filter((p) => p.active).map((p) => p.value);
  const defaultValue = createDefault(f);
  if (defaultValue !== null) out.defaultValue = defaultValue;
  return out;
}

/**
 * The value Salesforce gives a field on create when the write leaves it out: the field's `defaultValue`
 * (a checkbox's true/false), or for a picklist the active value marked `defaultValue` (DescribeFieldResult
 * and PicklistEntry in the SOAP API Developer Guide).
 */
function createDefault(f: DescribeField): string | null {
  if (f.type === "boolean") return typeof f.defaultValue === "boolean" ? String(f.defaultValue) : null;
  if (typeof f.defaultValue === "string" && f.defaultValue !== "") return f.defaultValue;
  return f.picklistValues.find((p) => p.active && p.defaultValue)?.value ?? null;
}
