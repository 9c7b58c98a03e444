// The funnel story: a dozen people followed through every path of the funnel by `leadloop sync` runs,
// in both CRM modes, with reps working their leads between runs and the clock jumped (not slept) over
// follow-up deadlines and cool-downs. Each step checks what the rep sees in the CRM and what the
// marketer sees on the HubSpot contact.
import { behaviour, DAY, HOUR, openStoryWorld, TEAM, type CrmMode, type StoryWorld, type SyncSummary } from "./story-world.js";
import { crmView, marketingView, repFor, type Rep } from "./story-people.js";


interface Person {
  key: string;
  id: string;
  email: string;
}

describe.each(["salesforce", "hubspot"] as CrmMode[])("the funnel story with crm: %s", (crm) => {
  let world: StoryWorld;
  let rep: Rep;
  const people: Record<string, Person> = {};
  const companies: Record<string, string> = {};
  const runs: SyncSummary[] = [];
  const sync = async () => {
    const summary = await world.sync();
    runs.push(summary);
    return summary;
  };
  const contact = (key: string) => marketingView(world, people[key]!.id);
  const crmOf = (key: string) => crmView(world, people[key]!);

  beforeAll(async () => {
    world = await openStoryWorld(crm);
    rep = repFor(world);
    const company = (key: string, props: Record<string, string>) => {
      companies[key] = world.hubspot.data.createObject("companies", props).id;
    };
    company("acme", {
      name: "Acme Industrie",
      domain: "acme-industrie.fr",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "250",
      country: "France",
    });
    company("nordlicht", {
      name: "Nordlicht Software GmbH",
      domain: "nordlicht-software.de",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "800",
      country: "Germany",
    });
    company("brightwave", {
      name: "Brightwave Analytics",
      domain: "brightwave.io",
      industry: "INFORMATION_TECHNOLOGY_AND_SERVICES",
      numberofemployees: "120",
      country: "United States",
    });
    company("rival", { name: "RivalCRM", domain: "rivalcrm.com", numberofemployees: "300", country: "United States" });
    const person = (key: string, at: string, props: Record<string, string>) => {
      const created = world.hubspot.data.createObject("contacts", {
        hs_analytics_source: "ORGANIC_SEARCH",
        hs_analytics_source_data_1: "closed loop reporting",
        ...props,
      });
      world.hubspot.data.associate("contacts", created.id, "companies", companies[at]!);
      people[key] = { key, id: created.id, email: props.email!.toLowerCase() };
    };
    const acme = { company: "Acme Industrie", country: "France" };
    const nordlicht = { company: "Nordlicht Software GmbH", country: "Germany" };
    const brightwave = { company: "Brightwave Analytics", country: "United States" };
    person("amelie", "acme", { email: "amelie.laurent@acme-industrie.fr", firstname: "Amélie", lastname: "Laurent", jobtitle: "VP Marketing", ...acme });
    person("chloe", "acme", { email: "Chloe.Garnier@Acme-Industrie.fr", firstname: "Chloé", lastname: "Garnier", jobtitle: "Directrice Commerciale", ...acme });
    person("ines", "acme", { email: "ines.moreau@acme-industrie.fr", firstname: "Inès", lastname: "Moreau", jobtitle: "Head of Revenue Operations", ...acme });
    person("dmitri", "nordlicht", { email: "DMITRI.VOLKOV@nordlicht-software.de", firstname: "Dmitri", lastname: "Volkov", jobtitle: "Head of Sales", ...nordlicht });
    person("eva", "nordlicht", { email: "eva.novak@nordlicht-software.de", firstname: "Eva", lastname: "Novák", jobtitle: "Director of Growth", ...nordlicht });
    person("jonas", "nordlicht", { email: "j.weber@nordlicht-software.de", lastname: "Weber", jobtitle: "Head of Marketing", ...nordlicht });
    person("bjorn", "brightwave", { email: "bjorn.sorensen@brightwave.io", firstname: "Björn", lastname: "Sørensen", jobtitle: "VP Sales", ...brightwave });
    person("farid", "brightwave", { email: "farid.haddad@brightwave.io", firstname: "Farid", lastname: "Haddad", jobtitle: "Chief Revenue Officer", ...brightwave });
    person("greta", "brightwave", { email: "greta.lindqvist@brightwave.io", firstname: "Greta", lastname: "Lindqvist", jobtitle: "VP Marketing", ...brightwave });
    person("lucia", "brightwave", { email: "lucia.fernandez@brightwave.io", firstname: "Lucía", lastname: "Fernández", jobtitle: "Director, Demand Gen", ...brightwave });
    person("hiro", "brightwave", { email: "hiro.tanaka@brightwave.io", firstname: "Hiro", lastname: "Tanaka", jobtitle: "Sales Operations Analyst", ...brightwave });
    person("kofi", "rival", { email: "kofi.mensah@rivalcrm.com", firstname: "Kofi", lastname: "Mensah", jobtitle: "VP Marketing", company: "RivalCRM", country: "United States" });
    for (const key of ["amelie", "chloe", "ines", "dmitri", "eva", "jonas", "bjorn", "farid", "greta", "lucia", "kofi"]) {
      behaviour.pricing(world, people[key]!.id);
      behaviour.demoRequest(world, people[key]!.id);
    }
    behaviour.blogVisit(world, people.hiro!.id);
  });
  afterAll(async () => {
    await world.close();
  });

  const handedOff = ["amelie", "chloe", "ines", "dmitri", "eva", "bjorn", "farid", "greta", "lucia"];

  it("first run: every qualified person is an MQL, routed by territory and handed off with their history", async () => {
    const run = await sync();
    expect(run.handoffs).toBe(handedOff.length);
    const owners: Record<string, keyof StoryWorld["ids"]> = {
      amelie: "emea", chloe: "emea", ines: "emea", dmitri: "dach", eva: "dach", bjorn: "fallback", farid: "fallback", greta: "fallback", lucia: "fallback",
    };
    for (const key of handedOff) {
      const seen = contact(key);
      expect({ key, stage: seen.lifecyclestage, status: seen.leadloop_status, owner: seen.hubspot_owner_id }).toEqual({
        key, stage: "marketingqualifiedlead", status: "mql", owner: world.ids[owners[key]!].hubspot,
      });
      const record = crmOf(key);
      expect(record.ownerId).toBe(world.ids[owners[key]!][crm]);
      expect(record.score).toBeGreaterThanOrEqual(60);
      expect(record.reasons).toContain("Requested a demo");
      expect(record.activitySummary).toContain("Pricing");
      const alert = record.tasks.find((t) => t.subject.startsWith("New MQL"));
      // The follow-up is due 4 hours after the handoff, to the hour.
      expect(alert).toBeDefined();
      expect(Math.abs(Date.parse(alert!.dueAt!) - (world.now().getTime() + 4 * HOUR))).toBeLessThan(10 * 60_000);
    }
    // Near-qualified (no first name) and the competitor are not handed off.
    expect(contact("jonas").leadloop_near_qualified).toBe("firstname");
    expect(crmView(world, people.jonas!).exists).toBe(crm === "hubspot");
    expect(contact("kofi").leadloop_status).not.toBe("mql");
    expect(crmView(world, people.kofi!).exists).toBe(crm === "hubspot");
    // Their companies reach the CRM under the default `include: mql`, linked both ways.
    if (crm === "salesforce") {
      const acme = world.salesforce.data.list("Account").find((a) => a.HubSpot_Company_Id__c === companies.acme);
      expect(acme?.Name).toBe("Acme Industrie");
      expect(world.hubspot.data.getObject("companies", companies.acme!)?.properties.leadloop_crm_id).toBe(acme?.Id);
    }
  }, 120_000);

  it("reps work their leads: converted, recycled, trashed, unreachable, working, a logged call, a rep's own lead", async () => {
    world.jump(1 * HOUR);
    rep.convert(people.amelie!, "Acme Industrie – Plateforme");
    rep.convert(people.bjorn!, "Brightwave – Team plan");
    rep.setStatus(people.chloe!, "recycle");
    rep.setStatus(people.dmitri!, "trash");
    rep.setStatus(people.eva!, "unreachable");
    rep.setStatus(people.lucia!, "working");
    rep.logCall(people.farid!, "Great call, sending a proposal.");
    const ownLead = rep.ownLead(people.hiro!);
    // A marketer opens a deal for Inès on the HubSpot side.
    const deal = world.hubspot.data.createObject("deals", {
      dealname: "Acme Industrie – Extension",
      dealstage: "appointmentscheduled",
      pipeline: "default",
      amount: "12000",
      // HubSpot's deal form fills a close date in; Salesforce requires one on an Opportunity.
      closedate: new Date(world.now().getTime() + 60 * DAY).toISOString(),
    });
    world.hubspot.data.associate("deals", deal.id, "contacts", people.ines!.id);
    world.hubspot.data.associate("deals", deal.id, "companies", companies.acme!);

    const run = await sync();
    expect(run.handoffs).toBe(0);
    expect(run.dispositions).toEqual({ qualified: 2, recycle: 1, trash: 1, unreachable: 1, working: 1 });
    expect(run.conversions).toBe(2);

    // Conversion: the marketer sees an opportunity, linked to a deal on the contact and the company.
    expect(contact("amelie")).toMatchObject({ lifecyclestage: "opportunity", leadloop_status: "opportunity" });
    const amelieDeal = dealOf(world, people.amelie!.id);
    expect(amelieDeal).toBeDefined();
    expect(world.hubspot.data.associationsOf("deals", amelieDeal!.id, "companies").map((a) => a.toId)).toContain(companies.acme);
    if (crm === "salesforce") {
      const converted = world.salesforce.data.list("Contact").find((c) => String(c.Email) === people.amelie!.email)!;
      expect(converted.HubSpot_Contact_Id__c).toBe(people.amelie!.id);
      const opp = world.salesforce.data.list("Opportunity").find((o) => o.HubSpot_Deal_Id__c === amelieDeal!.id);
      expect(opp?.AccountId).toBe(converted.AccountId);
    }

    // Recycle goes back to nurture in HubSpot (a backward lifecycle move that sticks), with the reason.
    expect(contact("chloe")).toMatchObject({ lifecyclestage: "lead", leadloop_status: "recycled", hs_lead_status: "BAD_TIMING" });
    expect(contact("chloe").leadloop_disposition_reason).toBeTruthy();
    expect(contact("chloe").leadloop_disposition_date).toBeTruthy();
    expect(contact("dmitri")).toMatchObject({ lifecyclestage: "other", leadloop_status: "trash", hs_lead_status: "UNQUALIFIED" });
    expect(contact("eva")).toMatchObject({ leadloop_status: "unreachable", hs_lead_status: "ATTEMPTED_TO_CONTACT" });
    // Working is a touch, not a verdict.
    expect(contact("lucia")).toMatchObject({ leadloop_status: "mql", hs_lead_status: "IN_PROGRESS" });

    // The rep's own lead is linked to the person marketing knows, and shows their interest; it keeps its owner.
    if (ownLead) {
      const lead = world.salesforce.data.get("Lead", ownLead)!;
      expect(lead.HubSpot_Contact_Id__c).toBe(people.hiro!.id);
      expect(String(lead.Leadloop_Activity_Summary__c)).toContain("Closing the loop");
      expect(lead.OwnerId).toBe(world.ids.fallback.salesforce);
    }

    // The deal marketing opened reaches the CRM with its company and contact.
    if (crm === "salesforce") {
      const opp = world.salesforce.data.list("Opportunity").find((o) => o.HubSpot_Deal_Id__c === deal.id);
      expect(opp).toMatchObject({ Name: "Acme Industrie – Extension", Amount: 12000 });
      const account = world.salesforce.data.list("Account").find((a) => a.HubSpot_Company_Id__c === companies.acme);
      expect(opp?.AccountId).toBe(account?.Id);
    }
  }, 120_000);

  it("the follow-up SLA: touched leads meet it, an untouched one breaches once with an alert", async () => {
    world.jump(5 * HOUR);
    const run = await sync();
    expect(run.slaBreaches).toBeGreaterThanOrEqual(1);
    const sla = await world.cli("sla", "--json");
    expect(sla.code).toBe(0);
    const board = JSON.parse(sla.stdout) as { clocks: { email: string; breachedAt: string | null; touches: number }[] };
    const clockOf = (key: string) => board.clocks.find((c) => c.email.toLowerCase() === people[key]!.email);
    expect(clockOf("greta")?.breachedAt).toBeTruthy();
    expect(clockOf("farid")).toMatchObject({ breachedAt: null });
    expect(clockOf("farid")!.touches).toBeGreaterThanOrEqual(1);
    expect(clockOf("lucia")).toMatchObject({ breachedAt: null });
    // The breach alert is a task on Greta's record, once.
    const alerts = crmOf("greta").tasks.filter((t) => /SLA|overdue|breach/i.test(t.subject));
    expect(alerts).toHaveLength(1);
    const again = await sync();
    expect(again.slaBreaches ?? 0).toBe(0);
    expect(crmOf("greta").tasks.filter((t) => /SLA|overdue|breach/i.test(t.subject))).toHaveLength(1);
  }, 120_000);

  it("outcomes: a won opportunity makes a customer with the revenue in HubSpot; a lost one is lost", async () => {
    world.jump(2 * DAY);
    rep.closeOpportunity(people.amelie!, "won", 48_000);
    rep.closeOpportunity(people.bjorn!, "lost");
    // The trashed person comes back to the pricing page and asks for a demo again: not handed off.
    behaviour.pricing(world, people.dmitri!.id);
    behaviour.demoRequest(world, people.dmitri!.id);
    // The recycled one reads pricing within the cool-down: new behaviour qualifies her again, but she is
    // held from sales until the cool-down ends.
    behaviour.pricing(world, people.chloe!.id);
    const chloeTasks = crmOf("chloe").tasks.length;
    const run = await sync();
    expect(run.outcomes).toEqual({ won: 1, lost: 1 });
    expect(run.handoffs).toBe(0);
    expect(contact("amelie")).toMatchObject({ lifecyclestage: "customer", leadloop_status: "won" });
    const wonDeal = dealOf(world, people.amelie!.id)!;
    expect(wonDeal.properties).toMatchObject({ dealstage: "closedwon" });
    expect(Number(wonDeal.properties.amount)).toBe(48_000);
    expect(contact("bjorn").leadloop_status).toBe("lost");
    expect(contact("dmitri").leadloop_status).toBe("trash");
    // The marketer sees the rep's verdict still, not a fresh MQL nobody was told about.
    expect(contact("chloe")).toMatchObject({ lifecyclestage: "lead", leadloop_status: "recycled", hs_lead_status: "BAD_TIMING" });
    expect(crmOf("chloe").tasks).toHaveLength(chloeTasks);
    // Not Hélène's lead (she recycled her): `hot` shows Chloé held, with no owner, until the cool-down ends.
    const heleneHot = JSON.parse((await world.cli("hot", "--owner", TEAM.emea.email, "--json")).stdout) as { email: string }[];
    expect(heleneHot.map((r) => r.email.toLowerCase())).not.toContain(people.chloe!.email);
    const allHot = JSON.parse((await world.cli("hot", "--json")).stdout) as { email: string; stage: string; ownerEmail: string | null; heldUntil?: string }[];
    const chloeHot = allHot.find((r) => r.email.toLowerCase() === people.chloe!.email);
    expect(chloeHot).toMatchObject({ stage: "held", ownerEmail: null });
    const recycledAt = world.storeRows<{ at: string }>(
      "SELECT at FROM funnel_events WHERE person_id = ? AND to_stage = 'recycled'",
      people.chloe!.id,
    )[0]!.at;
    expect(chloeHot!.heldUntil).toBe(new Date(Date.parse(recycledAt) + 30 * DAY).toISOString());
    const hotText = (await world.cli("hot")).stdout;
    expect(hotText).toMatch(new RegExp(`held .*Chloé Garnier +owner: \\(none: held by the cool-down until \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\)`, "i"));
    const explained = await world.cli("explain", "Chloe.Garnier@Acme-Industrie.fr");
    expect(explained.stdout).toContain("no owner: held by the cool-down until");
    expect(explained.stdout).toContain("held from sales: qualified again within the cool-down");
    expect(explained.stdout).not.toContain(`owner ${TEAM.emea.email}`);
    // The won event carries the amount, the source and the campaign.
    const won = world.storeRows<{ amount: number | null; source: string | null; campaign: string | null }>(
      "SELECT amount, source, campaign FROM funnel_events WHERE person_id = ? AND to_stage = 'won'",
      people.amelie!.id,
    );
    expect(won).toEqual([{ amount: 48_000, source: "ORGANIC_SEARCH", campaign: "closed loop reporting" }]);
  }, 120_000);

  it("after the cool-down, new behaviour qualifies the recycled person again: a second handoff", async () => {
    world.jump(31 * DAY);
    behaviour.pricing(world, people.chloe!.id);
    behaviour.demoRequest(world, people.chloe!.id);
    const run = await sync();
    expect(run.handoffs).toBe(1);
    // The lead is open again for the rep, and the marketer sees it open too.
    expect(contact("chloe")).toMatchObject({ lifecyclestage: "marketingqualifiedlead", leadloop_status: "mql", hs_lead_status: "NEW" });
    // Hélène has her back, as a lead of her own again.
    const heleneHot = JSON.parse((await world.cli("hot", "--owner", TEAM.emea.email, "--json")).stdout) as { email: string; stage: string }[];
    expect(heleneHot.find((r) => r.email.toLowerCase() === people.chloe!.email)).toMatchObject({ stage: "mql" });
    expect(crmOf("chloe").tasks.filter((t) => t.subject.startsWith("New MQL"))).toHaveLength(2);
    const stages = world
      .storeRows<{ to_stage: string }>("SELECT to_stage FROM funnel_events WHERE person_id = ? ORDER BY at, id", people.chloe!.id)
      .map((r) => r.to_stage);
    expect(stages).toEqual(["mql", "recycled", "mql"]);
  }, 120_000);

  it("an idle run writes nothing and moves nobody: no loop", async () => {
    world.jump(10 * 60_000);
    const events = world.storeRows<{ n: number }>("SELECT count(*) AS n FROM funnel_events")[0]!.n;
    const run = await sync();
    expect({ handoffs: run.handoffs, updated: nonZero(run.updated), created: nonZero(run.created) }).toEqual({
      handoffs: 0,
      updated: {},
      created: {},
    });
    expect(world.storeRows<{ n: number }>("SELECT count(*) AS n FROM funnel_events")[0]!.n).toBe(events);
    const errors = await world.cli("errors", "list", "--json");
    expect(JSON.parse(errors.stdout)).toEqual([]);
  }, 120_000);
});

function dealOf(world: StoryWorld, contactId: string) {
  const ids = world.hubspot.data.associationsOf("contacts", contactId, "deals").map((a) => a.toId);
  return ids.map((id) => world.hubspot.data.getObject("deals", id)!).find((d) => d !== undefined);
}

function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}
