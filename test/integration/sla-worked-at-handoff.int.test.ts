// A rep who set a working status ("Working - Contacted", HubSpot's IN_PROGRESS) on the record before
// leadloop handed it to them, in an earlier run or in the handoff's own, has followed the lead up: the
// clock starts touched, their status stands, the "New MQL" task is written done and no breach follows.
// Before, the status had been read while no clock existed, so the clock waited at 0 touches, breached at
// its due time, and HubSpot's handoff wrote NEW over the rep's IN_PROGRESS. A lost store's restore gives
// the clock back with that touch, read from the record's status history. Both CRM modes, time injected.
import { rmSync } from "node:fs";
import { funnelFor, pricingAndDemo, REPS, seedCamille, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

const HOUR = 3_600_000;
type Crm = "salesforce" | "hubspot";
const WORKED: Record<Crm, { field: string; value: string }> = {
  salesforce: { field: "Status", value: "Working - Contacted" },
  hubspot: { field: "hs_lead_status", value: "IN_PROGRESS" },
};

/**
 * The record the rep works: a Lead of their own in Salesforce (the sync links it to her contact by email),
 * or the contact itself with HubSpot as the CRM.
 */
function crmRecordOf(loop: LoopHarness, crm: Crm, contactId: string, ownerId: string, status: string): string {
  if (crm === "hubspot") return contactId;
  return loop.salesforce.data.insert("Lead", {
    FirstName: "Camille",
    LastName: "Lefèvre",
    Email: "camille.lefevre@sgi-ingenierie.fr",
    Company: "Société Générale d'Ingénierie",
    Country: "France",
    Status: status,
    OwnerId: ownerId,
  });
}

function setStatus(loop: LoopHarness, crm: Crm, crmId: string, at: Date): void {
  const { field, value } = WORKED[crm];
  if (crm === "salesforce") loop.salesforce.data.update("Lead", crmId, { [field]: value }, at);
  else loop.hubspot.data.updateObject("contacts", crmId, { [field]: value });
}

function statusOf(loop: LoopHarness, crm: Crm, crmId: string): unknown {
  return crm === "salesforce"
    ? loop.salesforce.data.list("Lead").find((l) => l.Id === crmId)?.Status
    : loop.hubspot.data.getObject("contacts", crmId)?.properties.hs_lead_status;
}

/** The "New MQL" follow-up tasks on the record: whether each is still open. */
function followUpTasksOpen(loop: LoopHarness, crm: Crm, crmId: string): boolean[] {
  if (crm === "salesforce")
    return loop.salesforce.data
      .list("Task")
      .filter((t) => t.WhoId === crmId && String(t.Subject).startsWith("New MQL"))
      .map((t) => t.Status !== "Completed");
  return loop.hubspot.data
    .associationsOf("contacts", crmId, "tasks")
    .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties)
    .filter((t) => String(t.hs_task_subject).startsWith("New MQL"))
    .map((t) => t.hs_task_status !== "COMPLETED");
}

describe.each(["salesforce", "hubspot"] as const)("a record already worked at its handoff, crm: %s", (crm) => {
  let loop: LoopHarness | undefined;
  afterEach(async () => {
    await loop?.close();
    loop = undefined;
  });

  const cases: [string, boolean, boolean][] = [
    ["in an earlier run", true, false],
    ["in the handoff's own run", false, false],
  ];
  // A Lead the rep created at the working status: its history keeps no row for it.
  if (crm === "salesforce") cases.push(["when creating the Lead", true, true]);
  it.each(cases)("starts the clock touched when the rep set a working status %s", async (_when, runBetween, created) => {
    // Whole seconds: Salesforce keeps date-times to the second.
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const now = () => new Date(clock.t);
    loop = await startLoop({ now });
    const l = loop;
    const helene = seedReps(l).get(REPS.emea.email)!;
    const camille = seedCamille(l);
    const crmId = crmRecordOf(l, crm, camille, helene.salesforce, created ? WORKED[crm].value : "Open - Not Contacted");
    const funnel = funnelFor(l, crm);
    const sync = () => l.sync(crm === "salesforce" ? { funnel, now } : { funnel, now, mappings: [], crm: l.hubspotAdapter });
    // One clock for the emulators and the runs; each change lies a minute before the run that reads it,
    // past HubSpot's search lag.
    await sync();
    clock.t += 60_000;
    if (!created) setStatus(l, crm, crmId, now());
    if (runBetween) {
      clock.t += 60_000;
      expect((await sync()).summary.handoffs ?? 0).toBe(0);
    }
    clock.t += 60_000;
    pricingAndDemo(l, camille);
    clock.t += 60_000;
    const handoff = await sync();
    expect(handoff.summary.handoffs).toBe(1);
    const [started] = await l.store.listSlaClocks({ personIds: [camille] });
    expect(started).toMatchObject({ crmId, touches: 1, breachedAt: null });
    expect(started!.firstTouchAt).not.toBeNull();
    expect(started!.firstTouchAt! <= started!.handoffAt).toBe(true);
    // The rep's status stands; their follow-up task is done, as a first touch completes it.
    expect(statusOf(l, crm, crmId)).toBe(WORKED[crm].value);
    expect(followUpTasksOpen(l, crm, crmId)).toEqual([false]);

    // Past the due time (4 hours): no breach, nothing more written.
    clock.t += 5 * HOUR;
    const late = await sync();
    expect(late.summary.slaBreaches ?? 0).toBe(0);
    const [after] = await l.store.listSlaClocks({ personIds: [camille] });
    expect(after).toMatchObject({ touches: 1, breachedAt: null, ownerId: started!.ownerId });
    expect(statusOf(l, crm, crmId)).toBe(WORKED[crm].value);

    // The store is lost: the restore gives her clock back touched, as the clean run holds it.
    await l.restart(() => rmSync(l.storePath));
    clock.t += 60_000;
    const restored = await sync();
    expect(restored.summary.slaBreaches ?? 0).toBe(0);
    const [back] = await l.store.listSlaClocks({ personIds: [camille] });
    expect(back).toMatchObject({ crmId, touches: 1, breachedAt: null });
    expect(back!.firstTouchAt! <= back!.handoffAt).toBe(true);
    expect(followUpTasksOpen(l, crm, crmId)).toEqual([false]);
  });
});
