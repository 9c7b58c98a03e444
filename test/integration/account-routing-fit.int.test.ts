// Routing by account owner and fit from the fields the definition names, through the engine against the
// emulators, with each CRM: a new MQL at a company whose account has an owner goes to that owner, not
// to the territory's rep, and `route --explain` says which account and how it was found; a VP whose
// HubSpot seniority is "vp" gets the shipped seniority rule's 10 fit points, a manager does not.
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, REPS, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

describe.each(["salesforce", "hubspot"] as const)("account owner and fit with crm: %s", (crm) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("hands a new lead at an owned account to its owner, explains it, and scores hs_seniority", async () => {
    const reps = seedReps(loop);
    const owner = reps.get(REPS.fallback.email)!;
    // The territory rule sends Germany to the EMEA queue (Hélène); the account belongs to Jordan.
    const company = loop.hubspot.data.createObject("companies", {
      name: "Nordwind Logistik GmbH",
      domain: "nordwind-logistik.de",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "850",
      country: "Germany",
      // In HubSpot as CRM the company is the account; with Salesforce, HubSpot's company owner is not
      // what routing reads (the Account's owner is), so it stays blank there.
      hubspot_owner_id: crm === "hubspot" ? owner.hubspot : null,
    });
    if (crm === "salesforce")
      loop.salesforce.data.insert("Account", {
        Name: "Nordwind Logistik",
        Website: "https://www.Nordwind-Logistik.de/",
        Type: "Prospect",
        OwnerId: owner.salesforce,
      });
    const person = (email: string, first: string, last: string, jobtitle: string, seniority: string) => {
      const contact = loop.hubspot.data.createObject("contacts", {
        email,
        firstname: first,
        lastname: last,
        jobtitle,
        hs_seniority: seniority,
        company: "Nordwind Logistik",
        country: "Deutschland",
      });
      loop.hubspot.data.associate("contacts", contact.id, "companies", company.id);
      return contact;
    };
    const lea = person("Lea.Schaefer@Nordwind-Logistik.DE", "Léa", "Schäfer", "VP Vertrieb", "vp");
    const jorg = person("j.bauer@nordwind-logistik.de", "Jörg", "Bauer", "VP Vertrieb", "manager");
    // No company on his contact: his account is found by his email's domain.
    const henrik = loop.hubspot.data.createObject("contacts", {
      email: "henrik.olsen@NORDWIND-LOGISTIK.de ",
      firstname: "Henrik",
      lastname: "Olsen",
      jobtitle: "Head of Logistics",
      hs_seniority: "director",
      company: "Nordwind",
      country: "DE",
    });
    const funnel = funnelFor(loop, crm);
    const sync = () =>
      loop.sync(crm === "salesforce" ? { funnel } : { funnel, mappings: [], crm: loop.hubspotAdapter });

    pricingAndDemo(loop, lea.id);
    pricingAndDemo(loop, jorg.id);
    pricingAndDemo(loop, henrik.id);
    const run = await sync();
    expect(run.summary.handoffs).toBe(3);

    const props = (id: string) => loop.hubspot.data.getObject("contacts", id)!.properties;
    // decision-maker title 20, seniority 10, 50–5,000 employees 15, software 10, served market 5.
    expect(props(lea.id).leadloop_fit_score).toBe("60");
    expect(props(jorg.id).leadloop_fit_score).toBe("50");
    for (const id of [lea.id, jorg.id, henrik.id]) expect(props(id).hubspot_owner_id).toBe(owner.hubspot);

    const explanation = "is owned by jordan.miller@leadloop-demo.com → rep jordan.miller@leadloop-demo.com";
    const routedBy = (contactId: string): string => {
      if (crm === "hubspot")
        return loop.hubspot.data
          .associationsOf("contacts", contactId, "tasks")
          .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties.hs_task_body ?? "")
          .join("\n");
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === contactId)!;
      expect(lead.OwnerId).toBe(owner.salesforce);
      const alert = loop.salesforce.data
        .list("Task")
        .find((t) => String(t.Subject).startsWith("New MQL") && t.WhoId === lead.Id)!;
      return String(alert.Description);
    };
    // With Salesforce the company sync linked the company to the Account by its domain.
    expect(routedBy(lea.id)).toContain(
      crm === "salesforce"
        ? `Routed by account-owner: the account Nordwind Logistik (linked to the HubSpot company) ${explanation}`
        : // HubSpot's task notes are HTML: the apostrophe is escaped there.
          `Routed by account-owner: the account Nordwind Logistik GmbH (the contact&#39;s company) ${explanation}`,
    );
    expect(routedBy(henrik.id)).toContain(
      `Routed by account-owner: the account Nordwind Logistik${crm === "hubspot" ? " GmbH" : ""} (email domain nordwind-logistik.de) ${explanation}`,
    );
    // `route --explain` finds the same account the same way.
    const configPath = loopConfig(loop, crm);
    const routed = await runCli(["route", "--explain", "-c", configPath, " LEA.schaefer@nordwind-logistik.de"]);
    expect(routed.stderr).toBe("");
    expect(routed.code).toBe(0);
    expect(routed.stdout).toContain("lea.schaefer@nordwind-logistik.de: rep jordan.miller@leadloop-demo.com by account-owner");
    expect(routed.stdout).toContain("✔ account-owner — accounts already owned keep their owner: the account Nordwind Logistik");
    expect(routed.stdout).toContain(explanation);
    expect(routed.stdout).not.toContain("the account has no owner");
  });
});
