import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseMapping } from "../../src/config/mapping-file.js";
import type {
  ConflictRule,
  Direction,
  FieldMapping,
  ObjectMapping,
  Transform,
} from "../../src/core/mapping.js";
import { checkMapping, type MappingProblem } from "../../src/core/mapping-check.js";
import type { FieldDescription, FieldType, ObjectDescription } from "../../src/core/object-schema.js";

function fd(name: string, type: FieldType, more: Partial<FieldDescription> = {}): FieldDescription {
  return { name, label: name, type, required: false, createable: true, updateable: true, ...more };
}

const readOnly = { createable: false, updateable: false };

const hubspotContacts: ObjectDescription = {
  system: "hubspot",
  object: "contacts",
  fields: [
    fd("email", "email"),
    fd("firstname", "string"),
    fd("lastname", "string"),
    fd("company", "string"),
    fd("jobtitle", "string"),
    fd("phone", "phone"),
    fd("mobilephone", "phone"),
    fd("country", "string"),
    fd("state", "string"),
    fd("city", "string"),
    fd("zip", "string"),
    fd("address", "string"),
    fd("website", "string"),
    fd("industry", "string"),
    fd("numemployees", "picklist", {
      picklistValues: ["1-5", "5-25", "25-50", "50-100", "100-500", "500-1000", "1000+"],
    }),
    fd("annualrevenue", "string"),
    fd("hs_lead_status", "picklist", {
      picklistValues: [
        "NEW",
        "OPEN",
        "IN_PROGRESS",
        "OPEN_DEAL",
        "UNQUALIFIED",
        "ATTEMPTED_TO_CONTACT",
        "CONNECTED",
        "BAD_TIMING",
      ],
    }),
    fd("hs_analytics_source", "picklist", {
      ...readOnly,
      picklistValues: [
        "ORGANIC_SEARCH",
        "PAID_SEARCH",
        "EMAIL_MARKETING",
        "SOCIAL_MEDIA",
        "REFERRALS",
        "OTHER_CAMPAIGNS",
        "DIRECT_TRAFFIC",
        "OFFLINE",
        "PAID_SOCIAL",
      ],
    }),
    fd("hs_email_optout", "boolean", readOnly),
    fd("closedate", "datetime"),
    fd("notes_long", "textarea", { length: 65536 }),
  ],
};

const STANDARD_LEAD_STATUSES = [
  "Open - Not Contacted",
  "Working - Contacted",
  "Closed - Converted",
  "Closed - Not Converted",
];
// As the README's Salesforce setup leaves the org.
const LEAD_STATUSES = [...STANDARD_LEAD_STATUSES, "Closed - Unqualified", "Closed - Unreachable"];
const INDUSTRIES =
  "Agriculture,Apparel,Banking,Biotechnology,Chemicals,Communications,Construction,Consulting,Education,Electronics,Energy,Engineering,Entertainment,Environmental,Finance,Food & Beverage,Government,Healthcare,Hospitality,Insurance,Machinery,Manufacturing,Media,Not For Profit,Recreation,Retail,Shipping,Technology,Telecommunications,Transportation,Utilities,Other".split(
    ",",
  );

const salesforceLead: ObjectDescription = {
  system: "salesforce",
  object: "Lead",
  fields: [
    fd("Id", "id", readOnly),
    fd("FirstName", "string", { length: 40 }),
    fd("LastName", "string", { length: 80, required: true }),
    fd("Company", "string", { length: 255, required: true }),
    fd("Email", "email", { length: 80 }),
    fd("Phone", "phone", { length: 40 }),
    fd("MobilePhone", "phone", { length: 40 }),
    fd("Title", "string", { length: 128 }),
    fd("Status", "picklist", { picklistValues: LEAD_STATUSES }),
    fd("LeadSource", "picklist", {
      picklistValues: ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"],
    }),
    fd("Industry", "picklist", { picklistValues: INDUSTRIES }),
    fd("NumberOfEmployees", "number"),
    fd("AnnualRevenue", "number"),
    fd("Country", "string", { length: 80 }),
    fd("State", "string", { length: 80 }),
    fd("City", "string", { length: 40 }),
    fd("Street", "textarea", { length: 255 }),
    fd("PostalCode", "string", { length: 20 }),
    fd("Website", "url", { length: 255 }),
    fd("HasOptedOutOfEmail", "boolean"),
    fd("Description", "textarea", { length: 32000 }),
    fd("IsConverted", "boolean", { createable: true, updateable: false }),
    fd("ConvertedDate", "date", readOnly),
    fd("Follow_Up_Date__c", "date"),
  ],
};

const f = (
  marketing: string,
  crm: string,
  direction: Direction = "both",
  transforms: Transform[] = [],
  conflict: ConflictRule = "prefer_crm",
): FieldMapping => ({ marketing, crm, direction, conflict, transforms });

/** A mapping with the required Lead fields covered, plus the fields under test. */
function mapping(...fields: FieldMapping[]): ObjectMapping {
  return {
    name: "contact-lead",
    pair: "contact",
    marketingObject: "contacts",
    crmObject: "Lead",
    source: "mappings/contact-lead.yaml",
    fields: [
      f("lastname", "LastName", "both", [
        { kind: "truncate", length: 80 },
        { kind: "default", value: "[not provided]" },
      ]),
      f("company", "Company", "both", [
        { kind: "truncate", length: 255 },
        { kind: "default", value: "[not provided]" },
      ]),
      ...fields,
    ],
  };
}

/** The problems without the entry each names (asserted in "names unknown fields"), as the tests below compare them. */
const withoutEntry = (problems: MappingProblem[]): MappingProblem[] =>
  problems.map((p) => {
    const { entry, ...rest } = p;
    void entry;
    return rest;
  });
const check = (...fields: FieldMapping[]) =>
  withoutEntry(checkMapping(mapping(...fields), hubspotContacts, salesforceLead));
const problem = (
  side: MappingProblem["side"],
  field: string,
  message: string,
  severity = "error",
): MappingProblem => ({
  mapping: "contact-lead",
  source: "mappings/contact-lead.yaml",
  side,
  field,
  message,
  severity: severity as MappingProblem["severity"],
});

describe("checkMapping", () => {
  it("finds nothing wrong with the shipped contact-lead mapping against the objects the README sets up", () => {
    const file = fileURLToPath(new URL("../../mappings/contact-lead.yaml", import.meta.url));
    const shipped = parseMapping(readFileSync(file, "utf8"), file);
    expect(checkMapping(shipped, hubspotContacts, salesforceLead)).toEqual([]);
  });

  it("warns when the org's Lead Status lacks values the shipped map reads (a bare org)", () => {
    const file = fileURLToPath(new URL("../../mappings/contact-lead.yaml", import.meta.url));
    const shipped = parseMapping(readFileSync(file, "utf8"), file);
    const bare: ObjectDescription = {
      ...salesforceLead,
      fields: salesforceLead.fields.map((f) =>
        f.name === "Status" ? { ...f, picklistValues: STANDARD_LEAD_STATUSES } : f,
      ),
    };
    const problems = checkMapping(shipped, hubspotContacts, bare);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: "Status", side: "crm", severity: "warning", source: file });
    expect(problems[0]!.message).toContain(
      'the value map reads "Closed - Unqualified", "Closed - Unreachable" from crm field Status, which its picklist does not have',
    );
  });

  it("names unknown fields with the nearest existing one", () => {
    expect(
      check(f("emial", "Emial"), f("FIRSTNAME", "FirstName"), f("favourite_colour", "Colour__c")),
    ).toEqual([
      problem("marketing", "emial", "marketing field emial does not exist on contacts (did you mean email?)"),
      problem("crm", "Emial", "crm field Emial does not exist on Lead (did you mean Email?)"),
      problem(
        "marketing",
        "FIRSTNAME",
        "marketing field FIRSTNAME does not exist on contacts (did you mean firstname?)",
      ),
      problem("marketing", "favourite_colour", "marketing field favourite_colour does not exist on contacts"),
      problem("crm", "Colour__c", "crm field Colour__c does not exist on Lead"),
    ]);
    // Each names its entry in the mapping's fields, for validate --live to give its line.
    const base = mapping().fields.length;
    const entries = checkMapping(mapping(f("emial", "Emial"), f("FIRSTNAME", "FirstName")), hubspotContacts, salesforceLead).map(
      (p) => [p.field, p.entry],
    );
    expect(entries).toEqual([
      ["emial", base],
      ["Emial", base],
      ["FIRSTNAME", base + 1],
    ]);
  });

  it("reports types that cannot convert, only in the directions that travel", () => {
    expect(check(f("hs_email_optout", "Follow_Up_Date__c", "to_crm"))).toEqual([
      problem(
        "crm",
        "Follow_Up_Date__c",
        "marketing boolean hs_email_optout cannot be written to date crm field Follow_Up_Date__c",
      ),
    ]);
    expect(check(f("closedate", "Follow_Up_Date__c", "both"))).toEqual([
      problem(
        "crm",
        "Follow_Up_Date__c",
        "marketing datetime closedate cannot be written to date crm field Follow_Up_Date__c; add a date transform",
      ),
      problem(
        "marketing",
        "closedate",
        "crm date Follow_Up_Date__c cannot be written to datetime marketing field closedate; add a date transform",
      ),
    ]);
    // Text may hold a number, so text → number is allowed (bad values fail per record).
    expect(check(f("annualrevenue", "AnnualRevenue"))).toEqual([]);
  });

  it("accepts a date transform whose forms fit both fields, and names the side that does not", () => {
    expect(
      check(
        f("closedate", "Follow_Up_Date__c", "both", [{ kind: "date", marketing: "datetime", crm: "date" }]),
      ),
    ).toEqual([]);
    expect(
      check(
        f("closedate", "Follow_Up_Date__c", "to_crm", [{ kind: "date", marketing: "epoch_ms", crm: "date" }]),
      ),
    ).toEqual([
      problem(
        "marketing",
        "closedate",
        "the date transform reads marketing closedate as epoch_ms, but it is a datetime field",
      ),
    ]);
  });

  it("reports values a value map writes that the target picklist refuses", () => {
    const map: Transform = {
      kind: "value_map",
      values: {
        NEW: "Open",
        IN_PROGRESS: "Working - Contacted",
        OPEN_DEAL: "Closed - Converted",
        UNQUALIFIED: "Closed - Not Converted",
      },
      caseInsensitive: false,
    };
    expect(check(f("hs_lead_status", "Status", "to_crm", [map]))).toEqual([
      problem(
        "crm",
        "Status",
        'the value map writes "Open", which crm field Status does not accept (allowed: "Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted", "Closed - Unqualified", "Closed - Unreachable")',
      ),
      problem(
        "marketing",
        "hs_lead_status",
        'marketing field hs_lead_status can hold "OPEN", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING", which the value map does not cover: records with those values will fail',
        "warning",
      ),
    ]);
  });

  it("reads a map backwards when it travels to marketing", () => {
    const map: Transform = {
      kind: "value_map",
      values: { NEW: "Open - Not Contacted", WORKING: "Working - Contacted" },
      caseInsensitive: false,
    };
    expect(check(f("hs_lead_status", "Status", "to_marketing", [map]))).toEqual([
      problem(
        "marketing",
        "hs_lead_status",
        'the value map writes "WORKING", which marketing field hs_lead_status does not accept (allowed: "NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING")',
      ),
      problem(
        "crm",
        "Status",
        'crm field Status can hold "Closed - Converted", "Closed - Not Converted", "Closed - Unqualified", "Closed - Unreachable", which the value map does not cover: records with those values will fail',
        "warning",
      ),
    ]);
  });

  it("warns when picklist values pass without a map and the target refuses some", () => {
    expect(check(f("hs_analytics_source", "LeadSource", "to_crm"))).toEqual([
      problem(
        "crm",
        "LeadSource",
        'marketing hs_analytics_source can hold "ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "OTHER_CAMPAIGNS", "DIRECT_TRAFFIC", "OFFLINE", "PAID_SOCIAL", which crm field LeadSource does not accept; add a value map',
        "warning",
      ),
    ]);
  });

  it("checks a map into a boolean or number field writes values of that type", () => {
    const yes: Transform = { kind: "value_map", values: { "1-5": "yes" }, caseInsensitive: false };
    expect(check(f("numemployees", "HasOptedOutOfEmail", "to_crm", [yes]))[0]).toEqual(
      problem(
        "crm",
        "HasOptedOutOfEmail",
        'crm field HasOptedOutOfEmail is a boolean; the value map writes "yes"',
      ),
    );
    const range: Transform = { kind: "value_map", values: { "1-5": "1 to 5" }, caseInsensitive: false };
    expect(check(f("numemployees", "NumberOfEmployees", "to_crm", [range]))[0]).toEqual(
      problem(
        "crm",
        "NumberOfEmployees",
        'crm field NumberOfEmployees is a number; the value map writes "1 to 5"',
      ),
    );
  });

  it("reports writes to fields the target does not let leadloop write", () => {
    expect(check(f("hs_analytics_source", "Description", "both"))).toEqual([
      problem(
        "marketing",
        "hs_analytics_source",
        "marketing field hs_analytics_source is read-only; set direction so nothing writes marketing",
      ),
    ]);
    expect(check(f("hs_email_optout", "IsConverted", "to_crm"))).toEqual([
      problem(
        "crm",
        "IsConverted",
        "crm field IsConverted can be set on create but not updated; updates to it would fail",
      ),
    ]);
    expect(check(f("hs_email_optout", "HasOptedOutOfEmail", "to_crm"))).toEqual([]);
  });

  it("reports a required field nothing writes, and warns when it has no default", () => {
    const bare: ObjectMapping = { ...mapping(), fields: [f("company", "Company", "both")] };
    expect(checkMapping(bare, hubspotContacts, salesforceLead)).toEqual([
      problem(
        "crm",
        "LastName",
        "crm field LastName is required on create but no field mapping writes it; map a field to it (with a default)",
      ),
      problem(
        "crm",
        "Company",
        "crm field Company is required on create: a record with a blank company will fail to create; add a default",
        "warning",
      ),
    ]);
    const wrongWay: ObjectMapping = {
      ...mapping(),
      fields: [f("lastname", "LastName", "to_marketing"), ...mapping().fields.slice(1)],
    };
    expect(checkMapping(wrongWay, hubspotContacts, salesforceLead)).toContainEqual(
      problem(
        "crm",
        "LastName",
        "crm field LastName is required on create but no field mapping writes it; map a field to it (with a default)",
      ),
    );
  });

  it("warns when text may not fit the target and no truncate shortens it", () => {
    expect(check(f("notes_long", "Street", "to_crm"))).toEqual([
      problem(
        "crm",
        "Street",
        "marketing notes_long holds up to 65536 characters but crm field Street only 255: longer values will fail; add truncate: 255",
        "warning",
      ),
    ]);
    expect(check(f("notes_long", "Street", "to_crm", [{ kind: "truncate", length: 300 }]))).toEqual([
      problem(
        "crm",
        "Street",
        "truncate: 300 is longer than Street's 255 characters; use truncate: 255",
        "warning",
      ),
    ]);
    expect(check(f("notes_long", "Street", "to_crm", [{ kind: "truncate", length: 255 }]))).toEqual([]);
  });

  it("never advises truncating a phone_e164 field, and warns only where an E.164 number does not fit", () => {
    const phone = (crm: string, ...more: Transform[]) =>
      f("notes_long", crm, "to_crm", [{ kind: "phone_e164", defaultCountry: "US", invalid: "keep" }, ...more]);
    const withShort: ObjectDescription = {
      ...salesforceLead,
      fields: [...salesforceLead.fields, fd("Short_Phone__c", "phone", { length: 12 })],
    };
    const checkShort = (...fields: FieldMapping[]) => withoutEntry(checkMapping(mapping(...fields), hubspotContacts, withShort));
    // Up to 16 characters ("+" and 15 digits) fit a 40-character Phone, whatever the source holds.
    expect(check(phone("Phone"), phone("MobilePhone"))).toEqual([]);
    expect(check(phone("Phone", { kind: "truncate", length: 40 }))).toEqual([]);
    // A field too short for E.164 needs a longer field, not a truncate.
    expect(checkShort(phone("Short_Phone__c"))).toEqual([
      problem(
        "crm",
        "Short_Phone__c",
        "the transforms write values of up to 16 characters but crm field Short_Phone__c holds only 12: longer ones will fail; map a field that holds 16",
        "warning",
      ),
    ]);
    // A truncate shorter than an E.164 number cuts numbers into other numbers.
    expect(check(phone("Phone", { kind: "truncate", length: 12 }))).toEqual([
      problem(
        "crm",
        "Phone",
        "truncate: 12 cuts the numbers phone_e164 writes (E.164, up to 16 characters) into wrong ones; remove it",
        "warning",
      ),
    ]);
  });

  it("takes the length a transform bounds its values to, and gives no truncate advice for the matching key", () => {
    // An ISO code, a valid E.164 number or a map's own values fit, whatever the source holds.
    expect(check(f("notes_long", "Street", "to_crm", [{ kind: "trim" }, { kind: "country_iso" }]))).toEqual([]);
    expect(check(f("notes_long", "Street", "to_crm", [{ kind: "phone_e164", defaultCountry: "FR", invalid: "error" }]))).toEqual([]);
    const map = (values: Record<string, string>): FieldMapping["transforms"] => [{ kind: "value_map", values, caseInsensitive: true }];
    expect(check(f("notes_long", "Street", "to_crm", map({ nord: "Rue du Nord", sud: "Avenue du Sud" })))).toEqual([]);
    expect(check(f("notes_long", "Street", "to_crm", map({ loin: "É".repeat(300) })))).toEqual([
      problem("crm", "Street", "the transforms write values of up to 300 characters but crm field Street holds only 255", "warning"),
    ]);
    // A number kept as typed when it is not E.164 fails on its record if it is too long, as a refused one
    // would: a truncate would only write a wrong number, so nothing is advised.
    expect(check(f("notes_long", "Street", "to_crm", [{ kind: "phone_e164", defaultCountry: "FR", invalid: "keep" }]))).toEqual([]);
    // Shortening the matching key would make it name someone else: the record waits in the queue instead.
    const matched: ObjectMapping = {
      ...mapping(f("notes_long", "Street", "to_crm")),
      match: { marketing: "notes_long", crm: "Street", normalize: "email" },
    };
    expect(withoutEntry(checkMapping(matched, hubspotContacts, salesforceLead))).toEqual([
      problem(
        "crm",
        "Street",
        "marketing notes_long holds up to 65536 characters but crm field Street only 255: longer values will fail: such a record waits in the error queue (truncating would change the matching key notes_long)",
        "warning",
      ),
    ]);
  });
});
