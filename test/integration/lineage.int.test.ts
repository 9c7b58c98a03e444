// Lineage end to end against the emulators: a handed-off MQL whose Lead a rep converts moves to
// opportunity in HubSpot, the new Account meets the person's company, the Opportunity becomes a deal
// associated with both, and the Opportunity's outcome (won with its amount, lost) comes back to the deal
// and the contact; with HubSpot as CRM a deal closing won makes its contact a customer; and a company
// and a deal made in HubSpot for an MQL reach Salesforce with their associations.
import { exitFor } from "../../src/cli/exit-codes.js";
import { buildFunnelReport } from "../../src/report/build.js";
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

let loop: LoopHarness;
beforeEach(async () => {
  loop = await startLoop();
  seedReps(loop);
});
afterEach(async () => {
  await loop.close();
});

/** The funnel report's won count and revenue over everything the store recorded. */
async function revenue(): Promise<{ won: number; revenue: number }> {
  const { won, revenue } = await buildFunnelReport(loop.store, { since: "2000-01-01" }, new Date(Date.now() + 60_000));
  return { won, revenue };
}

const hs = () => loop.hubspot.data;
const sf = () => loop.salesforce.data;
const contact = (id: string) => hs().getObject("contacts", id)!.properties;
const leadOf = (hubspotId: string) => sf().list("Lead").find((l) => l.HubSpot_Contact_Id__c === hubspotId)!;
const associated = (from: "contacts" | "deals" | "companies", id: string, to: "contacts" | "deals" | "companies") =>
  hs()
    .associationsOf(from, id, to)
    .map((a) => a.toId);

/** A prospect at a company HubSpot knows; `associate: false` leaves the contact without its company. */
function prospect(input: {
  email: string;
  firstname: string;
  lastname: string;
  company: { name: string; domain: string };
  source: string;
  campaign: string;
  associate?: boolean;
}) {
  const company = hs().createObject("companies", {
    name: input.company.name,
    domain: input.company.domain,
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "420",
    country: "France",
  });
  const person = hs().createObject("contacts", {
    email: input.email,
    firstname: input.firstname,
    lastname: input.lastname,
    jobtitle: "Directrice des Opérations",
    company: input.company.name,
    country: "France",
    hs_analytics_source: input.source,
    hs_analytics_source_data_1: input.campaign,
  });
  if (input.associate !== false) hs().associate("contacts", person.id, "companies", company.id);
  return { company, person };
}

/** A run with Salesforce as the CRM. */
const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });

/** A prospect who qualifies on the second run and is handed off to a Lead; `handoff` is that run. */
async function handedOff(input: Parameters<typeof prospect>[0]) {
  const { person } = prospect(input);
  await sync();
  await tick();
  pricingAndDemo(loop, person.id);
  const handoff = await sync();
  return { person, leadId: leadOf(person.id).Id as string, handoff };
}

/** A prospect whose Lead a rep converts in the kept-read tests. */
const AOIFE = {
  email: "aoife.ni.bhriain@Cnoc-Ceirde.ie",
  firstname: "Aoife",
  lastname: "Ní Bhriain",
  company: { name: "Cnoc Céirde Teoranta", domain: "cnoc-ceirde.ie" },
  source: "ORGANIC_SEARCH",
  campaign: "",
};

describe("lineage with Salesforce as CRM", () => {

  it("follows a conversion to opportunity, links Account and deal, and brings Closed Won and Closed Lost back", async () => {
    // Élodie's company is associated with her; Iñigo's only shares his email domain (mixed case).
    // Salesforce takes ASCII local parts only: the accents are in the names.
    const elodie = prospect({
      email: "Elodie.Marchand@Etudes-Generales.fr",
      firstname: "Élodie",
      lastname: "Marchand",
      company: { name: "Études Générales", domain: "Etudes-Generales.FR" },
      source: "PAID_SEARCH",
      campaign: "printemps-2026",
    });
    // Iñigo's campaign is not in HubSpot: his Lead is a member of a Salesforce campaign.
    const inigo = prospect({
      email: "inigo.nunez@Nunez-Logistica.es",
      firstname: "Iñigo",
      lastname: "Núñez",
      company: { name: "Núñez Logística", domain: "nunez-logistica.es" },
      source: "ORGANIC_SEARCH",
      campaign: "",
      associate: false,
    });
    await sync();
    await tick();
    pricingAndDemo(loop, elodie.person.id);
    pricingAndDemo(loop, inigo.person.id);
    const handoff = await sync();
    expect(handoff.summary.handoffs).toBe(2);
    // Élodie's company came along with her (its contact is an MQL); Iñigo's is not his in HubSpot.
    const elodieAccount = sf().list("Account").find((a) => a.HubSpot_Company_Id__c === elodie.company.id);
    expect(elodieAccount).toBeDefined();
    expect(sf().list("Account")).toHaveLength(1);

    const fair = sf().insert("Campaign", { Name: "Salon Logística Bilbao 2026", Type: "Trade Show", IsActive: true });
    sf().insert("CampaignMember", { CampaignId: fair, LeadId: leadOf(inigo.person.id).Id, Status: "Responded" });

    // The reps convert: Élodie into her existing Account, Iñigo into a new one; both with an Opportunity.
    // Iñigo's rep says why in the Lead's reason first; Élodie's says nothing.
    await tick();
    const inigoReason = "Flotte de 40 camions à équiper — décision du comité avant fin juin";
    sf().update("Lead", leadOf(inigo.person.id).Id as string, { Leadloop_Disposition_Reason__c: ` ${inigoReason}` });
    const elodieConv = sf().convertLead(leadOf(elodie.person.id).Id as string, {
      accountId: elodieAccount!.Id as string,
      opportunityName: "Études Générales – Pilote",
    });
    const inigoConv = sf().convertLead(leadOf(inigo.person.id).Id as string, {
      opportunityName: "Núñez Logística – Flota",
    });
    // Salesforce copied no custom field: the new Contact does not name the HubSpot contact yet.
    expect(sf().get("Contact", inigoConv.contactId)?.HubSpot_Contact_Id__c).toBeNull();
    await tick();
    const converted = await sync();
    expect(converted.summary.conversions).toBe(2);

    for (const [who, conv, reason] of [
      [elodie, elodieConv, "Converted to a contact and opportunity"],
      [inigo, inigoConv, inigoReason],
    ] as const) {
      // What the marketer sees: the contact is at opportunity, with the rep's verdict as a disposition
      // (the rep's words, or the map's reason for the converted Lead's status).
      expect(contact(who.person.id)).toMatchObject({
        lifecyclestage: "opportunity",
        leadloop_status: "opportunity",
        hs_lead_status: "OPEN_DEAL",
        leadloop_disposition_reason: reason,
      });
      expect(Date.parse(contact(who.person.id).leadloop_disposition_date!)).not.toBeNaN();
      // What the rep sees: stamps on the new records.
      expect(sf().get("Contact", conv.contactId)?.HubSpot_Contact_Id__c).toBe(who.person.id);
      expect(sf().get("Account", conv.accountId)?.HubSpot_Company_Id__c).toBe(who.company.id);
      expect(hs().getObject("companies", who.company.id)?.properties.leadloop_crm_id).toBe(conv.accountId);
      const deal = hs()
        .listObjects("deals")
        .find((d) => d.properties.leadloop_crm_id === conv.opportunityId);
      expect(deal).toBeDefined();
      expect(sf().get("Opportunity", conv.opportunityId!)?.HubSpot_Deal_Id__c).toBe(deal!.id);
      expect(associated("deals", deal!.id, "contacts")).toEqual([who.person.id]);
      expect(associated("deals", deal!.id, "companies")).toEqual([who.company.id]);
      expect(associated("contacts", who.person.id, "companies")).toEqual([who.company.id]);
    }
    // The new Account was linked to Iñigo's company by his email domain, not made a second company.
    expect(hs().listObjects("companies")).toHaveLength(2);
    const opportunityEvents = (await loop.store.listFunnelEvents()).filter((e) => e.toStage === "opportunity");
    expect(opportunityEvents.map((e) => e.personId).sort()).toEqual([elodie.person.id, inigo.person.id].sort());

    // Élodie's opportunity is won, Iñigo's lost.
    await tick();
    sf().update("Opportunity", elodieConv.opportunityId!, {
      StageName: "Closed Won",
      Amount: 48250.5,
      CloseDate: "2026-11-30",
    });
    sf().update("Opportunity", inigoConv.opportunityId!, { StageName: "Closed Lost" });
    await tick();
    const closed = await sync();
    expect(closed.summary.outcomes).toEqual({ won: 1, lost: 1 });

    const wonDeal = hs()
      .listObjects("deals")
      .find((d) => d.properties.leadloop_crm_id === elodieConv.opportunityId)!;
    expect(wonDeal.properties).toMatchObject({ dealstage: "closedwon", amount: "48250.5" });
    expect(wonDeal.properties.closedate).toMatch(/^2026-11-30/);
    expect(contact(elodie.person.id)).toMatchObject({ lifecyclestage: "customer", leadloop_status: "won" });
    const lostDeal = hs()
      .listObjects("deals")
      .find((d) => d.properties.leadloop_crm_id === inigoConv.opportunityId)!;
    expect(lostDeal.properties.dealstage).toBe("closedlost");
    expect(contact(inigo.person.id).leadloop_status).toBe("lost");

    const won = (await loop.store.listFunnelEvents({ personId: elodie.person.id })).find((e) => e.toStage === "won");
    expect(won).toMatchObject({
      fromStage: "opportunity",
      amount: 48250.5,
      source: "PAID_SEARCH",
      campaign: "printemps-2026",
      campaignOrigin: "source-property",
    });
    const mql = (await loop.store.listFunnelEvents({ personId: elodie.person.id })).find((e) => e.toStage === "mql");
    expect(mql).toMatchObject({ source: "PAID_SEARCH", campaign: "printemps-2026" });
    // The CampaignMember names the Campaign: the event carries its id and name, the store the Campaign.
    const fromFair = { campaign: "Salon Logística Bilbao 2026", campaignId: fair, campaignOrigin: "salesforce-campaign" };
    const lost = (await loop.store.listFunnelEvents({ personId: inigo.person.id })).find((e) => e.toStage === "lost");
    expect(lost).toMatchObject({ amount: null, source: "ORGANIC_SEARCH", ...fromFair });
    const inigoOpportunity = (await loop.store.listFunnelEvents({ personId: inigo.person.id })).find(
      (e) => e.toStage === "opportunity",
    );
    expect(inigoOpportunity).toMatchObject(fromFair);
    expect(await loop.store.listCampaigns()).toEqual([
      expect.objectContaining({ origin: "salesforce-campaign", id: fair, name: "Salon Logística Bilbao 2026", type: "Trade Show" }),
    ]);

    // Nothing new: no event, no conversion, no outcome counted twice.
    await tick();
    const idle = await sync();
    expect(idle.summary).toMatchObject({ conversions: 0, outcomes: { won: 0, lost: 0 } });
    expect((await loop.store.listFunnelEvents()).filter((e) => e.toStage === "won")).toHaveLength(1);
    expect(await revenue()).toEqual({ won: 1, revenue: 48250.5 });

    // The rep corrects the won Opportunity's amount: the deal and the funnel report's revenue follow it,
    // and the win is still counted once. Nobody moves, so no campaign is looked up for the deal's people.
    await tick();
    sf().update("Opportunity", elodieConv.opportunityId!, { Amount: 51000 });
    await tick();
    const memberLookups: string[] = [];
    const stopObserving = loop.salesforce.calls.observe((call) => {
      const q = call.query.get("q") ?? "";
      if (/FROM CampaignMember\b/.test(q)) memberLookups.push(q);
    });
    const corrected = await sync();
    stopObserving();
    expect(corrected.summary).toMatchObject({ conversions: 0, outcomes: { won: 0, lost: 0 } });
    expect(memberLookups).toEqual([]);
    expect(hs().getObject("deals", wonDeal.id)!.properties.amount).toBe("51000");
    expect(await revenue()).toEqual({ won: 1, revenue: 51000 });
  });

  it("sends a company and a deal made in HubSpot for an MQL to Salesforce, with their associations", async () => {
    const { company, person } = prospect({
      email: "Zoe.Lambert@Atelier-Brevent.FR",
      firstname: "Zoé",
      lastname: "Lambert",
      company: { name: "Atelier Brévent", domain: "Atelier-Brevent.fr" },
      source: "REFERRALS",
      campaign: "partenaires",
    });
    // A company and a deal of someone who is not an MQL stay in HubSpot.
    const other = prospect({
      email: "paul.martin@exemple-industrie.fr",
      firstname: "Paul",
      lastname: "Martin",
      company: { name: "Exemple Industrie", domain: "exemple-industrie.fr" },
      source: "DIRECT_TRAFFIC",
      campaign: "",
    });
    const otherDeal = hs().createObject("deals", { dealname: "Exemple – essai", dealstage: "appointmentscheduled", pipeline: "default" });
    hs().associate("deals", otherDeal.id, "contacts", other.person.id);
    await sync();
    await tick();
    pricingAndDemo(loop, person.id);
    await sync();
    const account = sf().list("Account").find((a) => a.HubSpot_Company_Id__c === company.id);
    expect(account).toBeDefined();

    await tick();
    const deal = hs().createObject("deals", {
      dealname: "Atelier Brévent – Renouvellement",
      dealstage: "qualifiedtobuy",
      amount: "12900",
      closedate: "2026-12-15T00:00:00.000Z",
      pipeline: "default",
    });
    hs().associate("deals", deal.id, "contacts", person.id);
    hs().associate("deals", deal.id, "companies", company.id);
    await sync();
    const opportunities = sf().list("Opportunity");
    expect(opportunities).toHaveLength(1);
    expect(opportunities[0]).toMatchObject({
      Name: "Atelier Brévent – Renouvellement",
      StageName: "Qualification",
      Amount: 12900,
      AccountId: account!.Id,
      HubSpot_Deal_Id__c: deal.id,
    });
    expect(hs().getObject("deals", deal.id)?.properties.leadloop_crm_id).toBe(opportunities[0]!.Id);
    expect(sf().list("Account").some((a) => a.HubSpot_Company_Id__c === other.company.id)).toBe(false);

    // Once the Lead is a Contact, the deal's person becomes the Opportunity's contact role.
    await tick();
    const conv = sf().convertLead(leadOf(person.id).Id as string, {
      accountId: account!.Id as string,
      doNotCreateOpportunity: true,
    });
    await tick();
    sf().update("Opportunity", opportunities[0]!.Id as string, { Description: "Relance après salon" });
    await tick();
    await sync();
    expect(sf().list("OpportunityContactRole")).toEqual([
      expect.objectContaining({ OpportunityId: opportunities[0]!.Id, ContactId: conv.contactId }),
    ]);
    // Converted without an Opportunity of its own, she has the deal marketing opened: a deal is open.
    expect((await loop.store.listFunnelEvents({ personId: person.id })).map((e) => e.toStage)).toEqual(["mql", "sal", "opportunity"]);
    expect(contact(person.id)).toMatchObject({ lifecyclestage: "opportunity", leadloop_status: "opportunity", hs_lead_status: "OPEN_DEAL" });
  });

  it("lists the Leads that changed once for the conversions and the field sync: a rep's edit and a conversion in one read", async () => {
    const { person: aoife } = await handedOff(AOIFE);
    const { person: mateo } = prospect({
      email: "Mateo.Gonzalez@Vinedos-Del-Sur.es",
      firstname: "Mateo",
      lastname: "González Peña",
      company: { name: "Viñedos del Sur", domain: "vinedos-del-sur.es" },
      source: "ORGANIC_SEARCH",
      campaign: "",
    });
    await tick();
    pricingAndDemo(loop, mateo.id);
    expect((await sync()).summary.handoffs).toBe(1);
    // A quiet run, so every stream's cursor stands at the same signpost.
    await tick();
    await sync();

    // One rep corrects Mateo's title on his Lead; another converts Aoife's.
    await tick();
    sf().update("Lead", leadOf(mateo.id).Id as string, { Title: "Director Comercial y de Exportación" });
    const conv = sf().convertLead(leadOf(aoife.id).Id as string, { opportunityName: "Cnoc Céirde – Píolótach" });
    await tick();
    const leadReads: string[] = [];
    const stop = loop.salesforce.calls.observe((c) => {
      const soql = c.query.get("q") ?? "";
      if (/\bFROM Lead WHERE SystemModstamp >=/.test(soql)) leadReads.push(soql);
    });
    const run = await sync();
    stop();
    expect(run.summary.conversions).toBe(1);
    expect(contact(mateo.id).jobtitle).toBe("Director Comercial y de Exportación");
    expect(contact(aoife.id)).toMatchObject({ lifecyclestage: "opportunity", hs_lead_status: "OPEN_DEAL" });
    expect(sf().get("Contact", conv.contactId)?.HubSpot_Contact_Id__c).toBe(aoife.id);
    // The conversions' read carried the field sync's fields, and the field sync took its pages: one read
    // of the window for both (the dispositions read on to their own signpost, after the run's writes).
    const both = leadReads.filter((q) => /\bConvertedOpportunityId\b/.test(q) && /\bTitle\b/.test(q));
    expect(both).toHaveLength(1);
    expect(leadReads.filter((q) => /\bTitle\b/.test(q))).toHaveLength(1);
  });

  it("lists the Opportunities and Contacts that changed once for the field sync and the phases after it, and reads no company HubSpot names", async () => {
    const { person: aoife } = await handedOff(AOIFE);
    await tick();
    const conv = sf().convertLead(leadOf(aoife.id).Id as string, { opportunityName: "Cnoc Céirde – Píolótach" });
    // Jonas is a customer's colleague the org knows as a Contact: his handoff's clock is on the Contact.
    const { person: jonas } = prospect({
      email: "Jonas.Weiss@SGI-Ingenierie.fr",
      firstname: "Jonas",
      lastname: "Weiß",
      company: { name: "Société Générale d'Ingénierie", domain: "sgi-ingenierie.fr" },
      source: "ORGANIC_SEARCH",
      campaign: "",
    });
    const account = sf().insert("Account", { Name: "Société Générale d'Ingénierie", Website: "sgi-ingenierie.fr" });
    const contactId = sf().insert("Contact", { FirstName: "Jonas", LastName: "Weiß", Email: "jonas.weiss@sgi-ingenierie.fr", AccountId: account });
    await tick();
    expect((await sync()).summary.conversions).toBe(1);
    await tick();
    pricingAndDemo(loop, jonas.id);
    expect((await sync()).summary.handoffs).toBe(1);
    expect((await loop.store.listSlaClocks({ personIds: [jonas.id] }))[0]?.crmId).toBe(contactId);
    // Quiet runs, so every stream stands at the same signpost.
    for (let i = 0; i < 2; i++) {
      await tick();
      await sync();
    }

    // Jonas's manager gives him to another rep, and Aoife's rep wins her Opportunity the same afternoon.
    await tick();
    const owner = sf().get("Contact", contactId)!.OwnerId;
    const other = sf().list("User").find((u) => u.IsActive === true && u.Id !== owner && /@/.test(String(u.Email)))!;
    sf().update("Contact", contactId, { OwnerId: other.Id });
    sf().update("Opportunity", conv.opportunityId!, { StageName: "Closed Won", Amount: 23990, CloseDate: "2026-12-04" });
    await tick();
    const reads = { Opportunity: [] as string[], Contact: [] as string[] };
    const stop = loop.salesforce.calls.observe((c) => {
      const soql = c.query.get("q") ?? "";
      const from = /\bFROM (Opportunity|Contact) WHERE SystemModstamp >=/.exec(soql)?.[1] as keyof typeof reads | undefined;
      if (from) reads[from].push(soql);
    });
    const companyReads: string[] = [];
    const stopHubspot = loop.hubspot.calls.observe((c) => {
      if (/associations\/contacts\/companies\/batch\/read/.test(c.path)) companyReads.push(c.path);
    });
    const run = await sync();
    stop();
    stopHubspot();
    expect(run.summary.outcomes).toEqual({ won: 1, lost: 0 });
    // Aoife's contact names her company (HubSpot's `associatedcompanyid`): her associations are not read.
    expect(hs().getObject("contacts", aoife.id)!.properties.associatedcompanyid).toBeTruthy();
    expect(companyReads).toEqual([]);
    const deal = hs().listObjects("deals").find((d) => d.properties.leadloop_crm_id === conv.opportunityId)!;
    expect(deal.properties).toMatchObject({ dealstage: "closedwon", amount: "23990" });
    expect((await loop.store.listSlaClocks({ personIds: [jonas.id] }))[0]?.ownerId).toBe(other.Id);
    // The deal pair's read carried the outcomes' fields and the contact pair's the owners': one read of
    // each window, where each phase listed it again before.
    expect(reads.Opportunity).toHaveLength(1);
    expect(reads.Opportunity[0]).toMatch(/\bIsWon\b/);
    expect(reads.Opportunity[0]).toMatch(/\bHubSpot_Deal_Id__c\b/);
    expect(reads.Contact).toHaveLength(1);
    expect(reads.Contact[0]).toMatch(/\bOwner\.Email\b/);
  });

  it("a Lead converted without an Opportunity makes the contact sales-qualified and CONNECTED; OPEN_DEAL waits for its Opportunity", async () => {
    const { person, handoff } = await handedOff({
      email: "Soren.Okafor@Fjord-Kaffe.NO",
      firstname: "Søren",
      lastname: "Okafor-Håland",
      company: { name: "Fjord Kaffe Brødrene", domain: "fjord-kaffe.no" },
      source: "ORGANIC_SEARCH",
      campaign: "",
    });
    expect(handoff.summary.handoffs).toBe(1);

    // The rep converts him into a new Account and, for now, no Opportunity.
    await tick();
    const conv = sf().convertLead(leadOf(person.id).Id as string, { doNotCreateOpportunity: true });
    expect(conv.opportunityId ?? null).toBeNull();
    await tick();
    const converted = await sync();
    expect(converted.summary).toMatchObject({ conversions: 1, dispositions: expect.objectContaining({ qualified: 1 }) });
    expect(contact(person.id)).toMatchObject({
      lifecyclestage: "salesqualifiedlead",
      leadloop_status: "sal",
      hs_lead_status: "CONNECTED",
      // The reason says what the rep did: no Opportunity (the map's reason for Closed - Converted says one).
      leadloop_disposition_reason: "Converted to a contact, without an opportunity",
    });

    // Weeks later the rep opens an Opportunity with him as its contact: now a deal is open.
    await tick();
    const opportunity = sf().insert("Opportunity", {
      Name: "Fjord Kaffe – Abonnement Café",
      StageName: "Prospecting",
      AccountId: conv.accountId,
      CloseDate: "2027-02-26",
      Amount: 18400,
    });
    sf().insert("OpportunityContactRole", { OpportunityId: opportunity, ContactId: conv.contactId });
    await tick();
    expect((await sync()).summary.conversions).toBe(1);
    expect(contact(person.id)).toMatchObject({ lifecyclestage: "opportunity", leadloop_status: "opportunity", hs_lead_status: "OPEN_DEAL" });
    expect((await loop.store.listFunnelEvents({ personId: person.id })).map((e) => e.toStage)).toEqual(["mql", "sal", "opportunity"]);
  });
  it("a rep's own Lead converted without an Opportunity moves its contact from lead to sales-qualified, as for an MQL", async () => {
    // Made in Salesforce by the rep, never an MQL in leadloop: the contact pair brings it to HubSpot.
    const lead = sf().insert("Lead", {
      FirstName: "Maëlys",
      LastName: "Ravelojaona",
      Company: "Vanille Bourbon Import",
      Email: "maelys.ravelojaona@vanille-bourbon.re",
      Title: "Responsable Achats",
      Country: "France",
      Status: "Working - Contacted",
    });
    await tick();
    await sync();
    const person = hs()
      .listObjects("contacts")
      .find((c) => c.properties.email === "maelys.ravelojaona@vanille-bourbon.re")!;
    expect(person).toBeDefined();
    expect(contact(person.id)).toMatchObject({ hs_lead_status: "IN_PROGRESS" });
    expect(contact(person.id).leadloop_mql_date ?? "").toBe("");

    // Whole seconds after leadloop's write to the Lead, the rep says why and converts it with no Opportunity.
    await tick(1_100);
    const typed = "Compte ouvert — l'opportunité suivra la visite de l'entrepôt";
    sf().update("Lead", lead, { Leadloop_Disposition_Reason__c: typed });
    const conv = sf().convertLead(lead, { doNotCreateOpportunity: true });
    expect(conv.opportunityId ?? null).toBeNull();
    await tick(1_100);
    const converted = await sync();
    expect(converted.summary).toMatchObject({ conversions: 1, dispositions: expect.objectContaining({ qualified: 1 }) });
    expect(contact(person.id)).toMatchObject({
      lifecyclestage: "salesqualifiedlead",
      leadloop_status: "sal",
      hs_lead_status: "CONNECTED",
      // The rep's own words win over leadloop's reason, with an Opportunity or without.
      leadloop_disposition_reason: typed,
    });
    const events = await loop.store.listFunnelEvents({ personId: person.id });
    expect(events.map((e) => [e.fromStage, e.toStage])).toEqual([["lead", "sal"]]);
    expect(events[0]!.cause).toBe(`conversion: Lead ${lead} converted`);
  });
});

describe("a conversion while a write to the Lead waits", () => {

  it("takes the marketer's edit the Lead refused to the Contact the Lead became, and drops the Lead's entry", async () => {
    const { person, leadId } = await handedOff({
      email: "Ingrid.Walsh@Cobalt-Capital.example",
      firstname: "Ingrid",
      lastname: "Walsh",
      company: { name: "Cobalt Capital", domain: "cobalt-capital.example" },
      source: "ORGANIC_SEARCH",
      campaign: "",
    });
    expect(sf().get("Lead", leadId)?.Title).toBe("Directrice des Opérations");

    // The marketer gives a new title and pastes a number with an extension too long for Salesforce's
    // Phone (40): the Lead refuses the write whole, title included.
    await tick();
    hs().updateObject("contacts", person.id, {
      jobtitle: "Directrice Générale Adjointe",
      phone: "+33 1 42 68 53 00 poste 4471 (standard, demander Mme Walsh)",
    });
    await tick();
    await sync();
    const refused = await loop.store.listErrors({ status: "open" });
    expect(refused).toEqual([expect.objectContaining({ object: "Lead", recordId: leadId })]);
    expect(refused[0]!.message).toMatch(/STRING_TOO_LONG/);

    // The rep converts the Lead meanwhile; Salesforce copies the Lead's title to the Contact.
    await tick();
    const conv = sf().convertLead(leadId, { opportunityName: "Cobalt Capital – Pilote" });
    expect(sf().get("Contact", conv.contactId)?.Title).toBe("Directrice des Opérations");
    await tick();
    await sync();
    await tick();
    await sync();

    // The Lead takes no more writes: its entry is resolved, and the edit is owed to the Contact, which
    // refuses the same number; the marketer's title stands in HubSpot (never the Contact's older one).
    const open = await loop.store.listErrors({ status: "open" });
    expect(open).toEqual([expect.objectContaining({ object: "Contact", recordId: conv.contactId })]);
    expect(open[0]!.message).toMatch(/STRING_TOO_LONG/);
    expect(contact(person.id).jobtitle).toBe("Directrice Générale Adjointe");
    expect(sf().get("Lead", leadId)?.Title).toBe("Directrice des Opérations");

    // The marketer shortens the number: the Contact takes the title and the number, nothing stays open.
    await tick();
    hs().updateObject("contacts", person.id, { phone: "+33 1 42 68 53 00" });
    await tick();
    await sync();
    expect(sf().get("Contact", conv.contactId)).toMatchObject({
      Title: "Directrice Générale Adjointe",
      Phone: "+33142685300",
    });
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  });

  it("a Lead converted while a stopped run's edit waited for it: the refusal is settled in the run that meets it, which exits 0", async () => {
    const { person, leadId } = await handedOff({
      email: "Tomas.Lindqvist@Norrsken-Energi.example",
      firstname: "Tomás",
      lastname: "Lindqvist-Ødegård",
      company: { name: "Norrsken Energi", domain: "norrsken-energi.example" },
      source: "ORGANIC_SEARCH",
      campaign: "",
    });

    // The marketer's new title is decided for the Lead, but the run stops before the drain sends it
    // (Salesforce's session expires on the update): the write waits in the outbox.
    await tick();
    hs().updateObject("contacts", person.id, { jobtitle: "Directeur Général Délégué" });
    await tick();
    loop.salesforce.faults.add({ requests: [{ kind: "status", status: 401, method: "PATCH" }] });
    await expect(sync()).rejects.toThrow();
    loop.salesforce.faults.clear();
    expect((await loop.store.listOutbox()).some((w) => w.recordId === leadId)).toBe(true);

    // The rep converts the Lead meanwhile; the next run sends the waiting write first, which the
    // converted Lead refuses, and then follows the conversion, which settles the refusal.
    await tick();
    const conv = sf().convertLead(leadId, { opportunityName: "Norrsken Energi – Pilote" });
    await tick();
    const resumed = await sync();
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    expect(resumed.summary.openErrors).toBe(0);
    // Nothing waits in the queue: a scheduler reads success (README "Exit statuses": 4 is records waiting).
    expect(exitFor(resumed.summary)).toBe(0);
    await tick();
    await sync();
    expect(sf().get("Contact", conv.contactId)?.Title).toBe("Directeur Général Délégué");
  });
});

describe("lineage with HubSpot as CRM", () => {
  it("moves a deal's contact to opportunity, then to customer when the deal closes won", async () => {
    const funnel = funnelFor(loop, "hubspot");
    const sync = () => loop.sync({ funnel, mappings: [], crm: loop.hubspotAdapter });
    const { person } = prospect({
      email: "Maëlle.Rousseau@Brasserie-Océane.fr",
      firstname: "Maëlle",
      lastname: "Rousseau",
      company: { name: "Brasserie Océane", domain: "brasserie-oceane.fr" },
      source: "EMAIL_MARKETING",
      campaign: "newsletter-novembre",
    });
    await sync();
    await tick();
    pricingAndDemo(loop, person.id);
    await sync();
    expect(contact(person.id).leadloop_status).toBe("mql");

    // A deal marketing opens for an MQL sales has not accepted moves nobody.
    await tick();
    const early = hs().createObject("deals", { dealname: "Brasserie Océane – Essai", dealstage: "appointmentscheduled", pipeline: "default" });
    hs().associate("deals", early.id, "contacts", person.id);
    await tick();
    expect((await sync()).summary.conversions).toBe(0);
    expect(contact(person.id).leadloop_status).toBe("mql");

    // The rep accepts the lead and opens a deal for it.
    await tick();
    hs().updateObject("contacts", person.id, { hs_lead_status: "OPEN_DEAL" });
    const deal = hs().createObject("deals", {
      dealname: "Brasserie Océane – Abonnement",
      dealstage: "presentationscheduled",
      amount: "7300",
      pipeline: "default",
    });
    hs().associate("deals", deal.id, "contacts", person.id);
    await tick();
    const opened = await sync();
    expect(opened.summary.conversions).toBe(1);
    expect(contact(person.id)).toMatchObject({ lifecyclestage: "opportunity", leadloop_status: "opportunity" });

    await tick();
    hs().updateObject("deals", deal.id, { dealstage: "closedwon" });
    await tick();
    const closed = await sync();
    expect(closed.summary.outcomes).toEqual({ won: 1, lost: 0 });
    expect(contact(person.id)).toMatchObject({ lifecyclestage: "customer", leadloop_status: "won" });
    const won = (await loop.store.listFunnelEvents({ personId: person.id })).find((e) => e.toStage === "won");
    expect(won).toMatchObject({ amount: 7300, source: "EMAIL_MARKETING", campaign: "newsletter-novembre" });
    expect(await revenue()).toEqual({ won: 1, revenue: 7300 });

    // The rep corrects the won deal's amount: the report's revenue is the deal's, the win counted once.
    await tick();
    hs().updateObject("deals", deal.id, { amount: "8150" });
    await tick();
    expect((await sync()).summary.outcomes).toEqual({ won: 0, lost: 0 });
    expect(await revenue()).toEqual({ won: 1, revenue: 8150 });
  });
});
