// A rep converts a handed-off Lead into an existing Contact that is already another person's record
// (Salesforce's convertLead with contactId: the duplicate-Lead case, or a rep's slip): Salesforce now says
// the two are one, as a merge of her Lead into that person's record does. The sync follows it as such a
// merge (ARCHITECTURE.md "Links"): her link retires, her follow-up clock stops, no new Lead is made for her,
// and every other record of the run goes on, where the link write that took her Contact stopped every
// run with a store error naming both people.
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

/** Past the HubSpot emulator's search index lag (5 s) and Salesforce's whole-second stamps. */
const STEP_MS = 6_000;

describe("a Lead converted into another person's Contact (crm: salesforce)", () => {
  let loop: LoopHarness;
  const { now, later, reset } = movingClock(STEP_MS);
  afterEach(async () => {
    await loop.close();
  });

  it.each([
    ["in the run after that Contact was linked", false],
    ["in the same run as the conversion that made it", true],
  ])("%s: the run goes on, her link retires and no Lead is made for her again", async (_, sameRun) => {
    reset();
    loop = await startLoop({ now });
    seedReps(loop);
    const funnel = funnelFor(loop, "salesforce");
    const anais = seedAnais(loop);
    const beatrice = seedAnais(loop, {
      email: "Beatrice.Lemaitre-Nunez@SGO-Optique.fr",
      firstname: "Béatrice",
      lastname: "Lemaître-Núñez",
      jobtitle: "Directrice Marketing",
    });
    pricingAndDemo(loop, anais);
    pricingAndDemo(loop, beatrice);
    later();
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(2);
    const leadOf = (personId: string) => loop.salesforce.data.list("Lead").filter((l) => l.HubSpot_Contact_Id__c === personId);
    const [anaisLead] = leadOf(anais);
    const [beatriceLead] = leadOf(beatrice);

    later();
    const made = loop.salesforce.data.convertLead(String(anaisLead!.Id), { opportunityName: "Société Générale d'Optique – Pilote" });
    if (!sameRun) {
      later();
      expect((await loop.sync({ funnel })).summary.status).toBe("succeeded");
    }
    later();
    loop.salesforce.data.convertLead(String(beatriceLead!.Id), { contactId: made.contactId, accountId: made.accountId, doNotCreateOpportunity: true });
    // A marketer's edit the same run carries: the run must reach it.
    loop.hubspot.data.updateObject("contacts", anais, { jobtitle: "Directrice Commerciale Europe" });
    later();
    const run = await loop.sync({ funnel });
    expect(run.summary.status).toBe("succeeded");
    expect((await loop.store.findLinkByMarketing("contact", anais))?.crmId).toBe(made.contactId);
    expect(await loop.store.findLinkByMarketing("contact", beatrice)).toBeUndefined();
    expect(loop.salesforce.data.get("Contact", made.contactId)?.Title).toBe("Directrice Commerciale Europe");
    expect(loop.salesforce.data.get("Contact", made.contactId)?.HubSpot_Contact_Id__c).toBe(anais);
    // Her clock stops as a deletion's does: no breach or alert on Anaïs's record for her.
    expect(await loop.store.listSlaClocks({ personIds: [beatrice], gone: false })).toEqual([]);
    expect(await loop.store.listSlaClocks({ personIds: [beatrice], gone: true })).toHaveLength(1);

    later(5 * 3_600_000);
    const next = await loop.sync({ funnel });
    expect(next.summary.status).toBe("succeeded");
    expect(next.summary.created.salesforce).toBe(0);
    expect(leadOf(beatrice)).toHaveLength(1);
    expect(loop.salesforce.data.list("Contact").filter((c) => c.HubSpot_Contact_Id__c === beatrice)).toEqual([]);
    // `explain` says where her record went.
    const explained = await runCli(["explain", "beatrice.lemaitre-nunez@sgo-optique.fr", "--config", loopConfig(loop, "salesforce")], {}, undefined, { now });
    expect(explained.stdout).toContain(
      `no CRM record: salesforce Lead ${String(beatriceLead!.Id)} converted into Contact ${made.contactId}, the record of contacts ${anais}`,
    );
  });
});
