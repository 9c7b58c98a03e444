// A person's email changes after their handoff: `leadloop hot` and `leadloop sla` show the new address
// after the run that read the change, not one run later. With Salesforce a rep retypes it on the Lead and
// the run carries it to the contact; with HubSpot as the CRM the rep edits the contact itself.
import { funnelFor, hotEmails, loopConfig, startAnaisLoop } from "../support/funnel-harness.js";
import { runCli } from "../support/cli-run.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

const NEW_EMAIL = "anais.berenger-duval@sgo-optique.com";

describe.each(["salesforce", "hubspot"] as const)("a changed email in hot and sla, crm: %s", (crm) => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  beforeEach(async () => {
    ({ loop, personId } = await startAnaisLoop(now));
  });
  afterEach(async () => {
    await loop.close();
    reset();
  });

  const sync = () =>
    loop.sync({ funnel: funnelFor(loop, crm), ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });

  const slaEmails = async () => {
    const sla = await runCli(["--config", loopConfig(loop, crm), "sla", "--json"], {}, undefined, { now });
    expect(sla.code).toBe(0);
    return (JSON.parse(sla.stdout) as { clocks: { email: string | null }[] }).clocks.map((c) => c.email);
  };

  it("shows the new address after the run that read it", async () => {
    // Past HubSpot's search index lag, as after each change below.
    later();
    expect((await sync()).summary.handoffs).toBe(1);
    expect(await hotEmails(loop, crm, now)).toEqual(["anais.berenger@sgo-optique.fr"]);
    later();
    if (crm === "salesforce") {
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
      loop.salesforce.data.update("Lead", String(lead.Id), { Email: NEW_EMAIL }, now());
    } else loop.hubspot.data.updateObject("contacts", personId, { email: NEW_EMAIL });
    later();
    const run = await sync();
    expect(run.summary.errors).toMatchObject({ hubspot: 0 });
    if (crm === "salesforce") expect(run.summary.errors.salesforce).toBe(0);
    expect(loop.hubspot.data.getObject("contacts", personId)!.properties.email).toBe(NEW_EMAIL);
    expect(await hotEmails(loop, crm, now)).toEqual([NEW_EMAIL]);
    expect(await slaEmails()).toEqual([NEW_EMAIL]);
  });
});
