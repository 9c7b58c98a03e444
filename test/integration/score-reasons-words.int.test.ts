// The score reasons a rep reads on the Lead (Leadloop_Reasons__c) and a marketer on the HubSpot contact
// (leadloop_reasons) are in the qualification file's words and plain ones ("2 form submissions"), not the
// events' names (form_submission), one line per reason however long or accented the admin's description,
// and within the fields' lengths.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadQualification } from "../../src/config/qualification-file.js";
import { compileDefinition } from "../../src/core/scoring/compile.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { SHIPPED_CONFIG } from "../../src/sandbox/package-paths.js";
import { funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

/** An admin's description of the demo rule, in French, pasted from the sales playbook: long, on two lines. */
const PLAYBOOK =
  "A demandé une démonstration (formulaire « Demander une démo », « Parler à un expert » ou « Contactez-nous ») – " +
  "priorité absolue pour l'équipe commerciale, à rappeler dans l'heure ; voir la procédure de qualification " +
  "BANT décrite dans le guide d'accueil des commerciaux, section 3.2, et noter le résultat de l'appel. ".repeat(8);

function qualificationWithPlaybook(): string {
  const shipped = readFileSync(`${SHIPPED_CONFIG}/qualification.yaml`, "utf8");
  const described = shipped.replace(
    "    description: Requested a demo\n",
    `    description: >-\n      ${PLAYBOOK.slice(0, 300)}\n      ${PLAYBOOK.slice(300)}\n`,
  );
  expect(described).not.toBe(shipped);
  const file = join(mkdtempSync(join(tmpdir(), "leadloop-reasons-")), "qualification.yaml");
  writeFileSync(file, described);
  return file;
}

describe.each(["salesforce", "hubspot"] as const)("score reasons in words, crm: %s", (crm) => {
  let loop: LoopHarness;
  afterEach(async () => {
    await loop.close();
  });

  const reasonsOnRecords = (personId: string): string[] => {
    const contact = loop.hubspot.data.getObject("contacts", personId)!.properties.leadloop_reasons!;
    if (crm === "hubspot") return [contact];
    const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
    return [contact, String(lead.Leadloop_Reasons__c)];
  };

  it("names each behaviour in the file's and plain words, counted, on the Lead and the contact", async () => {
    loop = await startLoop();
    seedReps(loop);
    const anais = seedAnais(loop);
    pricingAndDemo(loop, anais);
    // She asked again the next day, from the "talk to sales" form.
    recordActivity(loop.hubspot.data, {
      contactId: anais,
      kind: "formSubmission",
      properties: { hs_form_id: "5c1e0f3a-2b7d-4c19-9e84-6f0a1d2b3c4e", hs_title: "Talk to sales", hs_url: "https://www.leadloop-demo.com/contact" },
    });
    const run = await loop.sync({ funnel: funnelFor(loop, crm), ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
    expect(run.summary.handoffs).toBe(1);
    for (const reasons of reasonsOnRecords(anais)) {
      expect(reasons).toMatch(/^\+[\d.]+ Requested a demo: 2 form submissions, latest \d{4}-\d{2}-\d{2}/m);
      expect(reasons).toMatch(/^\+[\d.]+ Visited the pricing page: 1 page view, latest \d{4}-\d{2}-\d{2}/m);
      expect(reasons).not.toMatch(/form_submission|page_view|×/);
    }
  });

  it("keeps a long accented description to one line a field holds, cut at a whole character", async () => {
    loop = await startLoop();
    seedReps(loop);
    const anais = seedAnais(loop);
    pricingAndDemo(loop, anais);
    const funnel = { ...funnelFor(loop, crm), qualification: compileDefinition(loadQualification(qualificationWithPlaybook())) };
    const run = await loop.sync({ funnel, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
    expect(run.summary.handoffs).toBe(1);
    expect(Object.values(run.summary.errors).every((n) => n === 0)).toBe(true);
    for (const reasons of reasonsOnRecords(anais)) {
      const lines = reasons.split("\n");
      const demo = lines.find((l) => l.includes("A demandé une démonstration"))!;
      // One line, within what the field and the task's "Why:" hold, ended as cut; the other reasons follow it.
      expect(demo).toMatch(/^\+40 A demandé une démonstration \(formulaire « Demander une démo », .*…$/);
      expect(demo.length).toBeLessThanOrEqual(1_000);
      expect(lines.some((l) => l.startsWith("+") && l.includes("Visited the pricing page: 1 page view"))).toBe(true);
      expect(reasons.length).toBeLessThanOrEqual(32_768);
    }
  });
});
