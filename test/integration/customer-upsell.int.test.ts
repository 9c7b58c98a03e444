// The upsell signal of a customer, in both CRM modes: the demo request and pricing visits that led to the
// purchase do not make a new customer an upsell (`leadloop_upsell` stays blank), a demo request after the
// win does, and the contact's reasons say it came since she became a customer (ARCHITECTURE.md,
// "Customers and the upsell signal").
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { acceptWithDeal, funnelFor, startAnaisLoop } from "../support/funnel-harness.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

type Crm = "salesforce" | "hubspot";
const DAY_MS = 86_400_000;

describe("a customer's upsell signal", () => {
  let loop: LoopHarness;
  let anais: string;
  const { now, later, reset } = movingClock();

  beforeEach(async () => {
    reset();
    ({ loop, personId: anais } = await startAnaisLoop(now));
    later();
  });
  afterEach(async () => {
    await loop.close();
  });

  const contact = () => loop.hubspot.data.getObject("contacts", anais)!.properties;
  const sync = (crm: Crm) =>
    crm === "salesforce"
      ? loop.sync({ funnel: funnelFor(loop, crm) })
      : loop.sync({ funnel: funnelFor(loop, crm), mappings: [], crm: loop.hubspotAdapter });

  /** Her rep converts her (an Opportunity, or a deal on an accepted contact) and wins it. */
  async function winHerDeal(crm: Crm): Promise<void> {
    if (crm === "salesforce") {
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === anais)!;
      const { opportunityId } = loop.salesforce.data.convertLead(String(lead.Id), {
        opportunityName: "SGO Optique – Déploiement Île-de-France",
      });
      later();
      await sync(crm);
      later();
      const today = now().toISOString().slice(0, 10);
      loop.salesforce.data.update("Opportunity", opportunityId!, { StageName: "Closed Won", Amount: 18400, CloseDate: today });
    } else {
      const dealId = acceptWithDeal(loop, anais, "SGO Optique – Déploiement Île-de-France", "18400");
      later();
      await sync(crm);
      later();
      loop.hubspot.data.updateObject("deals", dealId, { dealstage: "closedwon", closedate: now().toISOString() });
    }
    later();
    expect((await sync(crm)).summary.outcomes).toEqual({ won: 1, lost: 0 });
  }

  it.each(["salesforce", "hubspot"] as const)(
    "with %s as CRM: not raised by what led to the purchase, raised by a demo request a month after it",
    async (crm) => {
      expect((await sync(crm)).summary.handoffs).toBe(1);
      later();
      await winHerDeal(crm);
      expect(contact()).toMatchObject({ lifecyclestage: "customer", leadloop_status: "won" });
      const wonDay = contact().leadloop_disposition_date!.slice(0, 10);

      // The next run scores her as a customer: the cross-sell fit alone (outside the teams using us: 10).
      later();
      await sync(crm);
      expect(contact()).toMatchObject({ leadloop_score: "10", leadloop_behavior_score: "0" });
      expect(contact().leadloop_upsell || null).toBeNull();

      // A month on she asks for a demo again: 40 for the demo, 5 for a form, 10 of fit ≥ 40, and the reasons say why.
      later(30 * DAY_MS);
      // The day she asked, taken when she asks: the run a step later can fall on the next day.
      const askedAt = now();
      const askedOn = askedAt.toISOString().slice(0, 10);
      recordActivity(loop.hubspot.data, {
        contactId: anais,
        kind: "formSubmission",
        occurredAt: askedAt,
        properties: { hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo/équipe-élargie" },
      });
      later();
      await sync(crm);
      expect(contact()).toMatchObject({ leadloop_upsell: "true", leadloop_score: "55", leadloop_behavior_score: "45" });
      // (The minute or so since her request leaves a trace of decay, which the reason notes after these words.)
      expect(contact().leadloop_reasons!.split("\n")[0]).toMatch(
        new RegExp(`^\\+40 Requested a demo since becoming a customer on ${wonDay}: 1 form submission, latest ${askedOn}\\b`),
      );
    },
  );
});
