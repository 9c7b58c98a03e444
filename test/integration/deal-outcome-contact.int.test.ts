// What the marketer sees on the contact once its person's deal closes, in both CRM modes: the
// disposition reason names the outcome and the deal (a win's amount, a loss's reason where the CRM keeps
// one), the disposition date is when it closed, and hs_lead_status no longer says a deal is open. Written
// once: a re-read of the closed deal and a lost store's restore write nothing again; with HubSpot as the
// CRM the blank status is no rep's verdict, and the rep's next status is.
import { rmSync } from "node:fs";
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

const hs = () => loop.hubspot.data;
const sf = () => loop.salesforce.data;
const contact = (id: string) => hs().getObject("contacts", id)!.properties;
const leadOf = (hubspotId: string) => sf().list("Lead").find((l) => l.HubSpot_Contact_Id__c === hubspotId)!;
const OUTCOME_FIELDS = ["leadloop_disposition_reason", "leadloop_disposition_date", "hs_lead_status", "leadloop_status"];

/** The writes leadloop's audit holds of the closed deal's fields on these contacts. */
async function outcomeWrites(personIds: readonly string[]) {
  return (await loop.store.listAudit(personIds)).filter((a) => a.object === "contacts" && OUTCOME_FIELDS.includes(a.field));
}

/** A well-fitting prospect at a French or Spanish company. */
function prospect(email: string, firstname: string, lastname: string, company: string) {
  return hs().createObject("contacts", {
    email,
    firstname,
    lastname,
    jobtitle: "Directrice des Opérations",
    company,
    country: "France",
    hs_analytics_source: "PAID_SEARCH",
  }).id;
}

describe("a closed Opportunity on its contact, Salesforce as CRM", () => {
  const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });

  it("says won with the Opportunity and its amount, or lost, dated at the close, with no open deal, once", async () => {
    const elodie = prospect("Elodie.Marchand@Etudes-Generales.fr", "Élodie", "Marchand", "Études Générales");
    const inigo = prospect("inigo.nunez@Nunez-Logistica.es", "Iñigo", "Núñez", "Núñez Logística");
    await sync();
    await tick();
    pricingAndDemo(loop, elodie);
    pricingAndDemo(loop, inigo);
    expect((await sync()).summary.handoffs).toBe(2);
    await tick();
    const elodieConv = sf().convertLead(leadOf(elodie).Id as string, { opportunityName: "Études Générales – Pilote Île-de-France" });
    const inigoConv = sf().convertLead(leadOf(inigo).Id as string, { opportunityName: "Núñez Logística – Flota" });
    await tick();
    expect((await sync()).summary.conversions).toBe(2);
    expect(contact(elodie)).toMatchObject({ hs_lead_status: "OPEN_DEAL", leadloop_disposition_reason: "Converted to a contact and opportunity" });

    // Élodie's Opportunity is won, its close date still the forecast the rep left months ahead (ahead of
    // whenever the test runs: a fixed date passes, and would leave the forecast untested); Iñigo's is lost,
    // its close date today.
    await tick();
    const today = new Date().toISOString().slice(0, 10);
    const forecast = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
    sf().update("Opportunity", elodieConv.opportunityId!, { StageName: "Closed Won", Amount: 12000.5, CloseDate: forecast });
    sf().update("Opportunity", inigoConv.opportunityId!, { StageName: "Closed Lost", CloseDate: today });
    await tick();
    const closed = await sync();
    expect(closed.summary.outcomes).toEqual({ won: 1, lost: 1 });

    const wonAt = sf().get("Opportunity", elodieConv.opportunityId!)!.SystemModstamp as string;
    expect(contact(elodie)).toMatchObject({
      lifecyclestage: "customer",
      leadloop_status: "won",
      leadloop_disposition_reason: "Opportunity won: Études Générales – Pilote Île-de-France, 12,000.50",
    });
    expect(contact(inigo)).toMatchObject({
      lifecyclestage: "other",
      leadloop_status: "lost",
      leadloop_disposition_reason: "Opportunity lost: Núñez Logística – Flota",
    });
    for (const id of [elodie, inigo]) expect(contact(id).hs_lead_status || null).toBeNull();
    // A close date after the deal was closed is a forecast: the date is when the rep closed it. A
    // date-only close date on the conversion's day is that day's midnight, before the conversion: the same.
    expect(Date.parse(contact(elodie).leadloop_disposition_date!)).toBe(Date.parse(wonAt));
    expect(contact(inigo).leadloop_disposition_date!.slice(0, 10)).toBe(today);

    const writes = await outcomeWrites([elodie, inigo]);
    expect(writes.filter((w) => w.field === "leadloop_disposition_reason")).toHaveLength(4);

    // The rep corrects the won amount and the lost Opportunity's description: the deals are read again,
    // nobody moves, and the contacts are not written again.
    await tick();
    sf().update("Opportunity", elodieConv.opportunityId!, { Amount: 12750.25 });
    sf().update("Opportunity", inigoConv.opportunityId!, { Description: "Perdu face à un concurrent local" });
    await tick();
    const reread = await sync();
    expect(reread.summary.outcomes).toEqual({ won: 0, lost: 0 });
    expect(await outcomeWrites([elodie, inigo])).toHaveLength(writes.length);

    // The state store is lost: the run restores both from their contacts and writes neither again.
    await loop.restart(() => rmSync(loop.storePath));
    await tick();
    const restored = await sync();
    expect(restored.summary).toMatchObject({ conversions: 0, outcomes: { won: 0, lost: 0 } });
    expect((await loop.store.latestEvents([elodie, inigo])).get(inigo)?.stage).toBe("lost");
    expect(contact(elodie).leadloop_disposition_reason).toBe("Opportunity won: Études Générales – Pilote Île-de-France, 12,000.50");
    expect(contact(inigo)).toMatchObject({ leadloop_status: "lost", leadloop_disposition_reason: "Opportunity lost: Núñez Logística – Flota" });
    expect(await outcomeWrites([elodie, inigo])).toEqual([]);
  });
});

describe("a closed deal on its contact, HubSpot as CRM", () => {
  const sync = () => loop.sync({ funnel: funnelFor(loop, "hubspot"), mappings: [], crm: loop.hubspotAdapter });

  it("says won or lost with the deal, its amount or loss reason, at its close date; the blank status is no verdict, the rep's next one is", async () => {
    const maelle = prospect("Maelle.Rousseau@Brasserie-Oceane.fr", "Maëlle", "Rousseau", "Brasserie Océane");
    const joaquin = prospect("joaquin.pena@Bodegas-Pena.es", "Joaquín", "Peña", "Bodegas Peña");
    await sync();
    await tick();
    pricingAndDemo(loop, maelle);
    pricingAndDemo(loop, joaquin);
    await sync();

    // The reps accept both and open a deal for each.
    await tick();
    const deals = new Map<string, string>();
    for (const [id, name] of [
      [maelle, "Brasserie Océane – Abonnement Brassins"],
      [joaquin, "Bodegas Peña – Cuvée Añada"],
    ] as const) {
      hs().updateObject("contacts", id, { hs_lead_status: "OPEN_DEAL" });
      const deal = hs().createObject("deals", { dealname: name, dealstage: "presentationscheduled", amount: "7300.75", pipeline: "default" });
      hs().associate("deals", deal.id, "contacts", id);
      deals.set(id, deal.id);
    }
    await tick();
    expect((await sync()).summary.conversions).toBe(2);
    expect(contact(maelle)).toMatchObject({ leadloop_status: "opportunity", hs_lead_status: "OPEN_DEAL", leadloop_disposition_reason: "A deal is open" });

    // Closed: Maëlle's won, dated by the rep a moment before; Joaquín's lost, with HubSpot's loss reason.
    await tick(20);
    const closeDate = new Date(Date.now() - 10).toISOString();
    await tick();
    hs().updateObject("deals", deals.get(maelle)!, { dealstage: "closedwon", closedate: closeDate });
    hs().updateObject("deals", deals.get(joaquin)!, { dealstage: "closedlost", closed_lost_reason: "Budget gelé jusqu'à l'été" });
    await tick();
    const closed = await sync();
    expect(closed.summary.outcomes).toEqual({ won: 1, lost: 1 });
    expect(contact(maelle)).toMatchObject({
      lifecyclestage: "customer",
      leadloop_status: "won",
      leadloop_disposition_reason: "Deal won: Brasserie Océane – Abonnement Brassins, 7,300.75",
    });
    expect(Date.parse(contact(maelle).leadloop_disposition_date!)).toBe(Date.parse(closeDate));
    expect(contact(joaquin)).toMatchObject({
      leadloop_status: "lost",
      leadloop_disposition_reason: "Deal lost: Bodegas Peña – Cuvée Añada (Budget gelé jusqu'à l'été)",
    });
    for (const id of [maelle, joaquin]) expect(contact(id).hs_lead_status || null).toBeNull();
    const writes = await outcomeWrites([maelle, joaquin]);

    // The next run reads both contacts again (leadloop wrote them): the blank status is no verdict, and
    // nothing is written.
    await tick();
    const next = await sync();
    expect(next.summary.dispositions).toEqual({ qualified: 0, recycle: 0, trash: 0, unreachable: 0, working: 0 });
    expect(next.summary.outcomes).toEqual({ won: 0, lost: 0 });
    expect(await outcomeWrites([maelle, joaquin])).toHaveLength(writes.length);

    // Joaquín's rep puts him back to nurture: a verdict of its own, with its own reason, not the deal's.
    await tick();
    hs().updateObject("contacts", joaquin, { hs_lead_status: "BAD_TIMING" });
    await tick();
    const recycled = await sync();
    expect(recycled.summary.dispositions.recycle).toBe(1);
    expect(contact(joaquin)).toMatchObject({
      leadloop_status: "recycled",
      lifecyclestage: "lead",
      hs_lead_status: "BAD_TIMING",
      leadloop_disposition_reason: "Bad timing; back to nurture",
    });
  });
});
