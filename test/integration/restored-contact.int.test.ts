// A contact the marketer deletes to HubSpot's recycle bin and restores (the same id, within 90 days) comes
// back as she was: her link to her Lead, her follow-up clock if it had not fallen due, and her rep's
// follow-up task, which the deletion had completed, open again; with HubSpot as the CRM and with
// Salesforce (ARCHITECTURE.md "The follow-up SLA", a deleted record; FIDELITY.md, the restore row).
import { funnelFor, hotEmails, startAnaisLoop } from "../support/funnel-harness.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

const EMAIL = "anais.berenger@sgo-optique.fr";
/** Past the shipped sla.yaml's follow-up time (4 h). */
const PAST_DUE_MS = 5 * 60 * 60_000;

describe("a contact restored from HubSpot's recycle bin", () => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  const sync = (crm: "salesforce" | "hubspot") =>
    loop.sync(crm === "salesforce" ? { funnel: funnelFor(loop, crm) } : { funnel: funnelFor(loop, crm), mappings: [], crm: loop.hubspotAdapter });
  /** The "New MQL" task's status, wherever the CRM keeps it. */
  const newMql = (crm: "salesforce" | "hubspot") =>
    crm === "salesforce"
      ? loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("New MQL")).map((t) => String(t.Status))
      : loop.hubspot.data.listObjects("tasks").filter((t) => t.properties.hs_task_subject?.startsWith("New MQL")).map((t) => t.properties.hs_task_status);
  const open = { salesforce: "Not Started", hubspot: "NOT_STARTED" };
  const done = { salesforce: "Completed", hubspot: "COMPLETED" };

  beforeEach(async () => {
    reset();
    ({ loop, personId } = await startAnaisLoop(now));
    later();
  });
  afterEach(async () => {
    await loop.close();
  });

  /** Handed off, then archived by the marketer: the run follows it, her clock stops and her task is completed. */
  async function archivedAfterHandoff(crm: "salesforce" | "hubspot"): Promise<void> {
    expect((await sync(crm)).summary.handoffs).toBe(1);
    later();
    loop.hubspot.data.archiveObject("contacts", personId);
    expect((await sync(crm)).summary.status).toBe("succeeded");
    expect(await loop.store.listSlaClocks({ personIds: [personId], gone: false })).toEqual([]);
    expect(newMql(crm)).toEqual([done[crm]]);
    later();
  }

  it.each(["salesforce", "hubspot"] as const)(
    "%s: restored before her follow-up fell due, her clock runs again, her New MQL task is open again, and a missed follow-up is a breach",
    async (crm) => {
      await archivedAfterHandoff(crm);
      loop.hubspot.data.restoreObject("contacts", personId);
      later();
      const run = await sync(crm);
      expect(run.summary.status).toBe("succeeded");
      expect(run.summary.created).toEqual(crm === "salesforce" ? { hubspot: 0, salesforce: 0 } : { hubspot: 0 });
      expect(newMql(crm)).toEqual([open[crm]]);
      expect((await loop.store.listSlaClocks({ personIds: [personId], gone: false })).map((c) => c.personId)).toEqual([personId]);
      expect(await hotEmails(loop, crm, now)).toEqual([EMAIL]);
      if (crm === "salesforce") {
        const leadId = String(loop.salesforce.data.list("Lead")[0]!.Id);
        expect(loop.salesforce.data.list("Lead")).toHaveLength(1);
        expect((await loop.store.findLinkByMarketing("contact", personId))?.crmId).toBe(leadId);
      }
      // Her rep does not follow her up: her clock runs out as any other.
      later(PAST_DUE_MS);
      expect((await sync(crm)).summary.slaBreaches).toBe(1);
    },
  );

  it.each(["salesforce", "hubspot"] as const)(
    "%s: restored after her follow-up would have fallen due, her clock stays closed as the deletion left it: no breach, her task stays completed",
    async (crm) => {
      await archivedAfterHandoff(crm);
      later(PAST_DUE_MS);
      loop.hubspot.data.restoreObject("contacts", personId);
      later();
      expect((await sync(crm)).summary.slaBreaches).toBe(0);
      later();
      expect((await sync(crm)).summary.slaBreaches).toBe(0);
      expect(newMql(crm)).toEqual([done[crm]]);
      expect(await loop.store.listSlaClocks({ personIds: [personId], gone: false })).toEqual([]);
      expect(await loop.store.listSlaBreaches()).toEqual([]);
    },
  );
});
