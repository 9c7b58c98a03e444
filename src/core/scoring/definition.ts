// The qualification definition as the core uses it, after src/config has read and checked the YAML: fit,
// behaviour and negative rules, decay, required fields, thresholds, the customers' upsell rules and the
// map from a CRM's lead status to a disposition. Fields are named as the marketing system names them, so
// the core stays neutral about which systems sit on either side.
import type { DispositionMaps } from "../funnel/dispositions.js";
import type { RecyclePolicy } from "../funnel/recycle.js";

/** Activity kinds a behaviour rule can name; `other` is scored by no rule but still counts as activity. */
export const RULE_ACTIVITY_KINDS = [
  "page_view",
  "form_submission",
  "email_open",
  "email_click",
  "cta_click",
] as const;
export type RuleActivityKind = (typeof RULE_ACTIVITY_KINDS)[number];

export const ACTIVITY_KINDS = [...RULE_ACTIVITY_KINDS, "other"] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Which record an attribute condition reads. */
export const FIELD_SOURCES = ["person", "company"] as const;
export type FieldSource = (typeof FIELD_SOURCES)[number];

/** Logical activity properties a behaviour rule matches on; each reads one or more event properties. */
export const MATCH_KEYS = ["url", "title", "form", "email", "cta"] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];
export type ActivityProperties = Readonly<Record<MatchKey, readonly string[]>>;

/** One test on one field's value. A blank value passes no test except `present: false`. */
export type FieldTest =
  /** Regular expression, case-insensitive; also tried on the value with accents removed. */
  | { op: "matches"; pattern: string }
  /** Equal to one of the values, ignoring case, accents and surrounding space. */
  | { op: "in"; values: readonly string[] }
  | { op: "equals"; value: string }
  /** Numeric, both ends inclusive; a band such as `51-200` or `1000+` counts as its lower bound. */
  | { op: "range"; min: number | null; max: number | null }
  | { op: "greaterThan"; value: number }
  | { op: "present"; value: boolean }
  /** The value's domain (of an email or a URL) is one of these or a subdomain of one (`edu` covers `mit.edu`). */
  | { op: "domainIn"; domains: readonly string[] }
  /**
   * The value names one of these countries (ISO 3166-1 alpha-2 codes) in any spelling `country_iso`
   * reads: "Deutschland", "DEU" and "Germany" are all DE.
   */
  | { op: "countryIn"; countries: readonly string[] };

export type Condition =
  | { kind: "field"; of: FieldSource; field: string; test: FieldTest }
  | { kind: "all"; conditions: readonly Condition[] }
  | { kind: "any"; conditions: readonly Condition[] }
  | { kind: "not"; condition: Condition };

export interface FitRule {
  id: string;
  description: string;
  points: number;
  when: Condition;
  /** A required rule that does not hold blocks qualification, like a missing required field. */
  required: boolean;
}

export interface NegativeRule {
  id: string;
  description: string;
  /** Zero or less. */
  points: number;
  disqualify: boolean;
  when: Condition;
}

export interface BehaviourRule {
  id: string;
  description: string;
  /** Points per matching activity, or once for a `count` rule; before decay. */
  points: number;
  activity: RuleActivityKind;
  /** Every listed key must match (regex, case-insensitive) one of its properties. */
  match: Partial<Record<MatchKey, string>>;
  /** Further matches on raw event properties by name. */
  matchProperties: Readonly<Record<string, string>>;
  /** Most points this rule gives, after decay. */
  cap: number | null;
  /** Only activities at most this many days old. */
  withinDays: number | null;
  /** Points once when at least `atLeast` matching activities fall within `inDays` days of each other. */
  count: { atLeast: number; inDays: number } | null;
}

export interface Thresholds {
  /** Total score that makes an MQL. */
  mql: number;
  /** Behaviour score from which a person missing one thing is listed as near-qualified. */
  behaviour: number;
  /** Fit (negative rules included) an MQL needs at least; null when any fit will do. */
  fitMinimum: number | null;
}

export interface CustomerRules {
  /** Cross-sell fit rules; for a customer they take the place of the prospect fit rules. */
  rules: readonly FitRule[];
  /** Total from which a customer matching at least one rule raises the upsell signal. */
  threshold: number;
}

export interface QualificationDefinition {
  fit: readonly FitRule[];
  behaviour: readonly BehaviourRule[];
  negative: readonly NegativeRule[];
  /** Behaviour points halve every this many days of an activity's age; null: no decay. */
  halfLifeDays: number | null;
  /** Person fields that must not be blank for a handoff. */
  requiredForHandoff: readonly string[];
  thresholds: Thresholds;
  customers: CustomerRules | null;
  activityProperties: ActivityProperties;
  dispositions: DispositionMaps;
  /** What follows a recycle or unreachable verdict: the cool-down before another handoff. */
  recycle: RecyclePolicy;
}

/** One activity of a person, with the event's properties as the marketing system gives them. */
export interface ScoredActivity {
  id: string;
  kind: ActivityKind;
  /** ISO-8601. */
  occurredAt: string;
  /**
   * `occurredAt` as epoch milliseconds, where the reader had them: the store's behaviour cache keeps the
   * time as a number and makes the text from it, and the scoring, which parsed that text back for every
   * activity of every person, takes this instead. Absent: the text is parsed.
   */
  occurredMs?: number;
  properties: Readonly<Record<string, string>>;
}
