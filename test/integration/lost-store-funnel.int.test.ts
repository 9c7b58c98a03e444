// A lost state store and the funnel, with each CRM: the links come back from the ids the records carry
// (link-stamps.int.test.ts), and the funnel state from what leadloop wrote on them. An MQL handed off
// before the store was deleted stays the MQL it was: no second qualification (its MQL date on the contact
// and the CRM record unchanged), no second handoff (no new alert task, the owner kept), and its follow-up
// clock back with the original handoff time and owner.
import { rmSync } from "node:fs";
import { buildFunnelReport } from "../../src/report/build.js";
import { parseRouting } from "../../src/config/routing-file.js";
import { runCli } from "../support/cli-run.js";
import { acceptWithDeal, funnelFor, loopConfig, pricingAndDemo, REPS, seedCamille, seedReps, TEST_ROUTING } from "../support/funnel-harness.js";
import type { FunnelReport } from "../../src/core/report/index.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";
import type { SyncOptions } from "../../src/sync/engine.js";

type Crm = "salesforce" | "hubspot";

function seedProspect(loop: LoopHarness): string {
  const company = loop.hubspot.data.createObject("companies", {
    name: "Société Lumière Énergie",
    domain: "lumiere-energie.fr",
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "320",
    country: "France",
  });
  const person = loop.hubspot.data.createObject("contacts", {
    email: "Oceane.Marechal@Lumiere-Energie.fr",
    firstname: "Océane",
    lastname: "Maréchal",
    jobtitle: "Directrice des Opérations",
    company: "Société Lumière Énergie",
    country: "France",
  });
  loop.hubspot.data.associate("contacts", person.id, "companies", company.id);
  return person.id;
}

/** Two more prospects at their own companies: Anaïs, whose deal is won, and Bruno, whom the rep recycles. */
function seedTwoMore(loop: LoopHarness): { anais: string; bruno: string } {
  const make = (company: Record<string, string>, person: Record<string, string>) => {
    const c = loop.hubspot.data.createObject("companies", {
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "410",
      country: "France",
      ...company,
    });
    const p = loop.hubspot.data.createObject("contacts", { country: "France", ...person, company: company.name! });
    loop.hubspot.data.associate("contacts", p.id, "companies", c.id);
    return p.id;
  };
  return {
    anais: make(
      { name: "Société Générale d'Optique", domain: "sgo-optique.fr" },
      { email: "Anais.Berenger@SGO-Optique.fr", firstname: "Anaïs", lastname: "Bérenger-Duval", jobtitle: "Directrice Commerciale" },
    ),
    bruno: make(
      { name: "Brûlerie Côte d'Azur", domain: "brulerie-cotedazur.fr" },
      { email: "bruno.lefevre@brulerie-cotedazur.fr", firstname: "Bruno", lastname: "Lefèvre", jobtitle: "Directeur des Achats" },
    ),
  };
}

/** Whole seconds pass: the Salesforce emulator stamps to the second, and a rep's edit must follow leadloop's. */
const nextSecond = () => tick(1_100);

describe.each(["salesforce", "hubspot"] as const)("a lost store with crm: %s", (crm: Crm) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("restores a handed-off MQL's stage and follow-up clock without qualifying or handing it off again", async () => {
    // Whole seconds: Salesforce keeps date-times to the second.
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const now = () => new Date(clock.t);
    const reps = seedReps(loop);
    const oceane = seedProspect(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () =>
      loop.sync(crm === "salesforce" ? { funnel, now } : { funnel, now, mappings: [], crm: loop.hubspotAdapter });

    await sync();
    clock.t += 60_000;
    pricingAndDemo(loop, oceane);
    clock.t += 60_000;
    const handoff = await sync();
    expect(handoff.summary.handoffs).toBe(1);
    const handedOffAt = new Date(clock.t).toISOString();

    const contact = () => loop.hubspot.data.getObject("contacts", oceane)!.properties;
    const lead = () => loop.salesforce.data.list("Lead")[0]!;
    const owner = reps.get(REPS.emea.email)![crm];
    const followUps = () =>
      crm === "salesforce"
        ? loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("New MQL"))
        : loop.hubspot.data.listObjects("tasks").filter((t) => t.properties.hs_task_subject?.startsWith("New MQL"));
    const mqlDate = contact().leadloop_mql_date;
    const crmMqlDate = crm === "salesforce" ? lead().Leadloop_MQL_Date__c : mqlDate;
    expect(crm === "salesforce" ? lead().OwnerId : contact().hubspot_owner_id).toBe(owner);
    expect(followUps()).toHaveLength(1);
    const [before] = await loop.store.listSlaClocks({ personIds: [oceane] });
    expect(before).toMatchObject({ ownerId: owner, handoffAt: handedOffAt });

    clock.t += 5 * 60_000;
    await loop.restart(() => rmSync(loop.storePath));
    const restored = await sync();

    expect(restored.summary.handoffs).toBe(0);
    expect(contact().leadloop_mql_date).toBe(mqlDate);
    expect(contact().leadloop_status).toBe("mql");
    if (crm === "salesforce") {
      expect(restored.summary.restored).toBeGreaterThanOrEqual(1);
      expect(lead().Leadloop_MQL_Date__c).toBe(crmMqlDate);
      expect(lead().OwnerId).toBe(owner);
    } else {
      expect(contact().hubspot_owner_id).toBe(owner);
    }
    expect(followUps()).toHaveLength(1);

    const [clockNow] = await loop.store.listSlaClocks({ personIds: [oceane] });
    expect(clockNow).toMatchObject({ ownerId: owner, crmId: before!.crmId, dueAt: before!.dueAt });
    expect(clockNow!.handoffAt.slice(0, 19)).toBe(handedOffAt.slice(0, 19));

    const stages = await loop.store.currentStages([oceane]);
    expect(stages.get(oceane)).toBe("mql");
    const events = await loop.store.listFunnelEvents({ personId: oceane });
    expect(events.map((e) => [e.fromStage, e.toStage])).toEqual([["lead", "mql"]]);
    expect(events[0]!.at.slice(0, 19)).toBe(handedOffAt.slice(0, 19));
    expect(events[0]!.cause).toMatch(/^restored: /);

    // The restored MQL is not handed off on a later run either.
    clock.t += 60_000;
    const later = await sync();
    expect(later.summary.handoffs).toBe(0);
    expect(followUps()).toHaveLength(1);
  });

  /**
   * France routed to a queue of two, Hélène's turn then Jordan's (`reps`: seedReps' ids): a run, the owner on
   * a person's CRM record, and the two members' owner ids in this CRM.
   */
  function queueOfTwo(reps: ReturnType<typeof seedReps>) {
    const routing = parseRouting(TEST_ROUTING.replace(`emea: [${REPS.emea.email}]`, `emea: [${REPS.emea.email}, ${REPS.fallback.email}]`), "routing.yaml");
    const funnel = { ...funnelFor(loop, crm), routing };
    return {
      sync: (extra: Partial<SyncOptions> = {}) =>
        loop.sync(crm === "salesforce" ? { funnel, ...extra } : { funnel, mappings: [], crm: loop.hubspotAdapter, ...extra }),
      ownerOf: (personId: string) =>
        crm === "salesforce"
          ? loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)?.OwnerId
          : loop.hubspot.data.getObject("contacts", personId)!.properties.hubspot_owner_id,
      helene: reps.get(REPS.emea.email)![crm],
      jordan: reps.get(REPS.fallback.email)![crm],
    };
  }

  it("gives no round-robin turn away in a run that stops before its handoffs are kept", async () => {
    const reps = seedReps(loop);
    const oceane = seedProspect(loop);
    const { anais } = seedTwoMore(loop);
    const { sync, ownerOf, helene, jordan } = queueOfTwo(reps);
    await sync();
    pricingAndDemo(loop, oceane);
    await tick(1_100);
    // The run dies at the commit that keeps Océane's handoff (the page's decisions, its outbox group).
    const store = loop.store;
    const crashing = Object.create(store) as typeof store;
    crashing.commitBatch = async (batch) => {
      if ((batch.outboxGroups ?? []).some((g) => g.group.startsWith("handoff:"))) throw new Error("killed");
      return store.commitBatch(batch);
    };
    await expect(sync({ store: crashing })).rejects.toThrow("killed");

    await loop.restart();
    expect((await sync()).summary.handoffs).toBe(1);
    // Hélène's turn, the queue's first, as if the crashed run had never routed her.
    expect(ownerOf(oceane)).toBe(helene);
    pricingAndDemo(loop, anais);
    await tick(1_100);
    expect((await sync()).summary.handoffs).toBe(1);
    expect(ownerOf(anais)).toBe(jordan);
  });

  it("resumes a round-robin queue after the rep the latest handoff went to, not at its first member", async () => {
    const reps = seedReps(loop);
    const oceane = seedProspect(loop);
    const { anais } = seedTwoMore(loop);
    const { sync, ownerOf, helene, jordan } = queueOfTwo(reps);

    await sync();
    pricingAndDemo(loop, oceane);
    await tick(1_100);
    expect((await sync()).summary.handoffs).toBe(1);
    expect(ownerOf(oceane)).toBe(helene);

    await loop.restart(() => rmSync(loop.storePath));
    pricingAndDemo(loop, anais);
    await tick(1_100);
    expect((await sync()).summary.handoffs).toBe(1);
    // Jordan's turn, as it was before the loss.
    expect(ownerOf(anais)).toBe(jordan);
    expect(ownerOf(oceane)).toBe(helene);
  });

  it("resumes after the last of one run's MQLs in the handoff's order, whatever order the search answered them in", async () => {
    const reps = seedReps(loop);
    const oceane = seedProspect(loop);
    const { anais, bruno } = seedTwoMore(loop);
    const { sync, ownerOf, helene, jordan } = queueOfTwo(reps);

    await sync();
    // Anaïs acts first, so the search answers her first; one run qualifies both, and Océane's id is the lower.
    pricingAndDemo(loop, anais);
    await tick();
    pricingAndDemo(loop, oceane);
    await tick(1_100);
    expect((await sync()).summary.handoffs).toBe(2);
    expect([ownerOf(oceane), ownerOf(anais)]).toEqual([helene, jordan]);

    await loop.restart(() => rmSync(loop.storePath));
    pricingAndDemo(loop, bruno);
    await tick(1_100);
    expect((await sync()).summary.handoffs).toBe(1);
    // Anaïs was the queue's last turn (Jordan's): Hélène's, as without the loss.
    expect(ownerOf(bruno)).toBe(helene);
  });

  it("resumes after the queue's own last turn, not after a member's lead its account's owner rule gave", async () => {
    const reps = seedReps(loop);
    const oceane = seedProspect(loop);
    const { anais, bruno } = seedTwoMore(loop);
    const { sync, ownerOf, helene, jordan } = queueOfTwo(reps);
    // Anaïs's account belongs to Jordan, a member of the queue.
    if (crm === "salesforce")
      loop.salesforce.data.insert("Account", { Name: "Société Générale d'Optique", Website: "https://www.SGO-Optique.fr/", OwnerId: jordan });
    else {
      const company = loop.hubspot.data.listObjects("companies").find((c) => c.properties.domain === "sgo-optique.fr")!;
      loop.hubspot.data.updateObject("companies", company.id, { hubspot_owner_id: jordan });
    }

    await sync();
    pricingAndDemo(loop, oceane);
    await tick(1_100);
    expect((await sync()).summary.handoffs).toBe(1);
    pricingAndDemo(loop, anais);
    await tick(1_100);
    expect((await sync()).summary.handoffs).toBe(1);
    // Océane was the queue's turn (Hélène's); Anaïs went to her account's owner and took no turn.
    expect([ownerOf(oceane), ownerOf(anais)]).toEqual([helene, jordan]);

    await loop.restart(() => rmSync(loop.storePath));
    pricingAndDemo(loop, bruno);
    await tick(1_100);
    expect((await sync()).summary.handoffs).toBe(1);
    // Jordan's turn, as without the loss: Anaïs's follow-up task says the account's owner rule gave her.
    expect(ownerOf(bruno)).toBe(jordan);
  });

  it("keeps report funnel's MQLs, SQLs, wins credited to MQLs with their revenue, and handoffs after the loss", async () => {
    const reps = seedReps(loop);
    const oceane = seedProspect(loop);
    const { anais, bruno } = seedTwoMore(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () => loop.sync(crm === "salesforce" ? { funnel } : { funnel, mappings: [], crm: loop.hubspotAdapter });
    const contact = (id: string) => loop.hubspot.data.getObject("contacts", id)!.properties;
    const report = async () => buildFunnelReport(loop.store, {}, new Date(Date.now() + 60_000));
    const byOwner = async () =>
      (await buildFunnelReport(loop.store, { groupBy: "owner" }, new Date(Date.now() + 60_000))).groups.map((g) => [g.key, g.handoffs]);

    await sync();
    await tick();
    for (const id of [oceane, anais, bruno]) pricingAndDemo(loop, id);
    expect((await sync()).summary.handoffs).toBe(3);

    // The reps decide: Anaïs is accepted with a deal of 42,000 that is won; Bruno goes back to nurture.
    await nextSecond();
    let correctAmount: (amount: number) => void;
    if (crm === "salesforce") {
      const leadOf = (id: string) => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === id)!;
      // The rep calls Anaïs first: a touch on her Lead, which Salesforce moves to her Contact on conversion.
      loop.salesforce.data.insert("Task", {
        Subject: "Appel découverte",
        Status: "Completed",
        Priority: "Normal",
        TaskSubtype: "Call",
        Type: "Call",
        WhoId: leadOf(anais).Id,
        OwnerId: reps.get(REPS.emea.email)!.salesforce,
      });
      await nextSecond();
      await sync();
      await nextSecond();
      const conv = loop.salesforce.data.convertLead(leadOf(anais).Id as string, { opportunityName: "SGO – Verres progressifs" });
      loop.salesforce.data.update("Lead", leadOf(bruno).Id as string, { Status: "Closed - Not Converted" });
      await nextSecond();
      expect((await sync()).summary.conversions).toBe(1);
      await nextSecond();
      loop.salesforce.data.update("Opportunity", conv.opportunityId!, { StageName: "Closed Won", Amount: 42000, CloseDate: "2026-11-30" });
      correctAmount = (amount) => loop.salesforce.data.update("Opportunity", conv.opportunityId!, { Amount: amount });
    } else {
      loop.hubspot.data.updateObject("contacts", bruno, { hs_lead_status: "BAD_TIMING" });
      const dealId = acceptWithDeal(loop, anais, "SGO – Verres progressifs", "42000");
      await nextSecond();
      expect((await sync()).summary.conversions).toBe(1);
      await nextSecond();
      loop.hubspot.data.updateObject("deals", dealId, { dealstage: "closedwon" });
      correctAmount = (amount) => loop.hubspot.data.updateObject("deals", dealId, { amount: String(amount) });
    }
    await nextSecond();
    expect((await sync()).summary.outcomes.won).toBe(1);
    expect(contact(anais)).toMatchObject({ leadloop_status: "won" });
    expect(contact(bruno)).toMatchObject({ leadloop_status: "recycled" });
    const counts = (r: Awaited<ReturnType<typeof report>>) => ({
      mqls: r.mqls,
      sals: r.sals,
      sqls: r.sqls,
      opportunities: r.opportunities,
      won: r.won,
      wonWithoutMql: r.wonWithoutMql,
      recycled: r.recycled,
      dispositions: r.dispositions,
    });
    const before = await report();
    const clocksBefore = await loop.store.listSlaClocks();
    const tasks = () =>
      crm === "salesforce" ? loop.salesforce.data.list("Task").length : loop.hubspot.data.listObjects("tasks").length;
    const tasksBefore = tasks();
    const ownersBefore = await byOwner();
    expect(ownersBefore).toEqual([[REPS.emea.email, 3]]);
    // Anaïs's acceptance (her Lead converted from MQL; with HubSpot, OPEN_DEAL) and Bruno's recycle.
    expect(counts(before)).toEqual({
      mqls: 3, sals: 1, sqls: 1, opportunities: 1, won: 1, wonWithoutMql: 0, recycled: 1,
      dispositions: { qualified: 1, recycle: 1, trash: 0, unreachable: 0 },
    });
    expect(before).toMatchObject({ revenue: 42000, handoffs: 3 });

    await nextSecond();
    await loop.restart(() => rmSync(loop.storePath));
    const restored = await sync();
    expect(restored.summary.handoffs).toBe(0);
    const after = await report();
    // The same funnel: each person's MQL comes back at its date, and the win is an MQL's win, with the
    // won deal's amount, which the deals phase reads again (the contact carries none). The verdicts too,
    // once: Bruno's recycle from his record's status, Anaïs's acceptance as her restored opportunity.
    expect(counts(after)).toEqual(counts(before));
    expect(after).toMatchObject({ revenue: 42000, revenueWithoutMql: 0 });
    // Not this run's outcome: the restore counts no win.
    expect(restored.summary.outcomes).toEqual({ won: 0, lost: 0 });
    // Every handoff comes back, those of people the reps decided since too (the records carry the MQL
    // date the handoff wrote, and an owner): the same clocks, handed off at the MQL date, with the verdict's
    // touch, decided, and nothing sent again.
    expect(after).toMatchObject({ handoffs: 3, followUpHours: { count: before.followUpHours.count } });
    expect(before.followUpHours.count).toBe(2);
    const clocksAfter = await loop.store.listSlaClocks();
    const kept = (c: (typeof clocksBefore)[number]) => ({ ...c, handoffAt: undefined, dueAt: undefined, crmType: undefined, crmId: undefined });
    expect(clocksAfter.map(kept)).toEqual(clocksBefore.map(kept));
    // On the record handed off, or with Salesforce, for a Lead converted since, on the Contact it became
    // (where Salesforce moved the Lead's activities).
    const links = await loop.store.findLinksByMarketingIds("contact", [oceane, anais, bruno]);
    for (const c of clocksAfter)
      expect([clocksBefore.find((b) => b.personId === c.personId)!.crmId, links.get(c.personId)?.crmId]).toContain(c.crmId);
    for (const c of clocksAfter) {
      expect(c.handoffAt.slice(0, 19)).toBe(contact(c.personId).leadloop_mql_date!.slice(0, 19));
      const was = clocksBefore.find((b) => b.personId === c.personId)!;
      expect(Math.abs(Date.parse(c.handoffAt) - Date.parse(was.handoffAt))).toBeLessThan(2_000);
    }
    expect(tasks()).toBe(tasksBefore);
    expect(restored.summary.slaBreaches).toBe(0);
    // Each person's owner comes back with the clock: a report by owner is the one before the loss.
    expect(await byOwner()).toEqual(ownersBefore);
    const moves = async (id: string) => (await loop.store.listFunnelEvents({ personId: id })).map((e) => [e.fromStage, e.toStage]);
    expect(await moves(anais)).toEqual([["lead", "mql"], ["mql", "opportunity"], ["opportunity", "won"]]);
    expect(await moves(bruno)).toEqual([["lead", "mql"], ["mql", "recycled"]]);
    expect((await loop.store.listFunnelEvents({ personId: bruno })).at(-1)!.cause).toBe(
      crm === "salesforce" ? "restored: disposition recycle: Closed - Not Converted" : "restored: disposition recycle: BAD_TIMING",
    );
    const [anaisMql] = await loop.store.listFunnelEvents({ personId: anais });
    expect(anaisMql!.at.slice(0, 19)).toBe(contact(anais).leadloop_mql_date!.slice(0, 19));

    // A later run changes nothing: no verdict counted again, no second handoff.
    await nextSecond();
    const later = await sync();
    expect(later.summary).toMatchObject({ handoffs: 0, conversions: 0, outcomes: { won: 0, lost: 0 }, slaBreaches: 0 });
    expect(tasks()).toBe(tasksBefore);
    expect(later.summary.dispositions).toMatchObject({ qualified: 0, recycle: 0 });
    expect(counts(await report())).toEqual(counts(before));
    expect(await report()).toMatchObject({ revenue: 42000 });

    // The restored win is the deal's: an amount the rep corrects after the loss is the revenue, once.
    await nextSecond();
    correctAmount(45500);
    await nextSecond();
    expect((await sync()).summary.outcomes).toEqual({ won: 0, lost: 0 });
    expect(await report()).toMatchObject({ revenue: 45500, won: 1 });
    const wins = (await loop.store.listFunnelEvents({ personId: anais })).filter((e) => e.toStage === "won");
    expect(wins).toHaveLength(1);
    expect(wins[0]!.cause).toMatch(/^restored: from opportunity: (Opportunity|deals) \S+ won$/);
  });

  it("counts the MQLs and win of people whose contacts were deleted before the loss from the recycle bin, not those deleted for good", async () => {
    seedReps(loop);
    const oceane = seedProspect(loop);
    const { anais, bruno } = seedTwoMore(loop);
    const camille = seedCamille(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () => loop.sync(crm === "salesforce" ? { funnel } : { funnel, mappings: [], crm: loop.hubspotAdapter });
    const report = async (): Promise<FunnelReport> => {
      const out = await runCli(["--config", loopConfig(loop, crm), "report", "funnel", "--since", "2000-01-01", "--json"], {}, undefined, {
        now: () => new Date(Date.now() + 60_000),
      });
      expect(out.code).toBe(0);
      return JSON.parse(out.stdout) as FunnelReport;
    };
    // Anaïs's and Camille's won Opportunities still say whose win each was: the converted Lead's
    // ConvertedOpportunityId, beside its link stamp naming her contact. A HubSpot deal no longer names an
    // archived contact.
    const revenueAfter = crm === "salesforce" ? 60500 : 0;
    await sync();
    await tick();
    for (const id of [oceane, anais, bruno, camille]) pricingAndDemo(loop, id);
    expect((await sync()).summary.handoffs).toBe(4);
    await nextSecond();
    // Anaïs is accepted with a deal of 42,000 and Camille with one of 18,500, both won.
    const deals: [string, string, number][] = [
      [anais, "SGO – Verres progressifs", 42000],
      [camille, "SGI – Audit énergétique", 18500],
    ];
    if (crm === "salesforce") {
      const opportunities = deals.map(([id, name]) => {
        const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === id)!;
        return loop.salesforce.data.convertLead(String(lead.Id), { opportunityName: name }).opportunityId!;
      });
      await nextSecond();
      await sync();
      await nextSecond();
      for (const [i, [, , amount]] of deals.entries())
        loop.salesforce.data.update("Opportunity", opportunities[i]!, { StageName: "Closed Won", Amount: amount, CloseDate: "2026-11-30" });
    } else {
      const dealIds = deals.map(([id, name, amount]) => acceptWithDeal(loop, id, name, String(amount)));
      await nextSecond();
      await sync();
      await nextSecond();
      for (const dealId of dealIds) loop.hubspot.data.updateObject("deals", dealId, { dealstage: "closedwon" });
    }
    await nextSecond();
    expect((await sync()).summary.outcomes.won).toBe(2);
    // The marketer deletes Anaïs's and Camille's contacts, Bruno's, an MQL handed off, and Océane's for
    // good: the store keeps their funnel history, so the report still counts them.
    const anaisMqlDate = loop.hubspot.data.getObject("contacts", anais)!.properties.leadloop_mql_date!;
    for (const id of [anais, camille, bruno]) loop.hubspot.data.archiveObject("contacts", id);
    // Océane's is deleted for good (GDPR): no recycle bin holds it.
    loop.hubspot.data.gdprDeleteContact(oceane);
    await nextSecond();
    await sync();
    const before = await report();
    expect(before).toMatchObject({ mqls: 4, won: 2, revenue: 60500 });
    const moves = async (id: string) => (await loop.store.listFunnelEvents({ personId: id })).map((e) => [e.fromStage, e.toStage]);
    const movesBefore = { bruno: await moves(bruno) };

    await nextSecond();
    await loop.restart(() => rmSync(loop.storePath));
    // The Leads converted with won Opportunities no contact role names a known person of, asked once for
    // the group of Opportunities the rebuild reads (README "Reports": a lost store), not once per win.
    const winnerQueries: string[] = [];
    const stop = loop.salesforce.calls.observe((c) => {
      const soql = c.query.get("q") ?? "";
      if (/\bFROM Lead\b.*\bConvertedOpportunityId IN\b/i.test(soql)) winnerQueries.push(soql);
    });
    const restored = await sync();
    expect(winnerQueries).toHaveLength(crm === "salesforce" ? 1 : 0);
    // Their contacts are in HubSpot's recycle bin (90 days), which the rebuild lists with the funnel
    // properties leadloop wrote: the same MQLs and win, and nobody handed off again. The win's revenue
    // with Salesforce as the CRM (above), not with HubSpot: the contact carries no amount.
    expect(restored.summary.handoffs).toBe(0);
    expect(restored.summary.outcomes).toEqual({ won: 0, lost: 0 });
    // Océane's MQL is not: nothing HubSpot lists keeps it (README, report funnel).
    const after = await report();
    const funnelCounts = (r: typeof before) => [r.sals, r.sqls, r.opportunities, r.won, r.wonWithoutMql];
    expect(funnelCounts(after)).toEqual(funnelCounts(before));
    expect(after).toMatchObject({ mqls: 3, won: 2, revenue: revenueAfter });
    for (const id of [anais, camille]) {
      const win = (await loop.store.listFunnelEvents({ personId: id })).find((e) => e.toStage === "won")!;
      if (crm === "salesforce") expect(win.cause).toMatch(/^restored: from opportunity: Opportunity \S+ won$/);
      else expect(win.cause).not.toMatch(/from opportunity/);
    }
    expect(await loop.store.listFunnelEvents({ personId: oceane })).toEqual([]);
    // Each at the stage her contact shows, through the moves a restore makes (as a listed contact's).
    expect(movesBefore.bruno).toEqual([["lead", "mql"]]);
    expect(await moves(anais)).toEqual([["lead", "mql"], ["mql", "opportunity"], ["opportunity", "won"]]);
    expect(await moves(bruno)).toEqual(movesBefore.bruno);
    expect((await loop.store.listFunnelEvents({ personId: anais }))[0]!.at.slice(0, 19)).toBe(anaisMqlDate.slice(0, 19));

    // A later run changes nothing, and asks for no converted Lead: no restored win awaits its deal.
    await nextSecond();
    const later = await sync();
    stop();
    expect(later.summary).toMatchObject({ handoffs: 0, outcomes: { won: 0, lost: 0 } });
    expect(winnerQueries).toHaveLength(crm === "salesforce" ? 1 : 0);
    expect(await report()).toMatchObject({ mqls: 3, won: 2, revenue: revenueAfter });
  });

  it("counts no working status of a rep's own lead as this run's work after the loss, and takes a verdict made since", async () => {
    seedReps(loop);
    // Sales knew Bruno before leadloop ran, and a rep is working him: a rep's own lead that never qualified.
    const bruno = loop.hubspot.data.createObject("contacts", {
      email: "Bruno.Lefevre@Brulerie-CoteDAzur.fr",
      firstname: "Bruno",
      lastname: "Lefèvre",
      jobtitle: "Directeur des Achats",
      company: "Brûlerie Côte d'Azur",
      country: "France",
    }).id;
    const working = crm === "salesforce" ? "Working - Contacted" : "IN_PROGRESS";
    if (crm === "salesforce")
      loop.salesforce.data.insert("Lead", {
        FirstName: "Bruno",
        LastName: "Lefèvre",
        Email: "bruno.lefevre@brulerie-cotedazur.fr",
        Company: "Brûlerie Côte d'Azur",
        Status: working,
      });
    else loop.hubspot.data.updateObject("contacts", bruno, { hs_lead_status: working });
    const funnel = funnelFor(loop, crm);
    const sync = () => loop.sync(crm === "salesforce" ? { funnel } : { funnel, mappings: [], crm: loop.hubspotAdapter });
    await tick();
    // The first run reads the status the rep set before leadloop's first look: history, not this run's work.
    expect((await sync()).summary.dispositions.working).toBe(0);
    await nextSecond();
    expect((await sync()).summary.dispositions.working).toBe(0);
    const leads = () => loop.salesforce.data.list("Lead");

    await nextSecond();
    await loop.restart(() => rmSync(loop.storePath));
    const restored = await sync();
    // The status stood before the loss: no work of this run, and nothing moves or is written for it.
    expect(restored.summary.dispositions).toEqual({ qualified: 0, recycle: 0, trash: 0, unreachable: 0, working: 0 });
    expect(restored.summary.handoffs).toBe(0);
    expect(await loop.store.listFunnelEvents({ personId: bruno })).toEqual([]);
    if (crm === "salesforce") {
      expect(restored.summary.restored).toBeGreaterThanOrEqual(1);
      expect(leads()).toHaveLength(1);
    }
    await nextSecond();
    expect((await sync()).summary.dispositions.working).toBe(0);

    // A verdict the rep makes after the loss is a verdict (Salesforce: HubSpot's search index trails a
    // status set a moment ago in real time, which this test does not wait for).
    if (crm === "salesforce") {
      await nextSecond();
      loop.salesforce.data.update("Lead", leads()[0]!.Id as string, { Status: "Closed - Not Converted" });
      await nextSecond();
      const recycled = await sync();
      expect(recycled.summary.dispositions).toMatchObject({ recycle: 1, working: 0 });
      expect(loop.hubspot.data.getObject("contacts", bruno)!.properties.leadloop_status).toBe("recycled");
      expect(leads()).toHaveLength(1);
    }
  });

  // Lead conversions are Salesforce's.
  if (crm === "salesforce") it("follows each Lead conversion once across the loss: none again, and one made since the last run", async () => {
    seedReps(loop);
    const oceane = seedProspect(loop);
    const { anais } = seedTwoMore(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () => loop.sync({ funnel });
    const leadOf = (id: string) => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === id)!;
    const report = async () => buildFunnelReport(loop.store, {}, new Date(Date.now() + 60_000));
    const newMqlTasks = () => loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("New MQL"));

    await sync();
    await tick();
    for (const id of [oceane, anais]) pricingAndDemo(loop, id);
    expect((await sync()).summary.handoffs).toBe(2);
    // Océane's Lead is converted with an opportunity, which is lost.
    await nextSecond();
    const conv = loop.salesforce.data.convertLead(leadOf(oceane).Id as string, { opportunityName: "Lumière – Audit énergétique" });
    await nextSecond();
    expect((await sync()).summary.conversions).toBe(1);
    await nextSecond();
    loop.salesforce.data.update("Opportunity", conv.opportunityId!, { StageName: "Closed Lost", CloseDate: "2026-11-30" });
    await nextSecond();
    expect((await sync()).summary.outcomes.lost).toBe(1);
    const before = await report();
    expect(before).toMatchObject({ mqls: 2, sqls: 1, opportunities: 1, lost: 1, handoffs: 2 });

    // After the last run, Anaïs's Lead is converted too; then the store is lost.
    await nextSecond();
    loop.salesforce.data.convertLead(leadOf(anais).Id as string, { opportunityName: "SGO – Verres progressifs" });
    await nextSecond();
    await loop.restart(() => rmSync(loop.storePath));
    const restored = await sync();
    // Océane's conversion was followed before the loss (her contact shows it); Anaïs's is new, and takes
    // her from MQL to opportunity, with no second handoff to the Contact her Lead became.
    expect(restored.summary).toMatchObject({ conversions: 1, handoffs: 0, outcomes: { won: 0, lost: 0 } });
    expect(restored.summary.dispositions.qualified).toBe(1);
    expect((await loop.store.currentStages([oceane, anais]))).toEqual(new Map([[oceane, "lost"], [anais, "opportunity"]]));
    expect(loop.hubspot.data.getObject("contacts", anais)!.properties).toMatchObject({ leadloop_status: "opportunity", hs_lead_status: "OPEN_DEAL" });
    expect(newMqlTasks()).toHaveLength(2);
    // Both handoffs come back, decided by the conversions: on the Contacts the Leads became, where
    // Salesforce moved the Leads' activities.
    const contactOf = (id: string) => loop.salesforce.data.list("Contact").find((c) => c.Id === leadOf(id).ConvertedContactId)!.Id;
    expect((await loop.store.listSlaClocks()).map((c) => [c.personId, c.crmId]).sort()).toEqual(
      [[oceane, contactOf(oceane)], [anais, contactOf(anais)]].sort(),
    );
    expect(await report()).toMatchObject({ handoffs: 2 });

    // The next run reads the converted Leads again (its look-back): neither moves anyone again.
    await nextSecond();
    const later = await sync();
    expect(later.summary).toMatchObject({ conversions: 0, handoffs: 0, outcomes: { won: 0, lost: 0 } });
    expect(later.summary.dispositions.qualified).toBe(0);
    expect(await report()).toMatchObject({ mqls: 2, sqls: 2, opportunities: 2, lost: 1 });
    expect((await loop.store.listFunnelEvents({ personId: oceane })).map((e) => e.toStage)).toEqual(["mql", "opportunity", "lost"]);
    expect(newMqlTasks()).toHaveLength(2);
    expect(loop.salesforce.data.list("Contact")).toHaveLength(2);
  });

  // The history fill is Salesforce's: with HubSpot as the CRM the person's record is the contact itself.
  if (crm === "salesforce") it("writes no history again on the Leads it filled before the loss", async () => {
    seedReps(loop);
    const oceane = seedProspect(loop);
    // Keen on behaviour but no first name: near-qualified, never handed off; a rep enters her as a Lead.
    const kasia = loop.hubspot.data.createObject("contacts", {
      email: "k.nowak@lumiere-energie.fr",
      lastname: "Nowak",
      jobtitle: "Head of Sales",
      company: "Société Lumière Énergie",
      country: "France",
    }).id;
    const funnel = funnelFor(loop, crm);
    const sync = () => loop.sync({ funnel });
    await sync();
    await tick();
    for (const id of [oceane, kasia]) pricingAndDemo(loop, id);
    expect((await sync()).summary.handoffs).toBe(1);
    await nextSecond();
    const repLead = loop.salesforce.data.insert("Lead", {
      LastName: "Nowak",
      Company: "Société Lumière Énergie",
      Email: "K.Nowak@Lumiere-Energie.fr",
      Title: "Head of Sales",
      Status: "Working - Contacted",
    });
    await nextSecond();
    await sync();
    // The rep's Lead shows Kasia's prior interest; Océane's Lead, handed off, is sent back to nurture.
    const lead = (id: string) => loop.salesforce.data.get("Lead", id)!;
    expect(String(lead(repLead).Leadloop_Activity_Summary__c)).toContain("Pricing");
    const oceaneLead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === oceane)!.Id as string;
    loop.salesforce.data.update("Lead", oceaneLead, { Status: "Closed - Not Converted" });
    await nextSecond();
    expect((await sync()).summary.dispositions.recycle).toBe(1);
    const leadsBefore = loop.salesforce.data.list("Lead");

    await nextSecond();
    await loop.restart(() => rmSync(loop.storePath));
    const restored = await sync();
    // Both links come back from their stamps: neither Lead is a rep's record met for the first time, and
    // their history, written by the fill and the handoff, stands as it is: not one field written again.
    expect(restored.summary.restored).toBeGreaterThanOrEqual(2);
    expect(restored.summary.updated.salesforce).toBe(0);
    expect(loop.salesforce.data.list("Lead")).toEqual(leadsBefore);
    await nextSecond();
    expect((await sync()).summary.updated.salesforce).toBe(0);
    expect(loop.salesforce.data.list("Lead")).toEqual(leadsBefore);
  });

  // With Salesforce: the disposition phase reads it the same way for either CRM, and HubSpot's search
  // index trails a status set seconds ago in real time, which this test's clock does not wait for.
  if (crm === "salesforce") it("takes the statuses that stood before the loss as seen, and a rep's verdict made since as a verdict", async () => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const now = () => new Date(clock.t);
    seedReps(loop);
    const oceane = seedProspect(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () =>
      loop.sync(crm === "salesforce" ? { funnel, now } : { funnel, now, mappings: [], crm: loop.hubspotAdapter });
    const setStatus = (status: string) => {
      const lead = loop.salesforce.data.list("Lead")[0]!;
      loop.salesforce.data.update("Lead", lead.Id as string, { Status: status }, now());
    };
    await sync();
    clock.t += 60_000;
    pricingAndDemo(loop, oceane);
    clock.t += 60_000;
    await sync();
    // The rep starts working the lead: a touch on the clock.
    clock.t += 10 * 60_000;
    setStatus("Working - Contacted");
    clock.t += 60_000;
    const working = await sync();
    expect(working.summary.dispositions.working).toBe(1);
    const [touched] = await loop.store.listSlaClocks({ personIds: [oceane] });
    expect(touched).toMatchObject({ touches: 1 });

    clock.t += 5 * 60_000;
    await loop.restart(() => rmSync(loop.storePath));
    const restored = await sync();
    // The standing status is no new verdict and no work of this run: its touch is the one the rep made
    // before the loss, at the time the Lead's status history shows, not a touch made now.
    expect(restored.summary.dispositions.working).toBe(0);
    expect((await loop.store.listSlaClocks({ personIds: [oceane] }))[0]).toMatchObject({
      touches: 1,
      firstTouchAt: touched!.firstTouchAt,
    });
    expect((await loop.store.currentStages([oceane])).get(oceane)).toBe("mql");

    // The rep's verdict after the loss is a verdict.
    clock.t += 60_000;
    setStatus("Closed - Unqualified");
    clock.t += 60_000;
    const trashed = await sync();
    expect(trashed.summary.dispositions.trash).toBe(1);
    expect(loop.hubspot.data.getObject("contacts", oceane)!.properties.leadloop_status).toBe("trash");
  });
});
