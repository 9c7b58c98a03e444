// The mapping DSL as the core uses it, after src/config has read and checked the YAML: which marketing
// object pairs with which CRM object, and for every field its direction, conflict rule and transforms.

export const DIRECTIONS = ["to_crm", "to_marketing", "both", "none"] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const CONFLICT_RULES = ["prefer_crm", "prefer_crm_unless_blank", "prefer_marketing", "most_recent"] as const;
export type ConflictRule = (typeof CONFLICT_RULES)[number];

export const CASES = ["lower", "upper", "title"] as const;
export type TextCase = (typeof CASES)[number];

/** Date forms a system may hold: ISO date, ISO date-time, epoch milliseconds (HubSpot), or a date-fns pattern. */
export type DateForm = "date" | "datetime" | "epoch_ms" | { pattern: string };

/** One transform step. Steps run in order on the value travelling in the direction of the write. */
export type Transform =
  | { kind: "trim" }
  | { kind: "case"; to: TextCase }
  | { kind: "phone_e164"; defaultCountry: string }
  | { kind: "country_iso" }
  /** marketing value → CRM value; travelling to marketing the map is read backwards. */
  | { kind: "value_map"; values: Record<string, string>; caseInsensitive: boolean }
  | { kind: "date"; marketing: DateForm; crm: DateForm }
  | { kind: "default"; value: string }
  | { kind: "truncate"; length: number };

export interface FieldMapping {
  marketing: string;
  crm: string;
  direction: Direction;
  conflict: ConflictRule;
  transforms: Transform[];
}

export interface ObjectMapping {
  /** The pair's name, e.g. "contact-lead"; also the file's name. */
  name: string;
  /** Kind of pair, which decides matching and links: contact, company or deal. */
  pair: "contact" | "company" | "deal";
  marketingObject: string;
  crmObject: string;
  fields: FieldMapping[];
  /** Where the mapping came from, for messages. */
  source: string;
}
