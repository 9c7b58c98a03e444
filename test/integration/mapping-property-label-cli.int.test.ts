// An admin names a HubSpot property in a mapping by the label the portal shows ("Job Title") instead of
// its internal name (jobtitle): HubSpot refuses each write to it as PROPERTY_DOESNT_EXIST. The error
// queue says so as a mapping problem to fix, not as a value to correct on each record; once the mapping
// names the property, `errors retry` writes every record.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

interface Entry {
  id: number;
  errorClass: string;
  message: string;
  whatToDo?: string;
}

describe("a mapping naming a HubSpot property by its label", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 33, now: new Date(), contacts: 24 }), "property-label");
  });
  afterAll(async () => {
    await world.close();
  });

  it("queues each refusal as a mapping to fix, and a retry after the fix resolves them all", async () => {
    const mappings = join(world.dir, "mappings-label");
    cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
    const lead = join(mappings, "contact-lead.yaml");
    const shipped = readFileSync(lead, "utf8");
    writeFileSync(lead, shipped.replace("  - marketing: jobtitle\n", "  - marketing: Job Title\n"));
    const configPath = join(world.dir, "leadloop-label.yaml");
    writeFileSync(configPath, readFileSync(world.configPath, "utf8").replace(/^mappings: .*$/m, `mappings: ${mappings}`));
    const config = ["-c", configPath];

    const synced = await runCli(["sync", "--json", ...config]);
    expect(synced.code).toBe(4);
    const listed = JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout) as Entry[];
    const refused = listed.filter((e) => e.message.includes("PROPERTY_DOESNT_EXIST"));
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect(e.errorClass).toBe("config");
      expect(e.whatToDo).toBe(
        `fix the mapping or HubSpot's setup (\`leadloop validate --live\` names what is missing), then \`leadloop errors retry --id ${e.id}\``,
      );
    }

    writeFileSync(lead, shipped);
    const retried = await runCli(["errors", "retry", "--json", ...config]);
    expect(retried.code).toBe(0);
    expect((JSON.parse(retried.stdout) as { resolved: number[] }).resolved).toEqual(
      expect.arrayContaining(refused.map((e) => e.id)),
    );
  });

  it("validate --live suggests the property's name for every label a mapping names, whatever its case, accents or spacing", async () => {
    const mappings = join(world.dir, "mappings-labels");
    cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
    const lead = join(mappings, "contact-lead.yaml");
    // As the portal shows them, typed by hand: "Company Name" and "Phone Number" are far from company and
    // phone by spelling, "Jób  Title" has an accent and two blanks, "LAST NAME" is in capitals.
    const labels: [name: string, label: string][] = [
      ["company", "company name"],
      ["phone", "Phone Number"],
      ["jobtitle", "Jób  Title"],
      ["lastname", "LAST NAME"],
    ];
    let text = readFileSync(lead, "utf8");
    for (const [name, label] of labels) {
      expect(text).toContain(`  - marketing: ${name}\n`);
      text = text.replace(`  - marketing: ${name}\n`, `  - marketing: ${label}\n`);
    }
    writeFileSync(lead, text);
    const configPath = join(world.dir, "leadloop-labels.yaml");
    writeFileSync(configPath, readFileSync(world.configPath, "utf8").replace(/^mappings: .*$/m, `mappings: ${mappings}`));

    const checked = await runCli(["validate", "--live", "--json", "-c", configPath]);
    expect(checked.code).toBe(2);
    const problems = (JSON.parse(checked.stdout) as { problems: { source: string; field: string; message: string }[] }).problems;
    // Each at its entry's line and key in the file, as the files' own problems are, where only the file was named.
    const lines = text.split("\n");
    for (const [name, label] of labels) {
      const line = lines.indexOf(`  - marketing: ${label}`) + 1;
      const key = `fields[${lines.filter((l, i) => i < line && l.startsWith("  - marketing: ")).length - 1}].marketing`;
      expect(problems).toContainEqual(
        expect.objectContaining({ source: lead, line, key, field: label, message: `marketing field ${label} does not exist on contacts (did you mean ${name}?)` }),
      );
    }
    const said = (await runCli(["validate", "--live", "-c", configPath])).stdout;
    expect(said).toContain(`${lead}:${lines.indexOf("  - marketing: Jób  Title") + 1}: error: Jób  Title (marketing): marketing field Jób  Title does not exist on contacts`);
  });
});
