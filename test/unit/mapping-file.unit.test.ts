import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { problemsOf } from "../support/config-problems.js";
import { loadMappings, parseMapping } from "../../src/config/mapping-file.js";
import { fieldKey } from "../../src/core/merge/types.js";

const SHIPPED = fileURLToPath(new URL("../../mappings", import.meta.url));
const FILE = "mappings/contact-lead.yaml";


const BASE = `version: 1
pair: contact
marketing: { object: contacts }
crm: { object: Lead }
fields:
  - marketing: email
    crm: Email
    direction: both
    conflict: prefer_crm_unless_blank
    transforms: [trim, { case: lower }]
  - marketing: country
    crm: Country
    direction: both
    conflict: most_recent
    transforms: [trim, country_iso]
`;

const COMPANY = `version: 1
pair: company
marketing: { object: companies }
crm: { object: Account }
fields:
  - marketing: name
    crm: Name
    direction: both
    conflict: prefer_crm_unless_blank
`;

/** 1-based line of the first line containing `text`. */
const lineOf = (yaml: string, text: string, from = 0) =>
  yaml.split("\n").findIndex((l, i) => i >= from && l.includes(text)) + 1;

describe("the shipped mappings", () => {
  const mappings = loadMappings(SHIPPED);

  it("all load, one per object pair", () => {
    expect(mappings.map((m) => [m.name, m.pair, m.marketingObject, m.crmObject])).toEqual([
      ["company-account", "company", "companies", "Account"],
      ["contact-contact", "contact", "contacts", "Contact"],
      ["contact-lead", "contact", "contacts", "Lead"],
      ["deal-opportunity", "deal", "deals", "Opportunity"],
    ]);
    for (const m of mappings) expect(m.source).toBe(join(SHIPPED, `${m.name}.yaml`));
  });

  it("give required Salesforce fields a default", () => {
    const lead = mappings.find((m) => m.name === "contact-lead")!;
    for (const crm of ["LastName", "Company"]) {
      const field = lead.fields.find((f) => f.crm === crm)!;
      expect(field.transforms).toContainEqual({ kind: "default", value: "[not provided]" });
    }
  });

  it("read deal stages back many-to-one and convert close dates", () => {
    const deal = mappings.find((m) => m.name === "deal-opportunity")!;
    const stage = deal.fields.find((f) => f.crm === "StageName")!;
    expect(stage.transforms[0]).toEqual({
      kind: "value_map",
      caseInsensitive: false,
      values: {
        appointmentscheduled: "Prospecting",
        qualifiedtobuy: "Qualification",
        presentationscheduled: "Value Proposition",
        decisionmakerboughtin: "Id. Decision Makers",
        contractsent: "Proposal/Price Quote",
        closedwon: "Closed Won",
        closedlost: "Closed Lost",
      },
      readBack: {
        "Needs Analysis": "qualifiedtobuy",
        "Perception Analysis": "decisionmakerboughtin",
        "Negotiation/Review": "contractsent",
      },
    });
    expect(deal.fields.find((f) => f.crm === "CloseDate")!.transforms).toEqual([
      { kind: "date", marketing: "datetime", crm: "date" },
    ]);
  });

  it("leave owner, lifecycle and score fields to the handoff", () => {
    const names = mappings.flatMap((m) => m.fields.map((f) => f.marketing));
    for (const owned of ["hubspot_owner_id", "lifecyclestage", "hubspotscore"])
      expect(names).not.toContain(owned);
  });
});

describe("parseMapping", () => {
  it("reads fields, directions, rules and transforms", () => {
    const m = parseMapping(BASE, FILE);
    expect(m.name).toBe("contact-lead");
    expect(m.fields.map(fieldKey)).toEqual(["email>Email", "country>Country"]);
    expect(m.fields[0]).toEqual({
      marketing: "email",
      crm: "Email",
      direction: "both",
      conflict: "prefer_crm_unless_blank",
      transforms: [{ kind: "trim" }, { kind: "case", to: "lower" }],
      // Where its keys stand, for a problem a system shows later (a run's refused field, validate --live).
      lines: { marketing: 6, crm: 7 },
    });
  });

  it("accepts every transform form, coercing numbers in maps and defaults to text", () => {
    const yaml = `${BASE}  - marketing: numemployees
    crm: NumberOfEmployees
    direction: to_crm
    conflict: prefer_marketing
    transforms:
      - map: { values: { "1-5": 5, "1000+": 1000 }, caseInsensitive: true }
      - default: 0
  - { marketing: phone, crm: Phone, direction: both, conflict: most_recent, transforms: [{ phone_e164: gb }] }
  - { marketing: mobilephone, crm: MobilePhone, direction: both, conflict: most_recent, transforms: [{ phone_e164: { defaultCountry: DE, countryField: { marketing: country, crm: Country } } }] }
  - { marketing: hs_country_name, crm: CountryName__c, direction: both, conflict: most_recent, transforms: [{ country_iso: name }] }
  - { marketing: closedate, crm: CloseDate__c, direction: both, conflict: prefer_crm, transforms: [{ date: { marketing: epoch_ms, crm: { pattern: dd/MM/yyyy } } }] }
  - { marketing: company, crm: Company, direction: both, conflict: prefer_crm, transforms: [{ truncate: 255 }] }
`;
    const m = parseMapping(yaml, FILE);
    expect(m.fields.slice(2).map((f) => f.transforms)).toEqual([
      [
        { kind: "value_map", values: { "1-5": "5", "1000+": "1000" }, caseInsensitive: true },
        { kind: "default", value: "0" },
      ],
      [{ kind: "phone_e164", defaultCountry: "GB", invalid: "error" }],
      [
        {
          kind: "phone_e164",
          defaultCountry: "DE",
          invalid: "error",
          countryField: { marketing: "country", crm: "Country" },
        },
      ],
      [{ kind: "country_iso", to: "name" }],
      [{ kind: "date", marketing: "epoch_ms", crm: { pattern: "dd/MM/yyyy" } }],
      [{ kind: "truncate", length: 255 }],
    ]);
  });

  it("names the file, line and key of a misspelt key, with a suggestion", () => {
    const yaml = BASE.replace(
      "    direction: both\n    conflict: most_recent",
      "    directon: both\n    conflict: most_recent",
    );
    const problems = problemsOf(() => parseMapping(yaml, FILE));
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: FILE,
        line: lineOf(yaml, "directon"),
        key: "fields[1].directon",
        message: 'unknown key (did you mean "direction"?)',
      }),
    );
  });

  it("names the line and key of a bad direction", () => {
    const yaml = BASE.replace(
      "direction: both\n    conflict: most_recent",
      "direction: sideways\n    conflict: most_recent",
    );
    const problems = problemsOf(() => parseMapping(yaml, FILE));
    expect(problems).toEqual([
      expect.objectContaining({ file: FILE, line: lineOf(yaml, "sideways"), key: "fields[1].direction" }),
    ]);
    expect(problems[0]!.message).toBe('"sideways" is not one of the choices: write one of to_crm, to_marketing, both, none');
  });

  it.each([
    [
      "trim, country_iso]",
      "trimm, country_iso]",
      "fields[1].transforms[0]",
      'unknown transform "trimm" (did you mean "trim"?)',
    ],
    [
      "[trim, { case: lower }]",
      "[trim, { cse: lower }]",
      "fields[0].transforms[1].cse",
      'unknown transform "cse" (did you mean "case"?)',
    ],
    [
      "[trim, { case: lower }]",
      "[trim, lowercase]",
      "fields[0].transforms[1]",
      'unknown transform "lowercase"; known: trim, case',
    ],
    ["[trim, { case: lower }]", "[trim, { case: camel }]", "fields[0].transforms[1].case", '"camel" is not one of the choices: write one of lower, upper, title'],
    ["[trim, { case: lower }]", "[trim, { case: Lowr }]", "fields[0].transforms[1].case", '"Lowr" is not one of the choices (did you mean "lower"?): write one of lower, upper, title'],
    [
      "[trim, { case: lower }]",
      "[trim, phone_e164]",
      "fields[0].transforms[1]",
      'transform "phone_e164" needs options, e.g. { phone_e164: US }',
    ],
    [
      "[trim, { case: lower }]",
      "[{ phone_e164: XX }]",
      "fields[0].transforms[0].phone_e164",
      'default country "XX" is not an ISO 3166 alpha-2 code',
    ],
    [
      "[trim, { case: lower }]",
      "[{ trim: true }]",
      "fields[0].transforms[0].trim",
      'transform "trim" takes no options',
    ],
    [
      "[trim, { case: lower }]",
      "[{ case: lower, trim: x }]",
      "fields[0].transforms[0]",
      "a transform is one key, this has 2",
    ],
    ["[trim, { case: lower }]", "[{ truncate: -3 }]", "fields[0].transforms[0].truncate", "Too small"],
    [
      "[trim, { case: lower }]",
      "[{ map: { values: {} } }]",
      "fields[0].transforms[0].map.values",
      "lists no values: every non-blank value would be refused as unmapped",
    ],
    [
      "[trim, { case: lower }]",
      "[{ map: { values: { '  ': Prospect, Kunde: Customer } } }]",
      "fields[0].transforms[0].map.values.  ",
      "a blank key never matches a value; remove it",
    ],
    [
      "[trim, { case: lower }]",
      "[{ map: { values: { Société: ' ' } } }]",
      "fields[0].transforms[0].map.values.Société",
      "must not be blank",
    ],
    ["[trim, { case: lower }]", "[{ default: '' }]", "fields[0].transforms[0].default", "must not be blank"],
    [
      "[trim, { case: lower }]",
      "[{ date: { marketing: epoch, crm: date } }]",
      "fields[0].transforms[0].date.marketing",
      "Invalid",
    ],
    [
      "[trim, { case: lower }]",
      "[{ date: { marketing: { pattern: 'dd j' }, crm: date } }]",
      "fields[0].transforms[0].date",
      "not a valid date-fns pattern",
    ],
    [
      "[trim, { case: lower }]",
      "[{ country_iso: alpha3 }]",
      "fields[0].transforms[0].country_iso",
      '"alpha3" is not one of the choices',
    ],
    [
      "[trim, { case: lower }]",
      "[{ phone_e164: { defaultCountry: DE, countryField: { marketing: country, crm: MailingCountry } } }]",
      "fields[0].transforms[0].phone_e164.countryField.crm",
      "crm field MailingCountry is not mapped in this file, so leadloop never reads it",
    ],
  ])("names the line and key of a bad transform: %s → %s", (from, to, key, message) => {
    const yaml = BASE.replace(from, to);
    const problems = problemsOf(() => parseMapping(yaml, FILE));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual(expect.objectContaining({ file: FILE, line: lineOf(yaml, to), key }));
    expect(problems[0]!.message).toContain(message);
  });

  it("says a left-out choice (conflict, pair) is a missing key, as for any other key", () => {
    const yaml = BASE.replace("    conflict: most_recent\n", "").replace("pair: contact\n", "");
    expect(problemsOf(() => parseMapping(yaml, FILE)).map((p) => [p.key, p.message])).toEqual([
      ["pair", "required key is missing"],
      ["fields[1].conflict", "required key is missing"],
    ]);
  });

  it("names a misspelt option of a transform, and the option it then misses", () => {
    const yaml = BASE.replace("[trim, { case: lower }]", "[{ map: { valuse: { A: B } } }]");
    const line = lineOf(yaml, "valuse");
    expect(problemsOf(() => parseMapping(yaml, FILE))).toEqual([
      expect.objectContaining({
        line,
        key: "fields[0].transforms[0].map.values",
        message: "required key is missing",
      }),
      expect.objectContaining({
        line,
        key: "fields[0].transforms[0].map.valuse",
        message: 'unknown key (did you mean "values"?)',
      }),
    ]);
  });

  it("refuses a field mapped twice on either side, pointing at the second", () => {
    const yaml = `${BASE}  - { marketing: email, crm: Email, direction: to_crm, conflict: prefer_crm }\n`;
    const problems = problemsOf(() => parseMapping(yaml, FILE));
    const line = lineOf(yaml, "direction: to_crm");
    expect(problems).toEqual([
      {
        file: FILE,
        line,
        column: expect.any(Number),
        key: "fields[2].marketing",
        message: "marketing field email is already mapped in fields[0]",
      },
      {
        file: FILE,
        line,
        column: expect.any(Number),
        key: "fields[2].crm",
        message: "crm field Email is already mapped in fields[0]",
      },
    ]);
  });

  it("refuses transforms on a field whose direction is none", () => {
    const yaml = `${BASE}  - { marketing: notes, crm: Description, direction: none, conflict: prefer_crm, transforms: [trim] }\n`;
    const problems = problemsOf(() => parseMapping(yaml, FILE));
    expect(problems).toEqual([
      expect.objectContaining({ line: lineOf(yaml, "direction: none"), key: "fields[2].transforms" }),
    ]);
    expect(problems[0]!.message).toContain("direction none moves no value");
  });

  it("refuses a map with duplicate targets when it is read backwards, not when it only goes to the CRM", () => {
    const field = (direction: string) => `${BASE}  - marketing: hs_lead_status
    crm: Status
    direction: ${direction}
    conflict: prefer_crm
    transforms:
      - map:
          values:
            NEW: Open - Not Contacted
            OPEN: Open - Not Contacted
`;
    const problems = problemsOf(() => parseMapping(field("both"), FILE));
    expect(problems).toEqual([
      expect.objectContaining({
        line: lineOf(field("both"), "OPEN:"),
        key: "fields[2].transforms[0].map.values.OPEN",
        message:
          '"Open - Not Contacted" comes from both NEW and OPEN, so read back towards marketing it is ambiguous; keep one, or set direction to_crm',
      }),
    ]);
    expect(problemsOf(() => parseMapping(field("to_marketing"), FILE))).toHaveLength(1);
    expect(parseMapping(field("to_crm"), FILE).fields).toHaveLength(3);
  });

  it("refuses objects that do not fit the pair", () => {
    const yaml = BASE.replace("pair: contact", "pair: deal");
    const problems = problemsOf(() => parseMapping(yaml, FILE));
    expect(problems.map((p) => [p.line, p.key, p.message])).toEqual([
      [3, "marketing.object", 'pair deal needs marketing object deals, not "contacts"'],
      [4, "crm.object", 'pair deal needs crm object Opportunity, not "Lead"'],
    ]);
  });

  it("refuses HubSpot's own objects on the crm side: mappings are read with Salesforce as the CRM only", () => {
    const problems = problemsOf(() => parseMapping(BASE.replace("object: Lead", "object: contacts"), FILE));
    expect(problems.map((p) => [p.line, p.key, p.message])).toEqual([
      [
        4,
        "crm.object",
        'pair contact needs crm object Lead or Contact, not "contacts": mappings join HubSpot to Salesforce; with crm: hubspot the contact, company and deal are one record each and no mapping is read',
      ],
    ]);
  });

  it("requires version 1", () => {
    const problems = problemsOf(() => parseMapping(BASE.replace("version: 1", "version: 2"), FILE));
    expect(problems).toEqual([
      expect.objectContaining({
        line: 1,
        key: "version",
        message: "must be 1, the mapping version this leadloop reads",
      }),
    ]);
    const missing = problemsOf(() => parseMapping(BASE.replace("version: 1\n", ""), FILE));
    expect(missing).toEqual([
      expect.objectContaining({ key: "version", message: "required key is missing" }),
    ]);
  });
});

describe("loadMappings", () => {
  const folder = () => mkdtempSync(join(tmpdir(), "leadloop-mappings-"));

  it("gathers the problems of every file into one error, and ignores other files", () => {
    const dir = folder();
    writeFileSync(join(dir, "a.yaml"), BASE.replace("pair: contact", "pair: contakt"));
    writeFileSync(join(dir, "b.yaml"), BASE.replace("conflict: most_recent", "conflict: newest"));
    writeFileSync(join(dir, "c.yaml"), BASE);
    writeFileSync(join(dir, "notes.txt"), "not a mapping");
    const problems = problemsOf(() => loadMappings(dir));
    expect(problems.map((p) => [p.file, p.line, p.key])).toEqual([
      [join(dir, "a.yaml"), 2, "pair"],
      [join(dir, "b.yaml"), lineOf(BASE, "conflict: most_recent"), "fields[1].conflict"],
    ]);
  });

  it("refuses two files joining the same objects", () => {
    const dir = folder();
    writeFileSync(join(dir, "contact-lead.yaml"), BASE);
    writeFileSync(join(dir, "leads-again.yaml"), BASE);
    expect(problemsOf(() => loadMappings(dir))).toEqual([
      expect.objectContaining({
        file: join(dir, "leads-again.yaml"),
        message: `contacts ↔ Lead is already mapped in ${join(dir, "contact-lead.yaml")}`,
      }),
    ]);
  });

  it("says when the folder is missing or holds no mapping", () => {
    const dir = folder();
    expect(problemsOf(() => loadMappings(join(dir, "nope")))[0]!.message).toBe("mappings folder not found");
    mkdirSync(join(dir, "empty"));
    expect(problemsOf(() => loadMappings(join(dir, "empty")))[0]!.message).toBe(
      "no mapping files (*.yaml, *.yml, *.json) here",
    );
  });

  it("reads a mapping written as .yml or as JSON as it reads a .yaml, and names that file in its problems", () => {
    const dir = folder();
    writeFileSync(join(dir, "contact-lead.yaml"), BASE);
    writeFileSync(join(dir, "company-account.yml"), COMPANY);
    writeFileSync(
      join(dir, "deal-opportunity.json"),
      JSON.stringify({
        version: 1,
        pair: "deal",
        marketing: { object: "deals" },
        crm: { object: "Opportunity" },
        fields: [{ marketing: "dealname", crm: "Name", direction: "both", conflict: "most_recent" }],
      }),
    );
    expect(loadMappings(dir).map((m) => [m.name, m.crmObject, m.source])).toEqual([
      ["company-account", "Account", join(dir, "company-account.yml")],
      ["contact-lead", "Lead", join(dir, "contact-lead.yaml")],
      ["deal-opportunity", "Opportunity", join(dir, "deal-opportunity.json")],
    ]);
    writeFileSync(join(dir, "company-account.yml"), COMPANY.replace("direction: both", "direction: bothh"));
    expect(problemsOf(() => loadMappings(dir)).map((p) => [p.file, p.line, p.key])).toEqual([
      [join(dir, "company-account.yml"), lineOf(COMPANY, "direction: both"), "fields[0].direction"],
    ]);
  });
});
