// A person's email or name changes after their handoff: `leadloop hot` and `leadloop sla` show the new one
// after the run that read the change, not one run later. With Salesforce a rep retypes it on the Lead and
// the run carries it to the contact; with HubSpot as the CRM the rep edits the contact itself.
import { funnelFor, hotEmails, loopConfig, startAnaisLoop } from "../support/funnel-harness.js";
import { runCli } from "../support/cli-run.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

const NEW_EMAIL = "anais.berenger-duval@sgo-optique.com";

describe.each(["salesforce", "hubspot"] as const)("a changed email or name in hot and sla, crm: %s", (crm) => {
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

  const slaNames = async () => {
    const sla = await runCli(["--config", loopConfig(loop, crm), "sla", "--json"], {}, undefined, { now });
    expect(sla.code).toBe(0);
    return (JSON.parse(sla.stdout) as { clocks: { name: string | null }[] }).clocks.map((c) => c.name);
  };

  const hotNames = async () => {
    const hot = await runCli(["--config", loopConfig(loop, crm), "hot", "--json"], {}, undefined, { now });
    expect(hot.code).toBe(0);
    return (JSON.parse(hot.stdout) as { name: string | null }[]).map((r) => r.name);
  };

  it("shows the new name after the run that read it, the part the rep left as it was kept", async () => {
    later();
    expect((await sync()).summary.handoffs).toBe(1);
    expect(await hotNames()).toEqual(["Anaïs Bérenger-Duval"]);
    later();
    // She married: the rep retypes the last name only (on the Lead, or the HubSpot contact as the CRM).
    const renamed = { lastname: "Bérenger-Lefèvre" };
    if (crm === "salesforce") {
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
      loop.salesforce.data.update("Lead", String(lead.Id), { LastName: renamed.lastname }, now());
    } else loop.hubspot.data.updateObject("contacts", personId, renamed);
    later();
    const run = await sync();
    expect(run.summary.errors).toMatchObject({ hubspot: 0 });
    expect(loop.hubspot.data.getObject("contacts", personId)!.properties.lastname).toBe("Bérenger-Lefèvre");
    expect(await hotNames()).toEqual(["Anaïs Bérenger-Lefèvre"]);
    expect(await slaNames()).toEqual(["Anaïs Bérenger-Lefèvre"]);
    // And her first name alone, the next week.
    later();
    if (crm === "salesforce") {
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
      loop.salesforce.data.update("Lead", String(lead.Id), { FirstName: "Anaïs-Marie" }, now());
    } else loop.hubspot.data.updateObject("contacts", personId, { firstname: "Anaïs-Marie" });
    later();
    await sync();
    expect(await hotNames()).toEqual(["Anaïs-Marie Bérenger-Lefèvre"]);
    expect(await slaNames()).toEqual(["Anaïs-Marie Bérenger-Lefèvre"]);
  });

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
