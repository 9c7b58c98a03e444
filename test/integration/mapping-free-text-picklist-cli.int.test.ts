// An admin maps a free-text field both ways with one that takes only its listed values (the CRM's job
// title with HubSpot's seniority): `validate --live` warns at the entry's line and key, naming the values
// the field takes and the fix, where it said nothing and the next sync refused each job title that is no
// seniority into the error queue (INVALID_OPTION, one entry per contact).
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

interface LiveProblem {
  source: string;
  line: number;
  key: string;
  field: string;
  message: string;
  severity: string;
}

describe("a free-text field mapped into one that takes only its listed values", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 43, now: new Date(), contacts: 24 }), "free-text-picklist");
  });
  afterAll(async () => {
    await world.close();
  });

  it("is a warning of validate --live at the entry, with the values taken and the fix; sent one way only, none", async () => {
    const mappings = join(world.dir, "mappings-seniority");
    cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
    const lead = join(mappings, "contact-lead.yaml");
    const shipped = readFileSync(lead, "utf8");
    expect(shipped).toContain("  - marketing: jobtitle\n    crm: Title\n    direction: both\n");
    const both = shipped.replace("  - marketing: jobtitle\n", "  - marketing: hs_seniority\n");
    writeFileSync(lead, both);
    const lines = both.split("\n");
    const line = lines.indexOf("  - marketing: hs_seniority") + 1;
    const entry = lines.filter((l, i) => i < line - 1 && l.startsWith("  - marketing: ")).length;
    const configPath = join(world.dir, "leadloop-seniority.yaml");
    writeFileSync(configPath, readFileSync(world.configPath, "utf8").replace(/^mappings: .*$/m, `mappings: ${mappings}`));

    const checked = await runCli(["validate", "--live", "--json", "-c", configPath]);
    expect(checked.code).toBe(0);
    const problems = (JSON.parse(checked.stdout) as { problems: LiveProblem[] }).problems.filter((p) => p.source === lead);
    expect(problems).toContainEqual({
      mapping: "contact-lead",
      source: lead,
      line,
      key: `fields[${entry}].marketing`,
      entry,
      side: "marketing",
      field: "hs_seniority",
      severity: "warning",
      message:
        'crm field Title is free text, but marketing field hs_seniority takes only "owner", "partner", "executive", "vp", "director", "manager", "employee": a record with any other text is refused and waits in the error queue; add a value map, or set direction so nothing writes marketing',
    });
    const said = await runCli(["validate", "--live", "-c", configPath]);
    expect(said.stdout).toContain(`${lead}:${line}: warning: hs_seniority (marketing): crm field Title is free text`);

    // Seniority to the CRM only: Title takes any text, so nothing is said of the entry.
    writeFileSync(lead, both.replace("  - marketing: hs_seniority\n    crm: Title\n    direction: both\n", "  - marketing: hs_seniority\n    crm: Title\n    direction: to_crm\n"));
    const oneWay = await runCli(["validate", "--live", "--json", "-c", configPath]);
    expect(oneWay.code).toBe(0);
    const left = (JSON.parse(oneWay.stdout) as { problems: LiveProblem[] }).problems.filter((p) => p.field === "hs_seniority" || p.field === "Title");
    expect(left).toEqual([]);
  });
});
