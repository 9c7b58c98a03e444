// `leadloop validate` as an admin runs it on files with a schema mistake and a rule mistake each: one run
// names every problem, each with its file, line and key (the entry and field), where the rules' checks
// (a queue no rule can use, a rule id used twice, a field mapped twice) waited until the file's schema
// mistakes were fixed, so each fix brought a new batch. Exit 2 as before.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCli } from "../support/cli-run.js";

const example = new URL("../../config/leadloop.example.yaml", import.meta.url).pathname;
const shipped = dirname(example);

interface Problem {
  source: string;
  line: number;
  key: string;
  message: string;
}

/**
 * A folder for a configuration of the shipped files: `copy` writes one with mistakes edited in and gives
 * the line of each, in the copy, by the text it is given; the other three mappings are copied as shipped.
 */
function shippedCopy(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "mappings"));
  const copy = (name: string, edits: [from: string, to: string][]) => {
    let text = readFileSync(join(shipped, "..", name.startsWith("mappings/") ? "" : "config", name), "utf8");
    for (const [from, to] of edits) {
      expect(text).toContain(from);
      text = text.replace(from, to);
    }
    writeFileSync(join(dir, name), text);
    const lineOf = (needle: string, after = 0) => text.split("\n").findIndex((l, i) => i >= after && l.includes(needle)) + 1;
    return { file: join(dir, name), lineOf };
  };
  for (const name of ["company-account.yaml", "contact-contact.yaml", "deal-opportunity.yaml"]) {
    copyFileSync(join(shipped, "..", "mappings", name), join(dir, "mappings", name));
  }
  /** The files a test leaves as shipped. */
  const asShipped = (...names: string[]) => names.forEach((name) => copy(name, []));
  return { dir, copy, asShipped };
}

/** The example leadloop.yaml in `dir`, naming the files there. */
function exampleConfig(dir: string): string {
  const config = join(dir, "leadloop.yaml");
  writeFileSync(config, readFileSync(example, "utf8").replace(/^mappings: .*$/m, "mappings: ./mappings"));
  return config;
}

/** `validate --json` on the example leadloop.yaml naming the files in `dir`: exit 2, each problem as [file, line, key, message]. */
async function validatedJson(dir: string) {
  const config = exampleConfig(dir);
  const json = await runCli(["validate", "--json", "--config", config]);
  expect(json.code).toBe(2);
  const problems = (JSON.parse(json.stdout) as { problems: Problem[] }).problems.map((p) => [p.source, p.line, p.key, p.message]);
  return { config, problems };
}

describe("leadloop validate", () => {
  it("names the rule mistakes of a file whose schema mistakes are not fixed yet, in every file, in one run", async () => {
    const { dir, copy } = shippedCopy("leadloop-validate-all-");
    // The mapping: a misspelt key in its first field, and a marketing field mapped twice further down.
    const mapping = copy("mappings/contact-lead.yaml", [
      ["    conflict: prefer_crm_unless_blank\n    transforms: [trim, { case: lower }]", "    conflcit: prefer_crm_unless_blank\n    transforms: [trim, { case: lower }]"],
      ["  - marketing: lastname\n", "  - marketing: firstname\n"],
    ]);
    // The qualification: points that are no number in one rule, and another rule given a third's id.
    const qualification = copy("qualification.yaml", [
      ["    description: Decision-maker title\n    points: 20", "    description: Decision-maker title\n    points: twenty"],
      ["  - id: senior-seniority", "  - id: practitioner-title"],
    ]);
    // The routing: a rule's description misspelt, a queue member who is no email, and a rule naming a
    // queue that does not exist; the queue with the bad member is still defined, so no rule naming it is
    // said to name an undefined queue.
    const routing = copy("routing.yaml", [
      ["    description: Government and public sector", "    descripton: Government and public sector"],
      ["    - kevin.tran@leadloop-demo.com", "    - kevin.tran"],
      ["    assign: { queue: apac }", "    assign: { queue: apcc }"],
    ]);
    copyFileSync(join(shipped, "sla.yaml"), join(dir, "sla.yaml"));
    const { config, problems } = await validatedJson(dir);
    const lastnameLine = mapping.lineOf("  - marketing: firstname", mapping.lineOf("  - marketing: firstname"));
    const practitioner = qualification.lineOf("  - id: practitioner-title");
    expect(problems).toEqual([
      [mapping.file, mapping.lineOf("  - marketing: email"), "fields[0].conflict", "required key is missing"],
      [mapping.file, mapping.lineOf("conflcit"), "fields[0].conflcit", 'unknown key (did you mean "conflict"?)'],
      [mapping.file, lastnameLine, "fields[2].marketing", "marketing field firstname is already mapped in fields[1]"],
      [qualification.file, qualification.lineOf("points: twenty"), "fit[0].points", 'expected a number, not the text "twenty" (rule decision-maker-title)'],
      [qualification.file, qualification.lineOf("  - id: practitioner-title", practitioner), "fit[2].id", "rule id practitioner-title is already used by fit[1]"],
      [routing.file, routing.lineOf("    - kevin.tran"), "queues.na-west[1]", '"kevin.tran" is not an email address (write e.g. ana.lopez@example.com)'],
      [routing.file, routing.lineOf("  - id: public-sector"), "rules[1].description", "required key is missing (rule public-sector)"],
      [routing.file, routing.lineOf("descripton"), "rules[1].descripton", 'unknown key (did you mean "description"?) (rule public-sector)'],
      [routing.file, routing.lineOf("queue: apcc"), "rules[5].assign.queue", 'queue apcc is not defined under queues (did you mean "apac"?) (rule apac)'],
    ]);

    // The text says the same problems on stderr, each naming its file and line.
    const text = await runCli(["validate", "--config", config]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain(`${routing.file}:${routing.lineOf("queue: apcc")}:`);
    expect(text.stderr).toContain(`${qualification.file}:${qualification.lineOf("  - id: practitioner-title", practitioner)}:`);
    expect(text.stderr).toContain(`${mapping.file}:${lastnameLine}:`);
  });

  it("names the rule mistakes of an entry the schema refused, where the check can read that entry", async () => {
    const { dir, copy } = shippedCopy("leadloop-validate-refused-");
    // The lastname field: a conflict policy that does not exist, and the marketing field of the one above.
    const mapping = copy("mappings/contact-lead.yaml", [
      ["  - marketing: lastname\n    crm: LastName\n    direction: both\n    conflict: prefer_crm_unless_blank", "  - marketing: firstname\n    crm: LastName\n    direction: both\n    conflict: crm_always"],
    ]);
    // A fit rule with points in words and the id of the rule above it.
    const qualification = copy("qualification.yaml", [
      ["  - id: practitioner-title\n    description: Works in marketing, sales or revenue operations\n    points: 5", "  - id: decision-maker-title\n    description: Works in marketing, sales or revenue operations\n    points: five"],
    ]);
    // The na-east rule: its description misspelt and a queue that does not exist; the na-west rule: both a
    // rep and a queue, and the id of the first rule. The queue check cannot read na-west's assign, so it
    // says nothing of it; the id check can.
    const routing = copy("routing.yaml", [
      ["    description: The rest of the United States", "    descripton: The rest of the United States"],
      ["    assign: { queue: na-east }", "    assign: { queue: na-eats }"],
      ["  - id: na-west\n", "  - id: strategic-accounts\n"],
      ["    assign: { queue: na-west }", "    assign: { queue: na-west, rep: ana.lopez@leadloop-demo.com }"],
    ]);
    copyFileSync(join(shipped, "sla.yaml"), join(dir, "sla.yaml"));
    const { problems } = await validatedJson(dir);
    const twice = mapping.lineOf("  - marketing: firstname", mapping.lineOf("  - marketing: firstname") + 1);
    const naWest = routing.lineOf("  - id: strategic-accounts", routing.lineOf("  - id: strategic-accounts") + 1);
    const naEast = routing.lineOf("  - id: na-east");
    const practitioner = qualification.lineOf("  - id: decision-maker-title", qualification.lineOf("  - id: decision-maker-title") + 1);
    expect(problems).toEqual([
      [mapping.file, twice, "fields[2].marketing", "marketing field firstname is already mapped in fields[1]"],
      [mapping.file, mapping.lineOf("conflict: crm_always"), "fields[2].conflict", '"crm_always" is not one of the choices: write one of prefer_crm, prefer_crm_unless_blank, prefer_marketing, most_recent'],
      [qualification.file, practitioner, "fit[1].id", "rule id decision-maker-title is already used by fit[0]"],
      [qualification.file, qualification.lineOf("points: five"), "fit[1].points", 'expected a number, not the text "five" (rule decision-maker-title)'],
      [routing.file, naWest, "rules[2].id", "rule id strategic-accounts is already used by rules[0]"],
      [routing.file, routing.lineOf("queue: na-west, rep:"), "rules[2].assign", "assign needs exactly one of rep or queue (rule strategic-accounts)"],
      [routing.file, naEast, "rules[3].description", "required key is missing (rule na-east)"],
      [routing.file, routing.lineOf("descripton"), "rules[3].descripton", 'unknown key (did you mean "description"?) (rule na-east)'],
      [routing.file, routing.lineOf("queue: na-eats"), "rules[3].assign.queue", 'queue na-eats is not defined under queues (did you mean "na-east"?) (rule na-east)'],
    ]);
  });

  it("names a key set twice in a map, with its first line, as YAML refuses it", async () => {
    const { dir, copy, asShipped } = shippedCopy("leadloop-validate-twice-");
    asShipped("mappings/contact-lead.yaml", "qualification.yaml", "sla.yaml");
    // A rule whose assign was edited by adding a second line rather than changing the first.
    const routing = copy("routing.yaml", [
      ["    assign: { rep: elena.fischer@leadloop-demo.com }\n", "    assign: { rep: elena.fischer@leadloop-demo.com }\n    assign: { rep: jürgen.weiß@leadloop-demo.com }\n"],
    ]);
    const first = routing.lineOf("elena.fischer");
    const { config, problems } = await validatedJson(dir);
    expect(problems).toEqual([
      [routing.file, first + 1, "rules[0].assign", `rules[0].assign is set twice (first on line ${first}); YAML keys must be unique: keep one`],
    ]);
    const plain = await runCli(["validate", "--config", config]);
    expect(plain.stderr).toContain(`${routing.file}:${first + 1}:`);
    expect(plain.stderr).toContain("rules[0].assign is set twice");
  });

  it("says what a value of the wrong kind should be, quoting it as written, and what to write instead", async () => {
    const { dir, copy, asShipped } = shippedCopy("leadloop-validate-kinds-");
    asShipped("mappings/contact-lead.yaml", "routing.yaml", "sla.yaml");
    // Thresholds written as a spreadsheet shows them, and the handoff's fields as a map of ticks.
    const qualification = copy("qualification.yaml", [
      ["  mql: 60 #", '  mql: "70%" #'],
      ["  behaviour: 30 #", '  behaviour: "1,000" #'],
      ["requiredForHandoff: [email, firstname, lastname, company]", "requiredForHandoff: { email: yes, firstname: yes }"],
    ]);
    const { config, problems } = await validatedJson(dir);
    expect(problems).toEqual([
      [qualification.file, qualification.lineOf("  mql: "), "thresholds.mql", 'expected a number, not the text "70%": write a plain number, without quotes or %'],
      [qualification.file, qualification.lineOf("  behaviour: "), "thresholds.behaviour", 'expected a number, not the text "1,000": write 1000, without quotes or separators'],
      [qualification.file, qualification.lineOf("requiredForHandoff:"), "requiredForHandoff", 'expected a list ("- " lines, or [a, b]), not a map of keys'],
    ]);

    // leadloop.yaml itself: the store as a list item, a share over one, an API version YAML reads as a number.
    const text = readFileSync(config, "utf8")
      .replace(/^ {2}path: (\S+)/m, "  - $1")
      .replace(/salesforceApiShare: 0\.25/, "salesforceApiShare: 2")
      .replace(/apiVersion: "62\.0"/, "apiVersion: 62.0")
      .replace("accessToken: ${SALESFORCE_ACCESS_TOKEN:-replace-me}", "accessToken: 8574923498234981");
    writeFileSync(config, text);
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    const plain = await runCli(["validate", "--config", config]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain(`${config}:${lineOf("apiVersion: 62.0")}:`);
    expect(plain.stderr).toContain("salesforce.apiVersion: expected text, not the number 62.0: put it in quotes to keep it as written");
    expect(plain.stderr).toContain(`${config}:${lineOf("salesforceApiShare: 2")}:`);
    expect(plain.stderr).toContain("sync.salesforceApiShare: 2 is out of range: this key takes a number at most 1");
    expect(plain.stderr).toContain(`${config}:${lineOf("  - ../.leadloop")}:`);
    expect(plain.stderr).toContain('store: expected a map of keys ("key: value" lines), not a list (its lines start with "- ")');
    // A token of digits is a number to YAML: said by its kind, never quoted back.
    expect(plain.stderr).toContain(`${config}:${lineOf("accessToken: 8574923498234981")}:`);
    expect(plain.stderr).toContain("salesforce.accessToken: expected text, not a number: put it in quotes to keep it as written");
    expect(plain.stderr).not.toContain("8574923498234981");
  });

  it("quotes a value none of the key's choices with the one meant, and a pasted page of text by its start", async () => {
    const { dir, asShipped } = shippedCopy("leadloop-validate-choices-");
    asShipped("mappings/contact-lead.yaml", "qualification.yaml", "routing.yaml", "sla.yaml");
    const config = exampleConfig(dir);
    // The CRM misspelt with a capital, and a note pasted where the schedule goes.
    const note = "Synchronisation toutes les cinq minutes, sauf le week-end — voir la procédure d'Hélène. ".repeat(40);
    const text = readFileSync(config, "utf8").replace(/^crm: salesforce/m, "crm: Salesfroce").replace("every: 5m", `every: "${note}"`);
    writeFileSync(config, text);
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    const json = await runCli(["validate", "--json", "--config", config]);
    expect(json.code).toBe(2);
    const problems = (JSON.parse(json.stdout) as { problems: Problem[] }).problems.map((p) => [p.line, p.key, p.message]);
    expect(problems).toEqual([
      [lineOf("crm: Salesfroce"), "crm", '"Salesfroce" is not one of the choices (did you mean "salesforce"?): write one of salesforce, hubspot'],
      [lineOf("every: "), "schedule.every", `"${[...note].slice(0, 60).join("")}…" (${[...note].length} characters) is not a duration (write e.g. 30s, 5m, 1h, 2d)`],
    ]);
    const plain = await runCli(["validate", "--config", config]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain(`${config}:${lineOf("crm: Salesfroce")}:6: crm: "Salesfroce" is not one of the choices`);
    expect(plain.stderr.length).toBeLessThan(note.length);
  });

  it("names each line indented with a tab, and not the parser's echoes of the first mistake", async () => {
    const { dir, copy, asShipped } = shippedCopy("leadloop-validate-tabs-");
    asShipped("qualification.yaml", "routing.yaml", "sla.yaml");
    // An editor that indents with a tab, in the first and second fields' direction.
    const mapping = copy("mappings/contact-lead.yaml", [
      ["    crm: Email\n    direction: both", "    crm: Email\n\t  direction: both"],
      ["    crm: FirstName\n    direction: both", "    crm: FirstName\n\t  direction: both"],
    ]);
    const { problems } = await validatedJson(dir);
    const first = mapping.lineOf("    crm: Email") + 1;
    const second = mapping.lineOf("    crm: FirstName") + 1;
    // Before, the parser's echoes of the first tab came between them ("Implicit keys need to be on a single
    // line" and the like, on lines that hold no mistake).
    expect(problems).toEqual([
      [mapping.file, first, "", "Tabs are not allowed as indentation: indent with spaces"],
      [mapping.file, second, "", "Tabs are not allowed as indentation: indent with spaces"],
    ]);
  });

  it("names an API address pasted with a path, in validate and sync alike, with the address to write", async () => {
    const { dir, asShipped } = shippedCopy("leadloop-validate-address-");
    asShipped("mappings/contact-lead.yaml", "qualification.yaml", "routing.yaml", "sla.yaml");
    const config = exampleConfig(dir);
    // The org's address as the browser shows it on a Lightning page, and HubSpot's with an API's path.
    const text = readFileSync(config, "utf8")
      .replace("${SALESFORCE_INSTANCE_URL:-https://example.my.salesforce.com}", "https://acme-société.lightning.force.com/lightning/page/home")
      .replace("# baseUrl: https://api.hubapi.com ", "baseUrl: https://api.hubapi.com/crm/v3/ ");
    writeFileSync(config, text);
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    const json = await runCli(["validate", "--json", "--config", config]);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as { problems: Problem[] }).problems.map((p) => [p.line, p.key, p.message])).toEqual([
      [lineOf("baseUrl: https://api.hubapi.com/crm/v3/"), "hubspot.baseUrl", '"https://api.hubapi.com/crm/v3/" has a path (/crm/v3/): write the address alone, https://api.hubapi.com; leadloop adds each API\'s path itself'],
      [
        lineOf("instanceUrl:"),
        "salesforce.instanceUrl",
        '"https://acme-société.lightning.force.com/lightning/page/home" has a path (/lightning/page/home): write the address alone, https://acme-société.lightning.force.com; leadloop adds each API\'s path itself',
      ],
    ]);
    // sync stops before any call, exit 2, where its first call failed "not found" (exit 1).
    const sync = await runCli(["sync", "--config", config]);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain(`${config}:${lineOf("instanceUrl:")}:`);
    expect(sync.stderr).toContain("salesforce.instanceUrl: \"https://acme-société.lightning.force.com/lightning/page/home\" has a path");
  });

  it("keeps a gateway's path prefix in an API address, which the clients put their paths after", async () => {
    const { dir, asShipped } = shippedCopy("leadloop-validate-gateway-");
    asShipped("mappings/contact-lead.yaml", "qualification.yaml", "routing.yaml", "sla.yaml");
    const config = exampleConfig(dir);
    writeFileSync(
      config,
      readFileSync(config, "utf8")
        .replace("${SALESFORCE_INSTANCE_URL:-https://example.my.salesforce.com}", "https://passerelle.exemple.fr/salesforce/")
        .replace("# baseUrl: https://api.hubapi.com ", "baseUrl: https://passerelle.exemple.fr/HubSpot-Gateway "),
    );
    const json = await runCli(["validate", "--json", "--config", config]);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
  });
});
