// A handoff's task bodies as each CRM shows them: HubSpot's task notes (hs_task_body) are rich text, so
// the body is HTML, a paragraph per block and <br> per line, with every value people typed escaped;
// Salesforce's Task.Description is plain text and keeps its line breaks.
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { funnelFor, seedAnais, seedReps, seedSgiCompany } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

/** Anaïs O'Brien-Bérenger reads a page whose title a marketer typed with "&" and angle brackets, then asks for a demo. */
function seedProspect(loop: LoopHarness): string {
  const personId = seedAnais(loop, { lastname: "O'Brien-Bérenger" });
  loop.hubspot.data.associate("contacts", personId, "companies", seedSgiCompany(loop));
  recordActivity(loop.hubspot.data, {
    contactId: personId,
    kind: "pageView",
    properties: { hs_url: "https://www.leadloop-demo.com/pricing?plan=pro&lang=fr", hs_title: "Tarifs & devis <Entreprise>" },
  });
  recordActivity(loop.hubspot.data, {
    contactId: personId,
    kind: "formSubmission",
    properties: { hs_form_id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05", hs_title: "Réserver une demo", hs_url: "https://www.leadloop-demo.com/demo" },
  });
  return personId;
}

const WHEN = String.raw`When: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC`;

describe("handoff task bodies", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
    seedReps(loop);
  });
  afterEach(async () => {
    await loop.close();
  });

  it("with HubSpot as the CRM: escaped HTML, a <p> per block and a <br> per line", async () => {
    const personId = seedProspect(loop);
    const result = await loop.sync({ funnel: funnelFor(loop, "hubspot"), mappings: [], crm: loop.hubspotAdapter });
    expect(result.summary.handoffs).toBe(1);
    const tasks = loop.hubspot.data
      .associationsOf("contacts", personId, "tasks")
      .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties);
    const bodyOf = (subject: string) => tasks.find((t) => t.hs_task_subject?.startsWith(subject))?.hs_task_body ?? "";

    const page = bodyOf("Visited the pricing page");
    expect(page).toMatch(
      new RegExp(`^<p>Page: Tarifs &amp; devis &lt;Entreprise&gt;<br>Address: https://www\\.leadloop-demo\\.com/pricing\\?plan=pro&amp;lang=fr<br>${WHEN}</p>$`),
    );
    expect(bodyOf("Requested a demo")).toMatch(new RegExp(`^<p>Form: Réserver une demo<br>Address: https://www\\.leadloop-demo\\.com/demo<br>${WHEN}</p>$`));

    const alert = bodyOf("New MQL");
    expect(alert).toMatch(/^<p>Anaïs O&#39;Brien-Bérenger qualified with \d+ points \(fit \d+, behaviour \d+\)\.<\/p><p>Why:<br>.+<\/p><p>Routed by .+<\/p>$/);
    // Each reason on a line of its own, and no bare line break left for HubSpot to collapse.
    expect(alert.split("<br>").length).toBeGreaterThan(2);
    for (const t of tasks) expect(t.hs_task_body).not.toContain("\n");
  });

  it("with Salesforce: the Task's Description stays plain text with its line breaks", async () => {
    const personId = seedProspect(loop);
    expect((await loop.sync({ funnel: funnelFor(loop, "salesforce") })).summary.handoffs).toBe(1);
    const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
    const tasks = loop.salesforce.data.list("Task").filter((t) => t.WhoId === lead.Id);
    const bodyOf = (subject: string) => String(tasks.find((t) => String(t.Subject).startsWith(subject))?.Description);
    expect(bodyOf("Visited the pricing page")).toMatch(
      new RegExp(`^Page: Tarifs & devis <Entreprise>\nAddress: https://www\\.leadloop-demo\\.com/pricing\\?plan=pro&lang=fr\n${WHEN}$`),
    );
    expect(bodyOf("New MQL")).toMatch(/^Anaïs O'Brien-Bérenger qualified with \d+ points .*\n\nWhy:\n/);
  });
});
