// A follow-up clock on a Salesforce Contact (a customer's colleague, already a Contact in the org, who
// becomes an MQL) follows the Contact's owner when a manager reassigns it by hand, as a Lead's clock
// follows the Lead's: the new owner's call counts, the old rep gets no breach, and `sla` says why.
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, REPS, seedReps, seedSgiCompany } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

const HOUR = 3_600_000;

describe("follow-up SLA on a Salesforce Contact", () => {
  let loop: LoopHarness;

  beforeEach(async () => {
    loop = await startLoop();
  });

  afterEach(async () => {
    await loop.close();
  });

  it("follows the Contact's owner changed by hand: the clock, the HubSpot owner, the open task and `sla` move to the new rep", async () => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const reps = seedReps(loop);
    const helene = reps.get(REPS.emea.email)!;
    const jordan = reps.get(REPS.fallback.email)!;
    const company = seedSgiCompany(loop);
    const jonas = loop.hubspot.data.createObject("contacts", {
      email: "Jonas.Weiss@SGI-Ingenierie.fr",
      firstname: "Jonas",
      lastname: "Weiß",
      jobtitle: "Head of Operations",
      company: "Société Générale d'Ingénierie",
      country: "France",
    });
    loop.hubspot.data.associate("contacts", jonas.id, "companies", company);
    // The org knows him already, as a Contact of the customer's Account.
    const account = loop.salesforce.data.insert("Account", { Name: "Société Générale d'Ingénierie", Website: "sgi-ingenierie.fr" });
    const contactId = loop.salesforce.data.insert("Contact", {
      FirstName: "Jonas",
      LastName: "Weiß",
      Email: "jonas.weiss@sgi-ingenierie.fr",
      AccountId: account,
    });
    const funnel = funnelFor(loop, "salesforce");
    const sync = () => loop.sync({ funnel, now: () => new Date(clock.t) });

    await sync();
    clock.t += 60_000;
    pricingAndDemo(loop, jonas.id);
    clock.t += 60_000;
    expect((await sync()).summary.handoffs).toBe(1);
    const handoffAt = clock.t;
    const [handedOff] = await loop.store.listSlaClocks();
    expect(handedOff).toMatchObject({ personId: jonas.id, crmType: "Contact", crmId: contactId, ownerId: helene.salesforce });

    // An hour in, the manager gives Jonas to Jordan in Salesforce; Jordan calls him half an hour later.
    clock.t = handoffAt + HOUR;
    loop.salesforce.data.update("Contact", contactId, { OwnerId: jordan.salesforce });
    loop.salesforce.data.insert(
      "Task",
      { Subject: "Appel — tarifs", Status: "Completed", Priority: "Normal", TaskSubtype: "Call", Type: "Call", WhoId: contactId, OwnerId: jordan.salesforce },
      new Date(handoffAt + 90 * 60_000),
    );
    clock.t = handoffAt + 2 * HOUR;
    expect((await sync()).summary.slaBreaches).toBe(0);
    expect((await loop.store.listSlaClocks())[0]).toMatchObject({
      crmId: contactId,
      ownerId: jordan.salesforce,
      handoffAt: new Date(handoffAt).toISOString(),
      touches: 1,
    });
    expect(loop.hubspot.data.getObject("contacts", jonas.id)!.properties.hubspot_owner_id).toBe(jordan.hubspot);
    const followUps = loop.salesforce.data
      .list("Task")
      .filter((t) => t.WhoId === contactId && String(t.Subject).startsWith("New MQL"))
      .map((t) => t.OwnerId);
    expect(followUps).toEqual([jordan.salesforce]);

    // Past the due time: no breach against Hélène, who no longer holds him.
    clock.t = handoffAt + 5 * HOUR;
    expect((await sync()).summary.slaBreaches).toBe(0);
    expect(await loop.store.listSlaBreaches()).toEqual([]);

    const configPath = loopConfig(loop, "salesforce");
    const board = await runCli(["--config", configPath, "sla", "--json"]);
    expect(board.code).toBe(0);
    expect((JSON.parse(board.stdout) as { clocks: Record<string, unknown>[] }).clocks.map((r) => [r.owner, r.email, r.cause])).toEqual([
      [REPS.fallback.email, "jonas.weiss@sgi-ingenierie.fr", `reassigned in the CRM to ${REPS.fallback.email} at ${new Date(handoffAt + 2 * HOUR).toISOString()}`],
    ]);
  });
});
