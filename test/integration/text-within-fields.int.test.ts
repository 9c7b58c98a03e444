// Text leadloop cuts to a field's length (core/text/within.ts textWithin, ARCHITECTURE.md "Text cut to a
// field's length") is cut in UTF-16 units, as HubSpot's 65,536 and Salesforce's lengths count, at a whole
// character: never half an emoji (a lone surrogate a CRM refuses or stores as garbage), never past the limit.
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadQualification } from "../../src/config/qualification-file.js";
import { compileDefinition } from "../../src/core/scoring/compile.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { SHIPPED_CONFIG } from "../../src/sandbox/package-paths.js";
import { funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

/** A lone high or low surrogate: half a character. */
const HALF_CHARACTER = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe("text cut to a field's length, crm: salesforce", () => {
  let loop: LoopHarness;
  afterEach(async () => {
    await loop.close();
  });

  it("cuts a task Subject of 254 characters and an emoji before the emoji, with '…', not through it", async () => {
    // The pricing rule described at length in accented French: with ": " the subject's first 254 units.
    const description = "Consulté la page Tarifs – offre « Entreprise » ".repeat(6).slice(0, 252);
    expect(description.length).toBe(252);
    const shipped = readFileSync(`${SHIPPED_CONFIG}/qualification.yaml`, "utf8");
    const described = shipped.replace("    description: Visited the pricing page\n", `    description: "${description}"\n`);
    expect(described).not.toBe(shipped);
    const file = join(mkdtempSync(join(tmpdir(), "leadloop-within-")), "qualification.yaml");
    writeFileSync(file, described);

    loop = await startLoop();
    seedReps(loop);
    const anais = seedAnais(loop);
    recordActivity(loop.hubspot.data, {
      contactId: anais,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "🚀 Tarifs Entreprise" },
    });
    recordActivity(loop.hubspot.data, {
      contactId: anais,
      kind: "formSubmission",
      properties: { hs_form_id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05", hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo" },
    });
    const funnel = { ...funnelFor(loop, "salesforce"), qualification: compileDefinition(loadQualification(file)) };
    const run = await loop.sync({ funnel });
    expect(run.summary.handoffs).toBe(1);
    expect(Object.values(run.summary.errors).every((n) => n === 0)).toBe(true);

    const pricing = loop.salesforce.data.list("Task").map((t) => String(t.Subject)).find((s) => s.startsWith("Consulté la page Tarifs"))!;
    expect(pricing).toBeDefined();
    expect(pricing).not.toMatch(HALF_CHARACTER);
    expect(pricing.length).toBeLessThanOrEqual(255);
    expect(pricing).toBe(`${description}:…`);
  });

  it("cuts a rep's reason of emoji past HubSpot's 65,536 units to fit the contact's property", async () => {
    loop = await startLoop();
    seedReps(loop);
    // The org's admin made the reason a Long Text Area(131072), Salesforce's largest.
    loop.salesforce.data.deleteField("Lead", "Leadloop_Disposition_Reason__c");
    loop.salesforce.data.addField("Lead", { name: "Leadloop_Disposition_Reason__c", type: "textarea", length: 131_072, label: "Leadloop Disposition Reason" });
    const funnel = funnelFor(loop, "salesforce");
    const anais = seedAnais(loop);
    pricingAndDemo(loop, anais);
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(1);
    await tick();

    // 40,000 emoji: 40,000 characters as code points count them, 80,000 UTF-16 units as HubSpot does.
    const typed = `Pas de budget cette année 😞 ${"🙅".repeat(40_000)}`;
    const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === anais)!;
    loop.salesforce.data.update("Lead", String(lead.Id), { Status: "Closed - Not Converted", Leadloop_Disposition_Reason__c: typed });
    await tick();
    const run = await loop.sync({ funnel });
    expect(run.summary.dispositions.recycle).toBe(1);
    expect(Object.values(run.summary.errors).every((n) => n === 0)).toBe(true);

    const reason = loop.hubspot.data.getObject("contacts", anais)!.properties.leadloop_disposition_reason!;
    expect(reason.length).toBeLessThanOrEqual(65_536);
    expect(reason).not.toMatch(HALF_CHARACTER);
    expect(reason.startsWith("Pas de budget cette année 😞 🙅🙅")).toBe(true);
    expect(reason.endsWith("🙅…")).toBe(true);
  });
});
