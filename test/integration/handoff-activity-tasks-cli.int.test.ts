// README's `sync:` section: a handoff creates a completed task for each thing the person did that scored,
// repeats of one page, form or email being one task that counts them, the ten newest; its description says
// when, "(3 times since …)". Through `leadloop sync` against the sandbox's Salesforce.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const DAY = 86_400_000;
const NEWSLETTERS = [
  "Janvier : nouveautés produit",
  "Février : études de cas",
  "Mars : le guide RevOps",
  "Avril : webinaire Été 2026",
  "Mai : tarifs 2026",
  "Juin : intégrations Salesforce",
  "Juillet : témoignages clients",
  "Août : bonnes pratiques SLA",
  "Septembre : rapport annuel",
  "Octobre : feuille de route",
  "Novembre : invitation salon",
];

describe("the completed tasks a handoff writes for what the person did", () => {
  let world: SandboxWorld;
  let personId: string;
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY);

  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 37, now: new Date(), contacts: 0, companies: 1, reps: 6 }), "activity-tasks");
    const company = world.hubspot.data.createObject("companies", { name: "Atelier Lumière", domain: "atelier-lumiere.fr", numberofemployees: "210", country: "France" });
    personId = world.hubspot.data.createObject("contacts", {
      email: "Mathilde.Rousseau@Atelier-Lumiere.fr",
      firstname: "Mathilde",
      lastname: "Rousseau",
      jobtitle: "Directrice Commerciale",
      company: "Atelier Lumière",
      country: "France",
    }).id;
    world.hubspot.data.associate("contacts", personId, "companies", company.id);
    // Eleven newsletters clicked, one a day, the oldest 40 days ago.
    NEWSLETTERS.forEach((subject, i) => {
      recordActivity(world.hubspot.data, {
        contactId: personId,
        kind: "emailClick",
        occurredAt: at(40 - i),
        properties: { hs_email_subject: subject, hs_link_href: "https://www.leadloop-demo.com/blog" },
      });
    });
    // The pricing page three times, its title in the case each visit's page gave it.
    for (const [daysAgo, title] of [[9, "Pricing"], [5, "PRICING"], [2, "Pricing"]] as const) {
      recordActivity(world.hubspot.data, {
        contactId: personId,
        kind: "pageView",
        occurredAt: at(daysAgo),
        properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: title },
      });
    }
    recordActivity(world.hubspot.data, {
      contactId: personId,
      kind: "formSubmission",
      occurredAt: at(1),
      properties: { hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo" },
    });
    const sync = await runCli(["sync", "--json", "-c", world.configPath]);
    expect([0, 4]).toContain(sync.code);
    expect((JSON.parse(sync.stdout) as { handoffs: number }).handoffs).toBe(1);
  }, 120_000);
  afterAll(async () => {
    await world.close();
  });

  it("writes one task for the three pricing visits, saying so, and the ten newest things in all", () => {
    const lead = world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
    expect(lead).toBeDefined();
    const done = world.salesforce.data.list("Task").filter((t) => t.WhoId === lead.Id && t.Status === "Completed");
    const subjects = done.map((t) => String(t.Subject));

    const firstVisit = at(9).toISOString().slice(0, 10);
    const pricing = done.filter((t) => String(t.Subject).startsWith("Visited the pricing page"));
    expect(pricing.map((t) => t.Subject)).toEqual([`Visited the pricing page: Pricing (3 times since ${firstVisit})`]);
    expect(String(pricing[0]!.Description)).toMatch(new RegExp(`^When: .* UTC \\(3 times since ${firstVisit}\\)$`, "m"));

    // Ten in all: the demo, the pricing page and the eight newest newsletters; the three oldest left out.
    expect(done).toHaveLength(10);
    expect(subjects).toContain("Requested a demo: Request a demo");
    const clicked = subjects.filter((s) => s.startsWith("Clicked a link in an email: ")).map((s) => s.slice("Clicked a link in an email: ".length));
    expect(clicked.sort()).toEqual(NEWSLETTERS.slice(3).sort());
  });
});
