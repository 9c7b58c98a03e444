import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { problemsOf } from "../support/config-problems.js";
import { loadQualification, parseQualification } from "../../src/config/qualification-file.js";
import { loadMappings } from "../../src/config/mapping-file.js";
import { dispositionFor, readStatus } from "../../src/core/funnel/dispositions.js";
import { LEAD_STATUSES } from "../../src/sandbox/salesforce/schema.js";
import { scorePerson } from "../../src/core/scoring/score.js";

const SHIPPED = fileURLToPath(new URL("../../config/qualification.yaml", import.meta.url));
const FILE = "config/qualification.yaml";
const MAPPINGS = fileURLToPath(new URL("../../mappings", import.meta.url));


const BASE = `version: 1
thresholds: { mql: 60, behaviour: 30 }
decay:
  halfLifeDays: 30
requiredForHandoff: [email, lastname]
fit:
  - id: senior
    description: Senior title
    points: 20
    when:
      field: jobtitle
      matches: "vp|director"
behaviour:
  - id: pricing
    description: Visited pricing
    points: 10
    activity: page_view
    match: { url: /pricing }
    withinDays: 90
`;

/** 1-based line of the first line containing `text`. */
const lineOf = (yaml: string, text: string) => yaml.split("\n").findIndex((l) => l.includes(text)) + 1;

describe("the shipped qualification definition", () => {
  const definition = loadQualification(SHIPPED);

  it("loads with every rule set", () => {
    expect(definition.thresholds).toEqual({ mql: 60, behaviour: 30, fitMinimum: 15 });
    expect(definition.halfLifeDays).toBe(30);
    expect(definition.requiredForHandoff).toEqual(["email", "firstname", "lastname", "company"]);
    expect(definition.fit.map((r) => r.id)).toContain("decision-maker-title");
    expect(definition.behaviour.map((r) => r.id)).toEqual([
      "pricing-page",
      "demo-request",
      "offer-download",
      "form-submission",
      "email-click",
      "cta-click",
      "frequent-visitor",
    ]);
    expect(definition.negative.map((r) => [r.id, r.disqualify])).toEqual([
      ["free-mail", false],
      ["competitor", true],
      ["student", true],
      ["unsubscribed", false],
      ["email-bounced", false],
    ]);
    expect(definition.customers?.rules).toHaveLength(3);
  });

  it("maps both CRMs' lead statuses to dispositions", () => {
    expect(dispositionFor("Closed - Not Converted", definition, "salesforce")?.disposition).toBe("recycle");
    expect(dispositionFor("closed - unqualified", definition, "salesforce")?.disposition).toBe("trash");
    expect(dispositionFor("Closed - Unreachable", definition, "salesforce")?.disposition).toBe("unreachable");
    expect(dispositionFor("Working - Contacted", definition, "salesforce")?.disposition).toBe("working");
    expect(dispositionFor("ATTEMPTED_TO_CONTACT", definition, "hubspot")?.disposition).toBe("unreachable");
    expect(dispositionFor("BAD_TIMING", definition)?.disposition).toBe("recycle");
    expect(dispositionFor("Open - Not Contacted", definition, "salesforce")).toBeNull();
    // Declared as no verdict yet, unlike a status the map does not list at all.
    expect(readStatus("Open - Not Contacted", definition, "salesforce").kind).toBe("none");
    expect(readStatus("OPEN", definition, "hubspot").kind).toBe("none");
    expect(readStatus("Unqualified", definition, "salesforce")).toEqual({ kind: "unknown", status: "Unqualified" });
    expect(definition.recycle).toEqual({ coolDownDays: 30 });
  });

  it("agrees with the shipped contact-lead map and the emulated org's Lead Status picklist", () => {
    const mapping = loadMappings(MAPPINGS).find((m) => m.name === "contact-lead")!;
    const status = mapping.fields.find((f) => f.crm === "Status")!;
    const map = status.transforms.find((t) => t.kind === "value_map") as { values: Record<string, string> };
    const toHubspot = Object.fromEntries(Object.entries(map.values).map(([hs, sf]) => [sf, hs]));
    const salesforce = definition.dispositions.salesforce!;
    // Every Salesforce status the definition knows is in the org's picklist and in the map, and back.
    expect(salesforce.map((e) => e.status).sort()).toEqual([...LEAD_STATUSES].sort());
    expect(Object.keys(toHubspot).sort()).toEqual([...LEAD_STATUSES].sort());
    // Each Salesforce status reaches HubSpot as the lead status of the same verdict there.
    for (const e of salesforce) {
      const there = readStatus(toHubspot[e.status], definition, "hubspot");
      const meaning = there.kind === "verdict" || there.kind === "none" ? there.entry.disposition : there.kind;
      expect([e.status, meaning]).toEqual([e.status, e.disposition]);
    }
    expect(toHubspot["Closed - Not Converted"]).toBe("BAD_TIMING");
  });

  it("refuses a disposition without a reason and a negative cool-down, naming file, line and key", () => {
    const yaml = `version: 1
thresholds: { mql: 60, behaviour: 30 }
dispositions:
  salesforce:
    "Open - Not Contacted": { disposition: none }
    "Closed - Not Converted": { disposition: recycle }
recycle:
  coolDownDays: -3
`;
    expect(problemsOf(() => parseQualification(yaml, FILE)).map((p) => [p.line, p.key, p.message])).toEqual([
      [lineOf(yaml, "Closed - Not Converted"), "dispositions.salesforce.Closed - Not Converted.reason", "required key is missing"],
      [lineOf(yaml, "coolDownDays"), "recycle.coolDownDays", "0 days or more"],
    ]);
  });

  it("qualifies a realistic prospect who visits pricing and requests a demo", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    const s = scorePerson(
      {
        person: {
          email: "Ines.Garcia@Nordwind-Logistik.de",
          firstname: "Inés",
          lastname: "García",
          company: "Nordwind Logistik",
          jobtitle: "Directrice Marketing",
          country: "Deutschland",
          hs_email_optout: "false",
          hs_email_bounce: "0",
        },
        company: { name: "Nordwind Logistik", industry: "COMPUTER_SOFTWARE", numberofemployees: "420" },
        activities: [
          {
            id: "v1",
            kind: "page_view",
            occurredAt: "2026-11-29T09:00:00Z",
            properties: { hs_url: "https://nordwind.example/pricing", hs_title: "Pricing" },
          },
          {
            id: "f1",
            kind: "form_submission",
            occurredAt: "2026-11-30T10:00:00Z",
            properties: { hs_title: "Request a demo" },
          },
        ],
        now,
      },
      definition,
    );
    expect(s.qualified).toBe(true);
    expect(s.reasons[0]!.ruleId).toBe("demo-request");
  });
});

describe("the served-market rule (countryIn)", () => {
  const definition = loadQualification(SHIPPED);
  const served = definition.fit.find((r) => r.id === "served-market")!;

  it("lists each country once, as its ISO code", () => {
    expect(served.when).toEqual({
      kind: "field",
      of: "person",
      field: "country",
      test: { op: "countryIn", countries: ["US", "CA", "GB", "IE", "DE", "AT", "CH", "FR", "NL", "BE", "SE", "DK", "ES"] },
    });
  });

  const fitOf = (country: string | null) =>
    scorePerson(
      {
        person: { email: "kim@nordwind.example", country },
        company: undefined,
        activities: [],
        now: new Date("2026-11-30T12:00:00Z"),
      },
      definition,
    ).reasons.find((r) => r.ruleId === "served-market");

  it.each([
    ["Deutschland", '"Deutschland" → DE'],
    ["España", '"España" → ES'],
    ["Sverige", '"Sverige" → SE'],
    ["Österreich", '"Österreich" → AT'],
    ["Schweiz", '"Schweiz" → CH'],
    ["Belgique", '"Belgique" → BE'],
    ["United States of America", '"United States of America" → US'],
    ["U.S.A.", '"U.S.A." → US'],
    ["  ireland ", '"ireland" → IE'],
    ["GB", '"GB"'],
  ])("counts %j as a served market", (country, detail) => {
    expect(fitOf(country)).toMatchObject({ points: 5, detail: `In a country we sell in (country ${detail})` });
  });

  it.each([["Italia"], ["Brasil"], ["Atlantis"], [null]])("does not count %j", (country) => {
    expect(fitOf(country)).toBeUndefined();
  });

  it("refuses a listed country that names no country, at its line", () => {
    const yaml = BASE.replace('matches: "vp|director"', "countryIn: [DE, Deutschlnd]");
    const problems = problemsOf(() => parseQualification(yaml, FILE));
    expect(problems).toEqual([
      expect.objectContaining({
        file: FILE,
        line: lineOf(yaml, "countryIn"),
        key: "fit[0].when.countryIn[1]",
        message: '"Deutschlnd" is not a country name or ISO 3166 code (rule senior)',
      }),
    ]);
  });
});

describe("a qualification file with mistakes", () => {
  it("reports a misspelt key with its line and the key it meant", () => {
    const yaml = BASE.replace("withinDays: 90", "withinDay: 90");
    expect(problemsOf(() => parseQualification(yaml, FILE))).toEqual([
      {
        file: FILE,
        line: lineOf(yaml, "withinDay:"),
        column: 5,
        key: "behaviour[0].withinDay",
        message: 'unknown key (did you mean "withinDays"?) (rule pricing)',
      },
    ]);
  });

  it("reports a bad regular expression at its line", () => {
    const yaml = BASE.replace('"vp|director"', '"(vp|director"');
    const [problem, ...rest] = problemsOf(() => parseQualification(yaml, FILE));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: FILE, line: lineOf(yaml, "matches:"), key: "fit[0].when.matches" });
    expect(problem!.message).toMatch(/^not a valid regular expression: .*unterminated group/i);
  });

  it("reports a negative half-life at its line", () => {
    const yaml = BASE.replace("halfLifeDays: 30", "halfLifeDays: -30");
    expect(problemsOf(() => parseQualification(yaml, FILE))).toEqual([
      {
        file: FILE,
        line: lineOf(yaml, "halfLifeDays"),
        column: 17,
        key: "decay.halfLifeDays",
        message: "must be more than 0 days",
      },
    ]);
  });

  it("reports a condition with two tests, a lone countAtLeast and a duplicate rule id", () => {
    const yaml = BASE.replace('matches: "vp|director"', 'matches: "vp"\n      in: [CEO]')
      .replace("withinDays: 90", "withinDays: 90\n    countAtLeast: 3")
      .replace("id: pricing", "id: senior");
    const problems = problemsOf(() => parseQualification(yaml, FILE));
    expect(problems.map((p) => [p.key, p.message])).toEqual(
      expect.arrayContaining([
        ["fit[0].when", "give one test per condition, not matches and in; combine conditions with all: (rule senior)"],
        ["behaviour[0].countAtLeast", "countAtLeast and inDays go together (e.g. 3 visits in 7 days) (rule senior)"],
      ]),
    );
    // Semantic checks run once the schema passes.
    const dup = BASE.replace("id: pricing", "id: senior");
    expect(problemsOf(() => parseQualification(dup, FILE))).toEqual([
      {
        file: FILE,
        line: dup.split("\n").findLastIndex((l) => l.includes("id: senior")) + 1,
        column: 9,
        key: "behaviour[0].id",
        message: "rule id senior is already used by fit[0]",
      },
    ]);
  });

  it("names a missing file", () => {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-qualification-"));
    expect(problemsOf(() => loadQualification(join(dir, "nope.yaml")))).toEqual([
      { file: join(dir, "nope.yaml"), line: 0, column: 0, key: "", message: "file not found" },
    ]);
    const file = join(dir, "q.yaml");
    writeFileSync(file, BASE);
    expect(loadQualification(file).behaviour[0]!.withinDays).toBe(90);
  });
});
