// The routing definition as the core sees it (config/routing.yaml after loading): who gets a handed-off
// lead. Reps are named by lower-cased email because owner mapping between systems is by email.
import type { FieldValue } from "../records.js";

/** Employee count bounds, both inclusive; a missing bound is open. */
export interface EmployeeRange {
  min?: number;
  max?: number;
}

/**
 * What a rule looks at. Every condition given must hold (AND); inside a list any value may match (OR).
 * A rule with no conditions matches everyone, which makes it a catch-all.
 */
export interface RuleConditions {
  /** ISO 3166-1 alpha-2 codes (the loader turns names into codes). */
  country?: readonly string[];
  /** States, provinces or regions as written; compared ignoring case and accents, US/CA codes = names. */
  state?: readonly string[];
  employees?: EmployeeRange;
  /** Industries as written; compared ignoring case, accents and punctuation (`COMPUTER_SOFTWARE`). */
  industry?: readonly string[];
}

export type Assignment = { rep: string } | { queue: string };

export interface RoutingRule {
  id: string;
  description: string;
  when: RuleConditions;
  assign: Assignment;
}

export interface RoutingDefinition {
  /** Queue name → member emails, lower-cased, in round-robin order. */
  queues: Readonly<Record<string, readonly string[]>>;
  /** Territory rules, first match wins. */
  rules: readonly RoutingRule[];
  /** The single point of contact when no rule matches (lower-cased email). */
  fallback: string;
  /** Leads whose account already has an active owner go to that owner, before any rule. */
  keepAccountOwner: boolean;
}

/** The person attributes routing reads, in canonical field form. */
export interface RoutablePerson {
  email: FieldValue;
  country: FieldValue;
  state: FieldValue;
  employees: FieldValue;
  industry: FieldValue;
}

/** What routing reads of a marketing contact's properties. */
export function routablePerson(contact: Readonly<Record<string, FieldValue | undefined>>): RoutablePerson {
  return {
    email: contact.email ?? null,
    country: contact.country ?? null,
    state: contact.state ?? null,
    employees: contact.numemployees ?? null,
    industry: contact.industry ?? null,
  };
}

/** The CRM account a person belongs to, as the edge found it before routing. */
export interface PersonAccount {
  /** The account's name as the CRM holds it (Account.Name, company name). */
  name: string | null;
  /** How it was found, in words: "the Contact's Account", "company domain acme.com", ... */
  matchedBy: string;
  /** The owner's email, when the account has an owner. */
  ownerEmail: string | null;
}

/** What the edge knows about the person's account and the reps, looked up before routing. */
export interface RouteContext {
  /** Owner of the person's company/account, by email, when it has one (without `account`). */
  accountOwnerEmail?: string | null;
  /** The person's account, when one was found; its owner takes precedence over accountOwnerEmail. */
  account?: PersonAccount | null;
  /**
   * The owner of the person's CRM record itself (a rep's own Lead), by email: kept when an active rep,
   * ignored otherwise (records leadloop created belong to the integration user).
   */
  recordOwnerEmail?: string | null;
  /** Lower-cased emails of reps that exist in the CRM and are active. */
  activeReps: ReadonlySet<string>;
}
