// `validate --live` checks the contact and company properties config/qualification.yaml names against
// the portal's: HubSpot leaves a property it does not have out of a read, so a misspelt name scores as
// blank on everyone (a rule that never matches; a required field that stops every handoff).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { SHIPPED_CONFIG } from "../../src/sandbox/package-paths.js";
import { startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { runCli } from "../support/cli-run.js";
import { TEST_ROUTING } from "../support/funnel-harness.js";
import type { MappingProblem as LiveProblem } from "../../src/core/mapping-check.js";

const SHIPPED_QUALIFICATION = readFileSync(join(SHIPPED_CONFIG, "qualification.yaml"), "utf8");

/** The shipped qualification as an admin mistyped it: a required field, a fit rule's and a company condition's. */
function mistyped(text: string): string {
  const edited = text
    .replace("requiredForHandoff: [email, firstname, lastname, company]", "requiredForHandoff: [email, firstname, lastnam, company]")
    .replace("      field: jobtitle\n", "      field: jobtitel\n")
    .replace("{ of: company, field: numberofemployees, range:", "{ of: company, field: numberofemploye, range:");
  expect(edited).not.toBe(text);
  return edited;
}

async function validateLive(crm: "salesforce" | "hubspot", qualification: string) {
  const hubspot = await startHubspotEmulator();
  const salesforce = await startSalesforceEmulator();
  try {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-qualification-live-"));
    const config = join(dir, "leadloop.yaml");
    writeSandboxConfig(config, TEST_ROUTING, {
      hubspot: { url: hubspot.url, accessToken: hubspot.accessToken },
      salesforce,
      storePath: join(dir, "state.db"),
      crm,
    });
    const file = join(dir, "qualification.yaml");
    writeFileSync(file, qualification);
    writeFileSync(config, readFileSync(config, "utf8").replace(/^qualification: .*$/m, `qualification: ${file}`));
    const json = await runCli(["--log-level", "error", "validate", "--live", "--json", "--config", config]);
    const text = await runCli(["--log-level", "error", "validate", "--live", "--config", config]);
    const problems = (JSON.parse(json.stdout) as { problems: LiveProblem[] }).problems.filter((p) => p.source === file);
    return { file, code: json.code, textCode: text.code, text: text.stdout, problems };
  } finally {
    await hubspot.close();
    await salesforce.close();
  }
}

describe("validate --live: the qualification's property names against the portal's", () => {
  it("passes the shipped qualification: every property it reads is one the portal has", async () => {
    const { code, problems } = await validateLive("salesforce", SHIPPED_QUALIFICATION);
    expect(problems.filter((p) => p.side === "marketing")).toEqual([]);
    expect(code).toBe(0);
  });

  it.each(["salesforce", "hubspot"] as const)(
    "with %s as the CRM, names the file, the entry and the property of each misspelt name, with the nearest, and exits 2",
    async (crm) => {
      const { file, code, textCode, text, problems } = await validateLive(crm, mistyped(SHIPPED_QUALIFICATION));
      expect(code).toBe(2);
      expect(textCode).toBe(2);
      expect(problems.map((p) => [p.field, p.side, p.severity])).toEqual([
        ["fit[0].when.field", "marketing", "error"],
        ["fit[3].when.any[0].field", "marketing", "error"],
        ["requiredForHandoff[2]", "marketing", "error"],
      ]);
      const [title, company, required] = problems.map((p) => p.message);
      expect(title).toBe(
        "fit rule decision-maker-title reads contact property jobtitel, which the portal's contacts do not have (did you mean jobtitle?): it never matches anyone; fix the name",
      );
      expect(company).toContain("fit rule company-size-core reads company property numberofemploye, which the portal's companies do not have (did you mean numberofemployees?)");
      expect(required).toBe(
        "requiredForHandoff names contact property lastnam, which the portal's contacts do not have (did you mean lastname?): every MQL would lack it and no one would be handed off; fix the name",
      );
      expect(text).toContain(`${file}: error: requiredForHandoff[2] (marketing): requiredForHandoff names contact property lastnam`);
    },
  );
});
