// A person whose contact holds a customer's score (her company was a customer: the cross-sell rules and the
// upsell signal) whose company is no customer any more when the run that finds her own deal won reads her:
// the qualification, ahead of the deals phase, scores her as a prospect and decides that write; the deals
// phase then scores her as the customer she now is, which is what the contact holds. The run must write no
// score (the prospect's is stale), and the next, idle, run nothing. Before, the stale prospect score went out
// with the win and the run after wrote the customer's back. Both CRM modes, through the sync's public API.
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { openDeal, seedOceane } from "../support/won-deal.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

type Crm = "salesforce" | "hubspot";
const SCORE_FIELDS = ["leadloop_score", "leadloop_fit_score", "leadloop_behavior_score", "leadloop_upsell"] as const;

describe.each(["salesforce", "hubspot"] as const)("a customer's contact won again, crm: %s", (crm: Crm) => {
  let loop: LoopHarness;
  const { now, later, reset } = movingClock();
  afterEach(async () => {
    await loop.close();
  });

  it("writes no stale prospect score in the run that finds the win, and nothing the run after", async () => {
    reset();
    loop = await startLoop({ now });
    seedReps(loop);
    const l = loop;
    const hs = l.hubspot.data;
    const sf = l.salesforce.data;
    const sync = async () => {
      later();
      const funnel = funnelFor(l, crm);
      return (await l.sync(crm === "salesforce" ? { funnel } : { funnel, mappings: [], crm: l.hubspotAdapter })).summary;
    };
    const scoreOf = (id: string) => Object.fromEntries(SCORE_FIELDS.map((f) => [f, hs.getObject("contacts", id)!.properties[f] ?? null]));
    const { company, oceane } = seedOceane(l);
    await sync();
    pricingAndDemo(l, oceane);
    expect((await sync()).handoffs).toBe(1);

    // Sales accepts her and opens a deal.
    later();
    const won = openDeal(l, crm, oceane);
    expect((await sync()).conversions).toBe(1);

    // More than a year on (her visits out of the scoring window, her deal still open), another team's
    // contract makes her company a customer; her next change scores her as its contact.
    later(400 * 86_400_000);
    hs.updateObject("companies", company, { lifecyclestage: "customer" });
    hs.updateObject("contacts", oceane, { phone: "+33 4 72 00 00 01" });
    await sync();
    const asCustomer = scoreOf(oceane);
    // The cross-sell fit alone: no behaviour in the window, under the upsell threshold.
    expect(asCustomer).toEqual({ leadloop_score: "35", leadloop_fit_score: "35", leadloop_behavior_score: "0", leadloop_upsell: null });

    // That contract was booked in error (the marketer clears the company's stage), her number is corrected,
    // and her own deal is won, all before one run: the qualification scores her as a prospect (fit 40), the
    // deals phase as the customer she holds already.
    later();
    hs.updateObject("companies", company, { lifecyclestage: null });
    hs.updateObject("contacts", oceane, { phone: "+33 4 72 00 00 02" });
    won();
    const winRun = await sync();
    expect(winRun.outcomes).toEqual({ won: 1, lost: 0 });
    expect(hs.getObject("contacts", oceane)!.properties).toMatchObject({ lifecyclestage: "customer", leadloop_status: "won" });
    // The customer score she holds stands: the prospect's never reached the contact, nor her Contact.
    expect(scoreOf(oceane)).toEqual(asCustomer);
    if (crm === "salesforce")
      expect(sf.list("Contact").map((c) => [c.Leadloop_Score__c, c.Leadloop_Fit_Score__c])).toEqual([[35, 35]]);

    const idle = await sync();
    expect({ created: idle.created, updated: idle.updated }).toEqual({
      created: Object.fromEntries(Object.keys(idle.created).map((k) => [k, 0])),
      updated: Object.fromEntries(Object.keys(idle.updated).map((k) => [k, 0])),
    });
    expect(scoreOf(oceane)).toEqual(asCustomer);
  }, 120_000);
});
