// An admin names a HubSpot property in a mapping by the label the portal shows ("Job Title") instead of
// its internal name (jobtitle), or misspells it: the portal has no such property. `sync` stops at the
// mapping entry as a configuration error (exit 2, file, line and key), and both it and `validate --live`
// suggest the property's name. A property the portal hides from its app is there for both.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

describe("a mapping naming a HubSpot property by its label, misspelt or hidden", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 33, now: new Date(), contacts: 24 }), "property-label");
  });
  afterAll(async () => {
    await world.close();
  });

  it("stops sync at the mapping entry, exit 2, with nothing queued; once the mapping names the property, sync writes", async () => {
    const mappings = join(world.dir, "mappings-label");
    cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
    const lead = join(mappings, "contact-lead.yaml");
    const shipped = readFileSync(lead, "utf8");
    writeFileSync(lead, shipped.replace("  - marketing: jobtitle\n", "  - marketing: Job Title\n"));
    const line = shipped.split("\n").indexOf("  - marketing: jobtitle") + 1;
    const entry = shipped.slice(0, shipped.indexOf("  - marketing: jobtitle\n")).match(/^ {2}- marketing:/gm)!.length;
    const configPath = join(world.dir, "leadloop-label.yaml");
    writeFileSync(configPath, readFileSync(world.configPath, "utf8").replace(/^mappings: .*$/m, `mappings: ${mappings}`));
    const config = ["-c", configPath];

    // A configuration error, found in the portal's property list before any record is read or written,
    // where each write of the property was refused PROPERTY_DOESNT_EXIST into the error queue (exit 4).
    const synced = await runCli(["sync", "--json", ...config]);
    expect(synced.code).toBe(2);
    expect(synced.stderr).toContain(`${lead}:${line}: fields[${entry}].marketing (Job Title): HubSpot has no contacts property Job Title`);
    expect(JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout)).toEqual([]);

    writeFileSync(lead, shipped);
    const fixed = await runCli(["sync", "--json", ...config]);
    expect(fixed.code).toBe(0);
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

  it("names the property a misspelt entry means when sync stops, as validate --live does", async () => {
    const { lead, line, config } = mappingWith(world, "misspelt", (text) => text.replace("  - marketing: jobtitle\n", "  - marketing: jobtitel\n"));
    const synced = await runCli(["sync", "--json", ...config]);
    expect(synced.code).toBe(2);
    expect(synced.stderr).toContain(`${lead}:${line}: fields[`);
    expect(synced.stderr).toContain("(jobtitel): HubSpot has no contacts property jobtitel (did you mean jobtitle?)");
    const checked = await runCli(["validate", "--live", ...config]);
    expect(checked.code).toBe(2);
    expect(checked.stdout).toContain("marketing field jobtitel does not exist on contacts (did you mean jobtitle?)");
    // The last line is the verdict, where the list ended on its last warning after "N fields ok" lines.
    expect(checked.stdout.trimEnd().split("\n").at(-1)).toMatch(/^the live check failed: 1 error above( \(\d+ warnings?\))?, each to fix before a sync$/);
  });

  it("counts a property the portal hides from its app as there, in validate --live as in sync, which writes it", async () => {
    world.hubspot.data.createProperty("contacts", {
      name: "intitule_poste_interne",
      label: "Intitulé du poste (interne)",
      type: "string",
      fieldType: "text",
      groupName: "contactinformation",
      hidden: true,
    });
    const { config } = mappingWith(world, "hidden", (text) => text.replace("  - marketing: jobtitle\n", "  - marketing: intitule_poste_interne\n"));
    const checked = await runCli(["validate", "--live", "--json", ...config]);
    const problems = (JSON.parse(checked.stdout) as { problems: { field: string; message: string }[] }).problems;
    expect(problems.filter((p) => p.field === "intitule_poste_interne")).toEqual([]);
    const synced = await runCli(["sync", "--json", ...config]);
    expect(synced.code).toBe(0);
    const written = world.hubspot.data.listObjects("contacts").filter((c) => (c.properties["intitule_poste_interne"] ?? "") !== "");
    expect(written.length).toBeGreaterThan(0);
  });
});

/** A copy of the shipped mappings with contact-lead.yaml edited, and a configuration naming it. */
function mappingWith(world: SandboxWorld, name: string, edit: (text: string) => string): { lead: string; line: number; config: string[] } {
  const mappings = join(world.dir, `mappings-${name}`);
  cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
  const lead = join(mappings, "contact-lead.yaml");
  const shipped = readFileSync(lead, "utf8");
  const line = shipped.split("\n").indexOf("  - marketing: jobtitle") + 1;
  writeFileSync(lead, edit(shipped));
  const configPath = join(world.dir, `leadloop-${name}.yaml`);
  writeFileSync(configPath, readFileSync(world.configPath, "utf8").replace(/^mappings: .*$/m, `mappings: ${mappings}`));
  return { lead, line, config: ["-c", configPath] };
}
