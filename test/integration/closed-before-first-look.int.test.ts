// Leads a rep closed before leadloop was installed (Closed - Not Converted, Closed - Unqualified; with
// HubSpot as the CRM the contact's BAD_TIMING, UNQUALIFIED) are history at leadloop's first look: no
// recycle or trash in the run's summary nor in `report funnel`, no verdict written to the contact as if a
// rep had just decided it, and none after a lost store either. A person among them who qualifies is
// handed off on a record opened again, and the rep's verdict after that handoff counts as any does.
import { rmSync } from "node:fs";
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

type Crm = "salesforce" | "hubspot";

const CLOSED: Record<Crm, { recycle: string; trash: string; open: string }> = {
  salesforce: { recycle: "Closed - Not Converted", trash: "Closed - Unqualified", open: "Open - Not Contacted" },
  hubspot: { recycle: "BAD_TIMING", trash: "UNQUALIFIED", open: "NEW" },
};

/** People in both systems before leadloop's first run, each with the status a rep left them at last year. */
function seedClosedBefore(loop: LoopHarness, crm: Crm, people: { contact: Record<string, string>; status: string }[]): string[] {
  return people.map(({ contact, status }) => {
    if (crm === "hubspot") return loop.hubspot.data.createObject("contacts", { ...contact, hs_lead_status: status }).id;
    loop.salesforce.data.insert("Lead", {
      FirstName: contact.firstname,
      LastName: contact.lastname,
      Email: contact.email,
      Company: contact.company,
      Status: status,
    });
    return loop.hubspot.data.createObject("contacts", contact).id;
  });
}

describe.each(["salesforce", "hubspot"] as const)("statuses closed before leadloop's first look, crm: %s", (crm) => {
  let loop: LoopHarness;
  afterEach(async () => {
    await loop.close();
  });

  const sync = () => loop.sync({ funnel: funnelFor(loop, crm), ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
  const funnelReport = async () => {
    const out = await runCli(["report", "funnel", "--since", "2000-01-01", "--json", "--config", loopConfig(loop, crm)]);
    expect(out.code).toBe(0);
    return JSON.parse(out.stdout) as { recycled: number; dispositions: Record<string, number> };
  };
  const statusOf = (personId: string) =>
    crm === "hubspot"
      ? loop.hubspot.data.getObject("contacts", personId)!.properties.hs_lead_status
      : loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!.Status;

  it("counts none of them, writes no verdict to their contacts, hands off the one who qualifies on a reopened record, and counts the rep's verdict after it", async () => {
    loop = await startLoop();
    seedReps(loop);
    const anais = seedAnais(loop);
    const [bruno, chloe] = seedClosedBefore(loop, crm, [
      {
        contact: { email: "bruno.lefort@atelier-lefort.fr", firstname: "Bruno", lastname: "Lefort", company: "Atelier Lefort", country: "France" },
        status: CLOSED[crm].recycle,
      },
      {
        contact: { email: "chloe.nguyen@student.univ-lyon.fr", firstname: "Chloé", lastname: "Nguyen", company: "Université de Lyon", country: "France" },
        status: CLOSED[crm].trash,
      },
    ]);
    // Anaïs's old Lead was closed last year too; she is back on the pricing page and asks for a demo.
    if (crm === "salesforce")
      loop.salesforce.data.insert("Lead", {
        FirstName: "Anaïs",
        LastName: "Bérenger-Duval",
        Email: "anais.berenger@sgo-optique.fr",
        Company: "Société Générale d'Optique",
        Status: CLOSED[crm].recycle,
      });
    else loop.hubspot.data.updateObject("contacts", anais, { hs_lead_status: CLOSED[crm].recycle });
    pricingAndDemo(loop, anais);

    const first = await sync();
    expect(first.summary.dispositions).toMatchObject({ recycle: 0, trash: 0 });
    expect(first.summary.handoffs).toBe(1);
    // Her record opened for the rep she is handed to, not a closed lead with a task on it.
    expect(statusOf(anais)).toBe(CLOSED[crm].open);
    for (const id of [bruno!, chloe!]) {
      const contact = loop.hubspot.data.getObject("contacts", id)!.properties;
      const verdict = [contact.leadloop_status, contact.leadloop_disposition_reason, contact.leadloop_disposition_date];
      expect(verdict.map((v) => v ?? null)).toEqual([null, null, null]);
    }
    expect(await funnelReport()).toMatchObject({ recycled: 0, dispositions: { recycle: 0, trash: 0 } });

    // The store is lost: the restore counts none of them either.
    await tick();
    await loop.restart(() => rmSync(loop.storePath));
    const restored = await sync();
    expect(restored.summary.dispositions).toMatchObject({ recycle: 0, trash: 0 });
    expect(await funnelReport()).toMatchObject({ recycled: 0, dispositions: { recycle: 0, trash: 0 } });

    // A verdict after leadloop's handoff is the rep's, counted as any.
    await tick();
    if (crm === "salesforce") {
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === anais)!;
      loop.salesforce.data.update("Lead", String(lead.Id), { Status: CLOSED[crm].recycle });
    } else loop.hubspot.data.updateObject("contacts", anais, { hs_lead_status: CLOSED[crm].recycle });
    const decided = await sync();
    expect(decided.summary.dispositions).toMatchObject({ recycle: 1, trash: 0 });
    expect(await funnelReport()).toMatchObject({ recycled: 1, dispositions: { recycle: 1 } });
    expect(loop.hubspot.data.getObject("contacts", anais)!.properties.leadloop_status).toBe("recycled");
  });
});
