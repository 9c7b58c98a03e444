// Describe results (REST API Developer Guide, "sObject Describe" and "Describe Global") built from the
// org's schema, and the full record shape the sObject Rows resource returns.
import { findField, type SObjectSchema } from "./schema.js";
import type { SObjectRecord } from "./values.js";

function urls(schema: SObjectSchema, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${schema.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function objectSummary(schema: SObjectSchema, version: string) {
  const custom = schema.name.endsWith("__c");
  const system = schema.name === "User";
  return {
    activateable: false,
    createable: true,
    custom,
    customSetting: false,
    deletable: !system,
    deprecatedAndHidden: false,
    feedEnabled: true,
    keyPrefix: schema.keyPrefix,
    label: schema.label,
    labelPlural: schema.labelPlural,
    layoutable: true,
    mergeable: ["Lead", "Contact", "Account"].includes(schema.name),
    mruEnabled: true,
    name: schema.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: !system,
    updateable: true,
    urls: urls(schema, version),
  };
}

export function describeGlobal(schemas: Iterable<SObjectSchema>, version: string) {
  return {
    encoding: "UTF-8",
    maxBatchSize: 200,
    sobjects: [...schemas].map((s) => objectSummary(s, version)),
  };
}

export function describeSObject(schema: SObjectSchema, version: string) {
  return {
    ...objectSummary(schema, version),
    childRelationships: [],
    fields: schema.fields.map((f) => ({ ...f })),
    recordTypeInfos: [],
    supportedScopes: [
      { label: "All", name: "everything" },
      { label: "My", name: "mine" },
    ],
  };
}

export function basicInfo(schema: SObjectSchema, version: string) {
  return { objectDescribe: objectSummary(schema, version), recentItems: [] };
}

/** A record as GET sObject Rows returns it: attributes first, then every field (or the ones asked for). */
export function recordBody(
  schema: SObjectSchema,
  record: SObjectRecord,
  version: string,
  fields?: string[],
): SObjectRecord {
  const out: SObjectRecord = {
    attributes: {
      type: schema.name,
      url: `/services/data/v${version}/sobjects/${schema.name}/${String(record.Id)}`,
    },
  };
  const names = fields ? fields.map((n) => findField(schema, n)!.name) : schema.fields.map((f) => f.name);
  for (const name of names) out[name] = record[name] ?? null;
  return out;
}
