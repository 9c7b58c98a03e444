// The org's standard duplicate rules for Leads, Contacts and Accounts and the standard matching rules they
// use (Salesforce Help, "Standard Duplicate Rules"; "Standard Contact Matching Rule and Standard Lead
// Matching Rule"; "Standard Account Duplicate Rule"; "Matching Algorithms Used in Matching Rules"), with the
// fuzzy methods approximated (FIDELITY.md).
import type { DuplicateResult } from "./errors.js";
import type { MatchKey, RecordStore } from "./record-store.js";
import type { SObjectSchema } from "./schema.js";
import type { SObjectRecord } from "./values.js";

/**
 * How the org's standard duplicate rules are set up: `alert` (the default: action Allow with an alert,
 * which still refuses an API save unless the request sends `Sforce-Duplicate-Rule-Header: allowSave=true`),
 * `block` (refused even then), `inactive` (the duplicate is saved silently).
 */
export type DuplicateRuleSetup = "alert" | "block" | "inactive";

/**
 * What the rules match records by: `standard` (the default) the standard matching rules' email and their
 * first name, last name and company (a Contact's Account Name) terms, on Leads and on Contacts, and an
 * Account's name and billing city; `email` the lenient reading: Leads by email alone, Contacts and
 * Accounts not at all.
 */
export type DuplicateMatching = "standard" | "email";

interface StandardRule {
  duplicateRule: string;
  matchingRule: string;
  /**
   * Whether an edit is checked as a create is: the standard Lead and Contact rules alert on both, the
   * standard Account rule only reports an edit ("Default Action On Edit: Allow", "Standard Account
   * Duplicate Rule"; its metadata's `operationsOnUpdate` is `Report` alone), so an update saves.
   */
  alertsOnEdit: boolean;
  /** Records the matching rule's terms other than email take for the same one as `record`. */
  namesakes(record: SObjectRecord, store: RecordStore): SObjectRecord[];
  /** Records the rule never matches against (a converted Lead is read-only history). */
  excluded(record: SObjectRecord): boolean;
}

/** The company a person is matched on: a Lead's Company, a Contact's Account Name. */
type PersonCompany = (record: SObjectRecord, store: RecordStore) => unknown;

const STANDARD_RULES: Readonly<Record<string, StandardRule>> = {
  Lead: {
    duplicateRule: "Standard_Rule_for_Leads_with_Duplicate_Leads",
    matchingRule: "Standard_Lead_Match_Rule_v1_0",
    alertsOnEdit: true,
    namesakes: personNamesakes("Lead", (record) => record.Company),
    excluded: (record) => record.IsConverted === true,
  },
  Contact: {
    duplicateRule: "Standard_Rule_for_Contacts_with_Duplicate_Contacts",
    matchingRule: "Standard_Contact_Match_Rule_v1_1",
    alertsOnEdit: true,
    namesakes: personNamesakes("Contact", (record, store) =>
      typeof record.AccountId === "string" ? store.get("Account", record.AccountId)?.Name : undefined,
    ),
    excluded: () => false,
  },
  Account: {
    duplicateRule: "Standard_Account_Duplicate_Rule",
    matchingRule: "Standard_Account_Match_Rule_v1_0",
    alertsOnEdit: false,
    namesakes: accountNamesakes,
    excluded: () => false,
  },
};

/**
 * Legal-form words the Fuzzy: Company Name method drops before comparing ("Removes words such as Inc and
 * Corp", "Matching Algorithms Used in Matching Rules"); the list beyond those two is the emulator's.
 */
const COMPANY_FORMS = new Set([
  "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp", "ltd", "limited", "plc",
  "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab", "as", "oy", "kk", "pty",
]);

/** A name folded as the fuzzy methods would not tell apart: case, accents and punctuation gone. */
export function folded(value: unknown): string {
  if (typeof value !== "string") return "";
  return value
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * A place or company name folded, and its German spellings with it: "Müller", "Mueller" and "Muller", or
 * "Straße" and "Strasse", are one, as the fuzzy methods' syllable alignment and edit distance take them
 * ("Matching Algorithms Used in Matching Rules"); the emulator's stand-in drops the e of ae, oe and ue.
 */
export function foldedSpelling(value: unknown): string {
  if (typeof value !== "string") return "";
  return folded(value.replace(/ß/g, "ss")).replace(/([aou])e/g, "$1");
}

/** A company name folded, initials run together ("I.B.M." is "ibm") and its legal form dropped. */
export function foldedCompany(value: unknown): string {
  const words: string[] = [];
  let initials = false;
  for (const word of foldedSpelling(value).split(" ")) {
    if (word === "") continue;
    // "L.L.C." folds to "l l c": single letters in a row are one abbreviation.
    if (word.length === 1 && initials) words[words.length - 1] += word;
    else words.push(word);
    initials = word.length === 1;
  }
  return words.filter((w) => !COMPANY_FORMS.has(w)).join(" ");
}

/**
 * The person's name as a match key: first and last name folded, in either order (the standard rules
 * transpose the two "to account for possible data entry mistakes"); undefined when either is blank, as
 * the rules' blank fields "don't match".
 */
const personKey: MatchKey = (record) => {
  const first = folded(record.FirstName);
  const last = folded(record.LastName);
  if (first === "" || last === "") return undefined;
  return [first, last].sort().join("|");
};

/** People of the same name (either order) at the same company, as folded: the name-and-company terms. */
function personNamesakes(type: string, company: PersonCompany) {
  return (record: SObjectRecord, store: RecordStore): SObjectRecord[] => {
    const name = personKey(record);
    const theirs = foldedCompany(company(record, store));
    if (name === undefined || theirs === "") return [];
    return store
      .findByMatchKey(type, "person", personKey, name)
      .filter((r) => foldedCompany(company(r, store)) === theirs);
  };
}

/** An Account's name as a match key: folded as the Fuzzy: Company Name method compares it; blank never matches. */
const accountKey: MatchKey = (record) => foldedCompany(record.Name) || undefined;

/**
 * Accounts of the same name in the same billing city: the standard Account matching rule fires only on a
 * record with an Account Name and a Billing City or ZIP (Salesforce Help 000386375), its name compared by
 * Fuzzy: Company Name (legal forms dropped, "Removes words such as Inc and Corp") and its city by Fuzzy:
 * City ("Matching Algorithms Used in Matching Rules"). The emulator's Account has no ZIP field; the
 * equation's street and phone terms are not asked (stricter: FIDELITY.md).
 */
function accountNamesakes(record: SObjectRecord, store: RecordStore): SObjectRecord[] {
  const name = accountKey(record);
  const city = foldedSpelling(record.BillingCity);
  if (name === undefined || city === "") return [];
  return store
    .findByMatchKey("Account", "account", accountKey, name)
    .filter((r) => foldedSpelling(r.BillingCity) === city);
}

/**
 * What a save matched under the object's standard duplicate rule, or undefined when it matched nothing
 * or is an edit (`standardEdit`: not under a blocking set-up) the object's standard rule only reports.
 */
export function duplicatesOf(
  store: RecordStore,
  schema: SObjectSchema,
  record: SObjectRecord,
  matching: DuplicateMatching,
  standardEdit: boolean,
): { rule: StandardRule; matches: SObjectRecord[] } | undefined {
  const rule = STANDARD_RULES[schema.name];
  if (!rule || (matching === "email" && schema.name !== "Lead") || (standardEdit && !rule.alertsOnEdit)) {
    return undefined;
  }
  const found = new Map<string, SObjectRecord>();
  // Email: the Exact method (addresses compared without case, as Salesforce stores them).
  if (typeof record.Email === "string") for (const r of store.findBy(schema.name, "Email", record.Email)) found.set(String(r.Id), r);
  if (matching === "standard") for (const r of rule.namesakes(record, store)) found.set(String(r.Id), r);
  found.delete(String(record.Id));
  const matches = store.inCreationOrder(schema.name, found.keys()).filter((r) => !rule.excluded(r));
  return matches.length > 0 ? { rule, matches } : undefined;
}

/** The REST answer's `duplicateResut` (Salesforce's spelling) for what a rule matched. */
export function duplicateResult(schema: SObjectSchema, rule: StandardRule, matches: SObjectRecord[], message: string): DuplicateResult {
  return {
    allowSave: false,
    duplicateRule: rule.duplicateRule,
    duplicateRuleEntityType: schema.name,
    errorMessage: message,
    matchResults: [
      {
        entityType: schema.name,
        errors: [],
        matchEngine: "FuzzyMatchEngine",
        matchRecords: matches.map((m) => ({
          additionalInformation: [],
          fieldDiffs: [],
          matchConfidence: 100,
          record: {
            attributes: { type: schema.name, url: `/services/data/v62.0/sobjects/${schema.name}/${String(m.Id)}` },
            Id: String(m.Id),
          },
        })),
        rule: rule.matchingRule,
        size: matches.length,
        success: true,
      },
    ],
  };
}
