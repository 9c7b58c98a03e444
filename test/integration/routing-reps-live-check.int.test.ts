// `validate --live` checks the reps routing.yaml and sla.yaml name against the systems' owners: the routing
// passes by a rep no active CRM user has (walk.ts), right for a rep who left and silent for a misspelt email.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { SHIPPED_CONFIG } from "../../src/sandbox/package-paths.js";
import { startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { runCli } from "../support/cli-run.js";
import type { MappingProblem as LiveProblem } from "../../src/core/mapping-check.js";

const HELENE = { email: "Helene.Dubois@Leadloop-Demo.com", firstName: "Hélène", lastName: "Dubois" };
const JORDAN = { email: "jordan.miller@leadloop-demo.com", firstName: "Jordan", lastName: "Miller" };
const ROUTING = `version: 1
queues:
  emea: [helene.dubois@leadloop-demo.com]
rules:
  - id: emea
    description: France and Germany
    when: { country: [France, DE] }
    assign: { queue: emea }
  - id: nordics
    description: Denmark and Sweden, to Jordan — misspelt
    when: { country: [DK, SE] }
    assign: { rep: jordan.miler@leadloop-demo.com }
fallback: Jordan.Miller@leadloop-demo.com
`;
/** The shipped sla.yaml with managers for these reps: Jordan manages Hélène; Margot, no one's user, manages Jordan; Priya is routed nowhere. */
const SLA = readFileSync(join(SHIPPED_CONFIG, "sla.yaml"), "utf8").replace(
  /^ {2}managers:\n( {4}.*\n)+/m,
  "  managers:\n    Helene.Dubois@leadloop-demo.com: jordan.miller@leadloop-demo.com\n    jordan.miller@leadloop-demo.com: margot.lambert@leadloop-demo.com\n    priya.raman@leadloop-demo.com: nobody@leadloop-demo.com\n",
);

async function validateLive(crm: "salesforce" | "hubspot") {
  const hubspot = await startHubspotEmulator();
  const salesforce = await startSalesforceEmulator();
  try {
    // Hélène is a user and an owner in both systems; Jordan a Salesforce user with no HubSpot owner yet.
    for (const rep of [HELENE, JORDAN])
      salesforce.data.insert("User", { Username: `${rep.email}.test`, Email: rep.email, FirstName: rep.firstName, LastName: rep.lastName, IsActive: true });
    hubspot.data.addOwner(HELENE);
    const dir = mkdtempSync(join(tmpdir(), "leadloop-reps-live-"));
    const config = join(dir, "leadloop.yaml");
    const routing = writeSandboxConfig(config, ROUTING, {
      hubspot: { url: hubspot.url, accessToken: hubspot.accessToken },
      salesforce,
      storePath: join(dir, "state.db"),
      crm,
    });
    const sla = join(dir, "sla.yaml");
    writeFileSync(sla, SLA);
    writeFileSync(config, readFileSync(config, "utf8").replace(/^sla: .*$/m, `sla: ${sla}`));
    const json = await runCli(["--log-level", "error", "validate", "--live", "--json", "--config", config]);
    const text = await runCli(["--log-level", "error", "validate", "--live", "--config", config]);
    const problems = (JSON.parse(json.stdout) as { problems: LiveProblem[] }).problems.filter((p) => p.mapping === "routing");
    return { routing, code: json.code, text: text.stdout, problems };
  } finally {
    await hubspot.close();
    await salesforce.close();
  }
}

describe("validate --live: the reps the routing and the SLA name, against the systems' owners", () => {
  it("with Salesforce as the CRM, warns of a misspelt rep (naming the user meant), a rep with no HubSpot owner and the SLA's managers, naming file, line and entry", async () => {
    const { routing, code, text, problems } = await validateLive("salesforce");
    // Warnings: a rep on leave is deactivated on purpose, and the routing is built for it.
    expect(code).toBe(0);
    const fromRouting = problems.filter((p) => p.source === routing);
    expect(fromRouting.map((p) => [p.field, p.side, p.severity])).toEqual([
      ["fallback", "marketing", "warning"],
      ["rules[1].assign.rep", "crm", "warning"],
    ]);
    expect(fromRouting.map((p) => p.message)).toEqual([
      "the fallback rep, jordan.miller@leadloop-demo.com, is no hubspot owner: the contacts handed to them keep their owner in hubspot",
      "rule nordics's rep, jordan.miler@leadloop-demo.com, is no active salesforce user: the routing passes them by, so they get no lead; did you mean jordan.miller@leadloop-demo.com?",
    ]);
    // Hélène's manager Jordan is a Salesforce user; Jordan's, Margot, is not; Priya gets no lead, so hers is not asked.
    expect(problems.filter((p) => p.source !== routing).map((p) => [p.field, p.side, p.message])).toEqual([
      [
        "onBreach.managers.jordan.miller@leadloop-demo.com",
        "crm",
        "jordan.miller@leadloop-demo.com's manager, margot.lambert@leadloop-demo.com, is no active salesforce user: breach alerts go to the manager the CRM records, else to the owner; fix the email if it is misspelt",
      ],
    ]);
    // At the line of each email in routing.yaml, as a mapping entry's problem is, where the file alone was named.
    const lineOf = (needle: string) => ROUTING.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(fromRouting.map((p) => [p.field, (p as { line?: number }).line])).toEqual([
      ["fallback", lineOf("fallback: Jordan.Miller")],
      ["rules[1].assign.rep", lineOf("assign: { rep: jordan.miler")],
    ]);
    expect(text).toContain(`${routing}:${lineOf("assign: { rep: jordan.miler")}: warning: rules[1].assign.rep (crm): rule nordics's rep, jordan.miler@leadloop-demo.com, is no active salesforce user`);
  });

  it("with HubSpot as the CRM, names the reps and managers no HubSpot owner has", async () => {
    const { routing, code, problems } = await validateLive("hubspot");
    expect(code).toBe(0);
    expect(problems.filter((p) => p.source === routing).map((p) => [p.field, p.side])).toEqual([
      ["fallback", "crm"],
      ["rules[1].assign.rep", "crm"],
    ]);
    // Jordan, no HubSpot owner, manages Hélène; Margot manages Jordan.
    expect(problems.filter((p) => p.source !== routing).map((p) => p.field)).toEqual([
      "onBreach.managers.helene.dubois@leadloop-demo.com",
      "onBreach.managers.jordan.miller@leadloop-demo.com",
    ]);
    expect(problems.find((p) => p.source !== routing)!.message).toBe(
      "helene.dubois@leadloop-demo.com's manager, jordan.miller@leadloop-demo.com, is no active hubspot user: breach alerts go to the manager the CRM records, else to the owner; fix the email if it is misspelt",
    );
  });
});
