// The runs inside the look-backs re-read every contact leadloop wrote a score to: a contact none of whose
// scoring inputs moved since it was scored keeps that score, unscored, within the hour it is checked to
// stand (ARCHITECTURE.md "One run", step 2, steady scores), while an edit made in the very millisecond of
// leadloop's write, which the contact's modification time cannot tell from the echo, is still scored.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jest } from "@jest/globals";
import { openStore } from "../../src/store/open-store.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { funnelFor, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

jest.setTimeout(120_000);

/** Past the HubSpot emulator's search index lag (5 s), well inside HubSpot's 30 s look-back. */
const PAST_SEARCH_LAG = 6_000;
const HOUR_MS = 3_600_000;

describe("a re-read contact whose score stands", () => {
  let loop: LoopHarness;
  let ahead = 0;
  const start = Date.parse("2026-11-16T09:30:00.000Z");
  const now = () => new Date(start + ahead);

  beforeEach(async () => {
    ahead = 0;
    loop = await startLoop({ now, hubspotLookbackMs: 30_000 });
    seedReps(loop);
  });
  afterEach(async () => loop.close());

  /** A 420-person software company in Sweden, and a person there who looked at the pricing page (unless not `visited`). */
  function seedPerson(email: string, firstname: string, lastname: string, jobtitle: string, visited = true): string {
    const company = loop.hubspot.data.createObject("companies", {
      name: "Nordlicht Ångström AB",
      domain: "nordlicht-angstrom.se",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "420",
      country: "Sweden",
    });
    const contact = loop.hubspot.data.createObject("contacts", {
      email,
      firstname,
      lastname,
      jobtitle,
      company: "Nordlicht Ångström AB",
      country: "Sweden",
    });
    loop.hubspot.data.associate("contacts", contact.id, "companies", company.id);
    if (visited)
      recordActivity(loop.hubspot.data, {
        contactId: contact.id,
        kind: "pageView",
        properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Pricing – Leadloop" },
      });
    ahead += PAST_SEARCH_LAG;
    return contact.id;
  }

  const scoreOf = async (id: string) => (await loop.store.listPersonScores({ personIds: [id] }))[0]!;
  const sync = async () => {
    const result = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    expect(result.summary.status).toBe("succeeded");
    return result;
  };

  it("is not scored again when re-read for leadloop's own score write, and is once its hour has passed", async () => {
    const zoe = seedPerson("Zoe.Lindqvist@Nordlicht-Angstrom.se", "Zoë", "Lindqvist-Åberg", "Growth Marketing Manager");
    await sync();
    const scored = await scoreOf(zoe);
    expect(scored.scoredAt).toBe(now().toISOString());
    const contact = loop.hubspot.data.getObject("contacts", zoe)!.properties;
    expect(Number(contact.leadloop_score)).toBe(scored.score);
    expect(contact.leadloop_status ?? null).toBeNull(); // not an MQL: 45 points, 60 make one

    // The next run re-reads her (leadloop wrote her score after its signpost) and finds nothing moved.
    ahead += PAST_SEARCH_LAG;
    const echo = await sync();
    expect((echo.summary.updated as Record<string, number>).hubspot ?? 0).toBe(0);
    expect(await scoreOf(zoe)).toEqual(scored);

    // Ten minutes on, a marketer fills her mobile number (nothing the qualification reads): she is
    // re-read within the hour her score was checked to stand, and keeps it.
    ahead += 10 * 60_000;
    loop.hubspot.data.updateObject("contacts", zoe, { mobilephone: "+46 70 123 45 67" });
    ahead += PAST_SEARCH_LAG;
    await sync();
    expect(await scoreOf(zoe)).toEqual(scored);

    // Two hours on, the marketer corrects it: she is re-read past that hour, and scored again, to the
    // same points.
    ahead += 2 * HOUR_MS;
    loop.hubspot.data.updateObject("contacts", zoe, { mobilephone: "+46 70 123 45 76" });
    ahead += PAST_SEARCH_LAG;
    await sync();
    const again = await scoreOf(zoe);
    expect(again.scoredAt).toBe(now().toISOString());
    expect(again.score).toBe(scored.score);
  });

  it("scores an edit made in the millisecond of leadloop's write, which makes her an MQL", async () => {
    const marten = seedPerson("marten.angstrom@nordlicht-angstrom.se", "Mårten", "Ångström", "Growth Marketing Manager");
    await sync();
    const before = await scoreOf(marten);
    expect(before.score).toBeLessThan(60);
    // The clock has not moved: the marketer's new title carries the instant of leadloop's score write.
    loop.hubspot.data.updateObject("contacts", marten, { jobtitle: "Head of Growth" });
    ahead += PAST_SEARCH_LAG;
    const result = await sync();
    const after = await scoreOf(marten);
    expect(after.fit).toBe(before.fit + 20); // the decision-maker title's 20 points
    expect(loop.hubspot.data.getObject("contacts", marten)!.properties.leadloop_status).toBe("mql");
    expect(result.summary.handoffs).toBe(1);
    expect(loop.salesforce.data.list("Lead").filter((l) => l.HubSpot_Contact_Id__c === marten)).toHaveLength(1);
  });

  it("scores a form submission made in the millisecond of leadloop's write", async () => {
    const ines = seedPerson("ines.sjoberg@nordlicht-angstrom.se", "Inès", "Sjöberg", "Growth Marketing Manager");
    await sync();
    const before = await scoreOf(ines);
    recordActivity(loop.hubspot.data, {
      contactId: ines,
      kind: "formSubmission",
      properties: { hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo" },
    });
    ahead += PAST_SEARCH_LAG;
    const result = await sync();
    // The demo request's 40 points and any form submission's 5.
    expect((await scoreOf(ines)).behaviour).toBe(before.behaviour + 45);
    expect(result.summary.handoffs).toBe(1);
  });

  it("keeps the score of a person whose own Lead the history fill scored, and re-scores her record once sales merge it", async () => {
    const zoe = seedPerson("Zoe.Lindqvist@Nordlicht-Angstrom.se", "Zoë", "Lindqvist-Åberg", "Growth Marketing Manager");
    // A rep's own Lead for her, before leadloop's first run: it is linked by her email and filled with
    // her score and history (a mark on the Lead), though she is no MQL.
    const repLead = loop.salesforce.data.insert("Lead", {
      FirstName: "Zoë",
      LastName: "Lindqvist-Åberg",
      Company: "Nordlicht Ångström AB",
      Email: "zoe.lindqvist@nordlicht-angstrom.se",
      Title: "Growth Marketing Manager",
    });
    await sync();
    const leadOf = (id: string) => loop.salesforce.data.get("Lead", id)!;
    expect(Number(leadOf(repLead).Leadloop_Score__c)).toBe((await scoreOf(zoe)).score);
    ahead += PAST_SEARCH_LAG;
    await sync();
    const scored = await scoreOf(zoe);
    // Re-read again inside the look-back: nothing of hers moved, nor her Lead's mark.
    ahead += PAST_SEARCH_LAG;
    await sync();
    expect(await scoreOf(zoe)).toEqual(scored);

    // Sales merge her Lead into another rep's Lead for her: her record is that one now, which takes her
    // score in the run that next reads her (the merge moved her link, so her score stands no more).
    // The other Lead holds what hers does (the country as the field sync wrote it there), so the merge
    // changes nothing the qualification reads on her contact.
    const held = leadOf(repLead);
    const master = loop.salesforce.data.insert("Lead", {
      FirstName: held.FirstName,
      LastName: held.LastName,
      Company: held.Company,
      Email: held.Email,
      Title: held.Title,
      Country: held.Country,
    });
    loop.salesforce.data.merge("Lead", master, [repLead]);
    // Salesforce lists a deletion once its minute has passed (getDeleted ends at the minute's start).
    ahead += 90_000;
    await sync();
    expect((await loop.store.findLinkByMarketing("contact", zoe))?.crmId).toBe(master);
    // A marketer fills her mobile number (nothing the qualification reads), within her score's hour: she
    // is re-read, her contact otherwise as it was, and her score goes to the Lead that is her record now.
    loop.hubspot.data.updateObject("contacts", zoe, { mobilephone: "+46 70 123 45 67" });
    ahead += PAST_SEARCH_LAG;
    await sync();
    expect(Number(loop.hubspot.data.getObject("contacts", zoe)!.properties.leadloop_score)).toBe(scored.score);
    expect(Number(leadOf(master).Leadloop_Score__c)).toBe(scored.score);
    expect(String(leadOf(master).Leadloop_Activity_Summary__c)).toContain("Pricing – Leadloop");
    const audit = await loop.store.listAudit([master]);
    expect(audit.some((a) => a.field === "Leadloop_Score__c" && /re-scored after the history fill/.test(a.rule))).toBe(true);
  });

  it("keeps her score when her company is renamed, and scores her again when its head count moves", async () => {
    const zoe = seedPerson("Zoe.Lindqvist@Nordlicht-Angstrom.se", "Zoë", "Lindqvist-Åberg", "Growth Marketing Manager");
    await sync();
    const scored = await scoreOf(zoe);
    const company = loop.hubspot.data.getObject("contacts", zoe)!.properties.associatedcompanyid!;
    // The company's name (what the company sync writes from the CRM's Account) is no scoring input: she
    // is re-read for leadloop's own score write and keeps her score.
    loop.hubspot.data.updateObject("companies", company, { name: "Nordlicht Ångström Aktiebolag (Göteborg)" });
    ahead += PAST_SEARCH_LAG;
    await sync();
    expect(await scoreOf(zoe)).toEqual(scored);
    // Its head count is (the company-size rules): past 5,000 she is scored again, within her hour.
    loop.hubspot.data.updateObject("companies", company, { numberofemployees: "5200" });
    loop.hubspot.data.updateObject("contacts", zoe, { mobilephone: "+46 70 123 45 67" });
    ahead += PAST_SEARCH_LAG;
    await sync();
    const again = await scoreOf(zoe);
    expect(again.scoredAt).toBe(now().toISOString());
    expect(again.fit).not.toBe(scored.fit);
  });

  /** A rep's own Lead for a person, made in Salesforce before leadloop's first run. */
  const repLeadFor = (firstName: string, lastName: string, email: string, title: string) =>
    loop.salesforce.data.insert("Lead", { FirstName: firstName, LastName: lastName, Company: "Nordlicht Ångström AB", Email: email, Title: title });

  it("is not scored again in the run after the load whose own writes were her link and her Lead's score", async () => {
    // Zoë's own Lead is linked and filled with her score and history (a mark); Björn, who never visited,
    // is only linked to his (no behaviour, no history to fill).
    const zoe = seedPerson("Zoe.Lindqvist@Nordlicht-Angstrom.se", "Zoë", "Lindqvist-Åberg", "Growth Marketing Manager");
    const zoeLead = repLeadFor("Zoë", "Lindqvist-Åberg", "zoe.lindqvist@nordlicht-angstrom.se", "Growth Marketing Manager");
    const bjorn = seedPerson("  Bjorn.Ostergren@NORDLICHT-angstrom.se", "Björn", "Östergren", "Marketing Operations Specialist", false);
    repLeadFor("Björn", "Östergren", "bjorn.ostergren@nordlicht-angstrom.se", "Marketing Operations Specialist");
    await sync();
    const scored = { zoe: await scoreOf(zoe), bjorn: await scoreOf(bjorn) };
    expect(scored.zoe.scoredAt).toBe(now().toISOString());
    expect(Number(loop.salesforce.data.get("Lead", zoeLead)!.Leadloop_Score__c)).toBe(scored.zoe.score);
    expect((await loop.store.findLinkByMarketing("contact", bjorn))?.crmType).toBe("Lead");

    // The next run re-reads both (leadloop wrote their scores and linked them): nothing of theirs moved
    // but what the load wrote itself, so neither is scored again.
    ahead += PAST_SEARCH_LAG;
    const echo = await sync();
    expect(echo.summary.read.hubspot).toBeGreaterThanOrEqual(2);
    expect(await scoreOf(zoe)).toEqual(scored.zoe);
    expect(await scoreOf(bjorn)).toEqual(scored.bjorn);
  });

  it("scores her again once a rep converts her Lead after the load, and her Contact takes her score", async () => {
    const zoe = seedPerson("Zoe.Lindqvist@Nordlicht-Angstrom.se", "Zoë", "Lindqvist-Åberg", "Growth Marketing Manager");
    const zoeLead = repLeadFor("Zoë", "Lindqvist-Åberg", "zoe.lindqvist@nordlicht-angstrom.se", "Growth Marketing Manager");
    await sync();
    ahead += PAST_SEARCH_LAG;
    await sync();
    const scored = await scoreOf(zoe);

    const { contactId } = loop.salesforce.data.convertLead(zoeLead, { doNotCreateOpportunity: true });
    ahead += PAST_SEARCH_LAG;
    await sync();
    expect((await loop.store.findLinkByMarketing("contact", zoe))?.crmId).toBe(contactId);
    // Within her score's hour a marketer fills her mobile number (nothing the qualification reads): she is
    // re-read and scored again, as her record moved, and the Contact carries her score.
    loop.hubspot.data.updateObject("contacts", zoe, { mobilephone: "+46 70 123 45 67" });
    ahead += PAST_SEARCH_LAG;
    await sync();
    expect((await scoreOf(zoe)).scoredAt).toBe(now().toISOString());
    const contact = loop.salesforce.data.get("Contact", contactId)!;
    expect(Number(contact.Leadloop_Score__c)).toBe(scored.score);
    expect(String(contact.Leadloop_Activity_Summary__c)).toContain("Pricing – Leadloop");
  });
});

describe("the store's steady scores", () => {
  it("drops a person's row when behaviour is kept for her contact or her address, a funnel event or a CRM score mark", async () => {
    const store = await openStore({ path: join(mkdtempSync(join(tmpdir(), "leadloop-steady-")), "state.db") });
    const at = "2026-11-16T09:30:00.000Z";
    const row = (personId: string, email: string | null) => ({ personId, email, inputs: "9c1f03b2e4d5a6b7", untilMs: Date.parse(at) + HOUR_MS });
    const people = ["101", "102", "103", "104", "105"];
    await store.commitBatch({
      runId: "run-1",
      at,
      steadyScores: [
        row("101", "zoe.lindqvist@nordlicht-angstrom.se"),
        row("102", "marten.angstrom@nordlicht-angstrom.se"),
        row("103", "ines.sjoberg@nordlicht-angstrom.se"),
        row("104", null),
        row("105", "jose.nunez@exemple.es"),
      ],
    });
    expect([...(await store.steadyScores(people)).keys()].sort()).toEqual(people);
    const activity = (ownerKey: string, id: string) => ({
      ownerKey,
      id,
      kind: "email_click",
      occurredAt: at,
      properties: { hs_link_href: "https://www.leadloop-demo.com/pricing" },
      source: "email",
    });
    // An email event kept by address (a bulk read's, her signals need not have moved), an event by contact.
    await store.commitBatch({
      runId: "run-2",
      at,
      behaviour: [activity("email:zoe.lindqvist@nordlicht-angstrom.se", "e-1"), activity("contact:102", "e-2")],
    });
    expect([...(await store.steadyScores(people)).keys()].sort()).toEqual(["103", "104", "105"]);
    await store.commitBatch({
      runId: "run-3",
      at,
      funnelEvents: [
        { personId: "103", email: null, fromStage: "lead", toStage: "mql", at, cause: "requalified by an admin", runId: "run-3", source: null, campaign: null, ownerId: null, amount: null },
      ],
      crmScoreMarks: [{ personId: "104", crmType: "Lead", crmId: "00Q5g00000XyZaBAAZ", since: "handoff", score: 61.5, fit: 30, behaviour: 31.5, reasons: null, summary: null, at }],
      // A row with no time drops it.
      steadyScores: [{ personId: "105", email: null, inputs: "", untilMs: null }],
    });
    expect([...(await store.steadyScores(people)).keys()]).toEqual([]);
    await store.close();
  });

  it("drops a person's row on a link write only where it moves her from the record her CRM score mark is on", async () => {
    const store = await openStore({ path: join(mkdtempSync(join(tmpdir(), "leadloop-steady-")), "state.db") });
    const at = "2026-11-16T09:30:00.000Z";
    const row = (personId: string) => ({ personId, email: null, inputs: "9c1f03b2e4d5a6b7", untilMs: Date.parse(at) + HOUR_MS });
    const mark = (personId: string, crmId: string) => ({
      personId, crmType: "Lead", crmId, since: "history", score: 45, fit: 30, behaviour: 15, reasons: null, summary: null, at,
    });
    const link = (marketingId: string, crmType: string, crmId: string) => ({
      pair: "contact", marketingType: "contacts", marketingId, crmType, crmId, matchKey: `email:${marketingId}@nordlicht-angstrom.se`,
    });
    // 201 is linked with no mark; 202's mark is on the Lead she is linked to; 203's Lead became a Contact.
    await store.commitBatch({ runId: "run-1", at, crmScoreMarks: [mark("202", "00Q5g00000ZoeAAA"), mark("203", "00Q5g00000InesAA")] });
    await store.commitBatch({ runId: "run-1", at, steadyScores: [row("201"), row("202"), row("203")] });
    await store.commitBatch({
      runId: "run-2",
      at,
      links: [link("201", "Lead", "00Q5g00000BjoAAA"), link("202", "Lead", "00Q5g00000ZoeAAA"), link("203", "Contact", "0035g00000InesAA")],
    });
    expect([...(await store.steadyScores(["201", "202", "203"])).keys()].sort()).toEqual(["201", "202"]);
    await store.close();
  });
});
