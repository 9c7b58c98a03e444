// The mapping DSL as the core uses it, after src/config has read and checked the YAML: which marketing
// object pairs with which CRM object, and for every field its direction, conflict rule and transforms.

export const DIRECTIONS = ["to_crm", "to_marketing", "both", "none"] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const CONFLICT_RULES = [
  "prefer_crm",
  "prefer_crm_unless_blank",
  "prefer_marketing",
  "most_recent",
] as const;
export type ConflictRule = (typeof CONFLICT_RULES)[number];

export const CASES = ["lower", "upper", "title"] as const;
export type TextCase = (typeof CASES)[number];

/** Date forms a system may hold: ISO date, ISO date-time, epoch milliseconds (HubSpot), or a date-fns pattern. */
export type DateForm = "date" | "datetime" | "epoch_ms" | { pattern: string };

/** One transform step. Steps run in order on the value travelling in the direction of the write. */
export type Transform =
  | { kind: "trim" }
  | { kind: "case"; to: TextCase }
  /**
   * `invalid: keep` passes a number that cannot be read as E.164 through unchanged (trimmed) instead of
   * failing the record: phone fields are often free text typed by people. `countryField` names the
   * record's country field on each side: a national number is read in that country when the record has
   * one (any spelling country_iso reads), in `defaultCountry` otherwise.
   */
  | {
      kind: "phone_e164";
      defaultCountry: string;
      invalid: "error" | "keep";
      countryField?: { marketing: string; crm: string };
    }
  /** Writes the ISO 3166-1 alpha-2 code (`alpha2`, the default) or the English short name (`name`). */
  | { kind: "country_iso"; to?: "alpha2" | "name" }
  /**
   * marketing value → CRM value; travelling to marketing the map is read backwards. `readBack` adds CRM
   * values that are only read backwards (many CRM values → one marketing value, e.g. deal stages).
   */
  | {
      kind: "value_map";
      values: Record<string, string>;
      caseInsensitive: boolean;
      readBack?: Record<string, string>;
    }
  | { kind: "date"; marketing: DateForm; crm: DateForm }
  | { kind: "default"; value: string }
  | { kind: "truncate"; length: number };

export interface FieldMapping {
  marketing: string;
  crm: string;
  direction: Direction;
  conflict: ConflictRule;
  transforms: Transform[];
  /**
   * Where the entry's `marketing` and `crm` keys stand in its file, so a problem a system shows later
   * (`validate --live`, a run's refused field) names the line as the file's own problems do.
   */
  lines?: { marketing: number; crm: number };
}

export interface ObjectMapping {
  /** The pair's name, e.g. "contact-lead"; also the file's name. */
  name: string;
  /** Kind of pair, which decides matching and links: contact, company or deal. */
  pair: "contact" | "company" | "deal";
  marketingObject: string;
  crmObject: string;
  fields: FieldMapping[];
  /**
   * The fields on each side that identify the same person or company before a link exists (a new
   * marketing contact is matched to a CRM record by normalised email; a company to an Account by domain).
   */
  match?: { marketing: string; crm: string; normalize: "email" | "domain" };
  /** CRM field that holds the marketing id (an external id): creates upsert on it, so a retried create never duplicates. */
  crmExternalId?: string;
  /** Marketing unique property that holds the CRM id, upserted on for the same reason in the other direction. */
  marketingExternalId?: string;
  /**
   * How the CRM marks a record converted into another (a Lead into a Contact): leadloop follows the link
   * to the new record instead of syncing the old one.
   */
  conversion?: {
    flag: string;
    idField: string;
    object: string;
    /** The converted record's fields naming the account and opportunity the conversion made. */
    accountField?: string;
    opportunityField?: string;
  };
  /** Where the mapping came from, for messages. */
  source: string;
}

/**
 * Where a `fields` entry's side stands in its mapping file: its line (when the loader noted it) and key,
 * as the configuration's own problems name them (`fields[19].crm`).
 */
export function fieldPlace(mapping: ObjectMapping, entry: number, side: "marketing" | "crm"): { line?: number; key: string } {
  const line = mapping.fields[entry]?.lines?.[side];
  return { ...(line ? { line } : {}), key: `fields[${entry}].${side}` };
}
