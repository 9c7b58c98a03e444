// The schema of mappings/*.yaml (version 1). A transform is written as a bare name (`trim`) or a one-key
// object (`case: lower`, `map: { values: {...} }`); it is parsed by hand so an unknown or misspelt one
// gets a message that names it and suggests the nearest, instead of zod's generic union error.
import { z } from "zod";
import {
  CASES,
  CONFLICT_RULES,
  type DateForm,
  DIRECTIONS,
  type ObjectMapping,
  type Transform,
} from "../core/mapping.js";
import { transformProblem } from "../core/transforms/compile.js";
import { suggestKey } from "./key-suggestion.js";
import { notAChoice } from "./type-mismatch.js";

export const MAPPING_VERSION = 1;

export const PAIRS = ["contact", "company", "deal"] as const satisfies readonly ObjectMapping["pair"][];

/**
 * Objects each pair may join: the HubSpot marketing object and the Salesforce objects. Mappings are read
 * only with Salesforce as the CRM; with `crm: hubspot` the marketing and CRM record are one, and nothing
 * is mapped (ARCHITECTURE.md "Field sync runs only when the CRM is Salesforce").
 */
export const PAIR_OBJECTS: Record<
  ObjectMapping["pair"],
  { marketing: readonly string[]; crm: readonly string[] }
> = {
  contact: { marketing: ["contacts"], crm: ["Lead", "Contact"] },
  company: { marketing: ["companies"], crm: ["Account"] },
  deal: { marketing: ["deals"], crm: ["Opportunity"] },
};

const TRANSFORM_NAMES = [
  "trim",
  "case",
  "phone_e164",
  "country_iso",
  "map",
  "date",
  "default",
  "truncate",
] as const;
type TransformName = (typeof TRANSFORM_NAMES)[number];
/** Transforms that take no options and are written as a bare name. */
const BARE: Partial<Record<TransformName, Transform>> = {
  trim: { kind: "trim" },
  country_iso: { kind: "country_iso", to: "alpha2" },
};

const scalarText = z.union([z.string(), z.number(), z.boolean()]).transform(String);
/** A value a transform writes or matches: a blank one would never match, or write nothing. */
const filledText = scalarText.refine((text) => text.trim() !== "", { message: "must not be blank" });
const dateForm: z.ZodType<DateForm> = z.union([
  z.enum(["date", "datetime", "epoch_ms"]),
  z.strictObject({ pattern: z.string().min(1) }),
]);

/** Option schemas of the transforms that take options, keyed by the name written in YAML. */
const OPTIONS = {
  case: z.enum(CASES),
  phone_e164: z.union([
    z.string().min(1),
    z.strictObject({
      defaultCountry: z.string().min(1),
      invalid: z.enum(["error", "keep"]).default("error"),
      countryField: z.strictObject({ marketing: z.string().min(1), crm: z.string().min(1) }).optional(),
    }),
  ]),
  // Bare `country_iso` writes the alpha-2 code; `{ country_iso: name }` the English short name.
  country_iso: z.enum(["alpha2", "name"]),
  map: z.strictObject({
    // A list value: the first is written to the CRM, all of them are read back to this marketing value.
    // Not empty: a map with no values sends every non-blank value to the error queue as unmapped.
    values: z.record(z.string(), z.union([filledText, z.array(filledText).min(1)])).superRefine((values, ctx) => {
      const keys = Object.keys(values);
      if (keys.length === 0)
        ctx.addIssue({ code: "custom", message: "lists no values: every non-blank value would be refused as unmapped; list them, or remove the map" });
      for (const key of keys)
        if (key.trim() === "") ctx.addIssue({ code: "custom", path: [key], message: "a blank key never matches a value; remove it" });
    }),
    caseInsensitive: z.boolean().default(false),
  }),
  date: z.strictObject({ marketing: dateForm, crm: dateForm }),
  // A blank default fills a blank with a blank: it would do nothing.
  default: filledText,
  truncate: z.number().int().positive(),
} as const;

function toTransform(name: keyof typeof OPTIONS, options: unknown): Transform {
  switch (name) {
    case "case":
      return { kind: "case", to: options as Extract<Transform, { kind: "case" }>["to"] };
    case "phone_e164": {
      type Options = {
        defaultCountry: string;
        invalid: "error" | "keep";
        countryField?: { marketing: string; crm: string };
      };
      const o = options as string | Options;
      if (typeof o === "string") return { kind: "phone_e164", defaultCountry: o.toUpperCase(), invalid: "error" };
      const phone: Transform = {
        kind: "phone_e164",
        defaultCountry: o.defaultCountry.toUpperCase(),
        invalid: o.invalid,
      };
      return o.countryField ? { ...phone, countryField: o.countryField } : phone;
    }
    case "country_iso":
      return { kind: "country_iso", to: options as "alpha2" | "name" };
    case "map": {
      const o = options as { values: Record<string, string | string[]>; caseInsensitive: boolean };
      const values: Record<string, string> = {};
      const readBack: Record<string, string> = {};
      for (const [marketing, crm] of Object.entries(o.values)) {
        const [first, ...more] = Array.isArray(crm) ? crm : [crm];
        values[marketing] = first!;
        for (const extra of more) readBack[extra] = marketing;
      }
      const map: Transform = { kind: "value_map", values, caseInsensitive: o.caseInsensitive };
      return Object.keys(readBack).length > 0 ? { ...map, readBack } : map;
    }
    case "date": {
      const o = options as { marketing: DateForm; crm: DateForm };
      return { kind: "date", marketing: o.marketing, crm: o.crm };
    }
    case "default":
      return { kind: "default", value: options as string };
    case "truncate":
      return { kind: "truncate", length: options as number };
  }
}

function nearestName(typo: string): string | undefined {
  const shape = Object.fromEntries(TRANSFORM_NAMES.map((n) => [n, z.unknown()]));
  return suggestKey(z.strictObject(shape), [], typo);
}

function unknownName(name: string): string {
  const hint = nearestName(name);
  return `unknown transform "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; known: ${TRANSFORM_NAMES.join(", ")}`;
}

const transformSchema = z.unknown().transform((raw, ctx): Transform => {
  const issue = (message: string, path: (string | number)[] = []) => {
    ctx.addIssue({ code: "custom", message, path });
    return z.NEVER;
  };
  if (typeof raw === "string") {
    const bare = BARE[raw as TransformName];
    if (bare) return bare;
    if (raw in OPTIONS)
      return issue(`transform "${raw}" needs options, e.g. ${example(raw as keyof typeof OPTIONS)}`);
    return issue(unknownName(raw));
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return issue("a transform is a name (trim) or a one-key object ({ case: lower })");
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    return issue(
      `a transform is one key, this has ${keys.length} (${keys.join(", ")}); list each as its own step`,
    );
  }
  const name = keys[0]!;
  const value = (raw as Record<string, unknown>)[name];
  if (BARE[name as TransformName] && !(name in OPTIONS))
    return issue(`transform "${name}" takes no options; write it as a bare name`, [name]);
  if (!(name in OPTIONS)) return issue(unknownName(name), [name]);
  const optionsSchema = OPTIONS[name as keyof typeof OPTIONS];
  const parsed = optionsSchema.safeParse(value);
  if (!parsed.success) {
    for (const sub of parsed.error.issues) {
      const path = sub.path.filter((p): p is string | number => typeof p !== "symbol");
      if (sub.code === "unrecognized_keys") {
        const key = sub.keys[0] ?? "";
        const hint = suggestKey(optionsSchema, path, key);
        issue(`unknown key${hint ? ` (did you mean "${hint}"?)` : ""}`, [name, ...path, key]);
      } else {
        const missing = sub.code === "invalid_type" && valueAt(value, path) === undefined;
        issue(missing ? "required key is missing" : (notAChoice(sub, valueAt(value, path)) ?? sub.message), [name, ...path]);
      }
    }
    return z.NEVER;
  }
  const transform = toTransform(name as keyof typeof OPTIONS, parsed.data);
  const problem = transformProblem(transform);
  return problem ? issue(problem, [name]) : transform;
});

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function example(name: keyof typeof OPTIONS): string {
  const examples: Record<keyof typeof OPTIONS, string> = {
    case: "{ case: lower }",
    phone_e164: "{ phone_e164: US }",
    country_iso: "{ country_iso: name }",
    map: "{ map: { values: { NEW: Open } } }",
    date: "{ date: { marketing: epoch_ms, crm: date } }",
    default: '{ default: "[not provided]" }',
    truncate: "{ truncate: 255 }",
  };
  return examples[name];
}

export const fieldMappingSchema = z.strictObject({
  marketing: z.string().min(1),
  crm: z.string().min(1),
  direction: z.enum(DIRECTIONS),
  conflict: z.enum(CONFLICT_RULES),
  transforms: z.array(transformSchema).default([]),
});

export const mappingFileSchema = z.strictObject({
  version: z.literal(MAPPING_VERSION, {
    error: (issue) =>
      issue.input === undefined
        ? "required key is missing"
        : `must be ${MAPPING_VERSION}, the mapping version this leadloop reads`,
  }),
  pair: z.enum(PAIRS),
  marketing: z.strictObject({
    object: z.string().min(1),
    /** A unique property that holds the CRM id: creates from the CRM upsert on it. */
    externalId: z.string().min(1).optional(),
  }),
  crm: z.strictObject({
    object: z.string().min(1),
    /** An External ID field that holds the marketing id: creates in the CRM upsert on it. */
    externalId: z.string().min(1).optional(),
    /** How the CRM marks this record converted into another (Lead → Contact). */
    convertsTo: z
      .strictObject({
        object: z.string().min(1),
        flag: z.string().min(1),
        idField: z.string().min(1),
        /** Where the converted record names the account (company) and opportunity (deal) it made. */
        accountField: z.string().min(1).optional(),
        opportunityField: z.string().min(1).optional(),
      })
      .optional(),
  }),
  /** The fields that find the same person or company before a link exists. */
  match: z
    .strictObject({
      marketing: z.string().min(1),
      crm: z.string().min(1),
      normalize: z.enum(["email", "domain"]),
    })
    .optional(),
  fields: z.array(fieldMappingSchema).min(1, "list at least one field"),
});

export type MappingFile = z.output<typeof mappingFileSchema>;
