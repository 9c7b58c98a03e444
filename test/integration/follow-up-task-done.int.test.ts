// The rep's "New MQL: follow up" task is completed once the follow-up is done, in both CRM modes against
// the strict emulators: not before the rep acts, after the status they set, a call they log, a verdict or
// a conversion; a person handed off again after a recycle has one open follow-up task, not the first one
// a month overdue beside the new one; and a task the rep deferred stays theirs.
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import { funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

const DAY_MS = 86_400_000;

type Crm = "salesforce" | "hubspot";

const STATUS: Record<Crm, { working: string; qualified: string; recycle: string }> = {
  salesforce: { working: "Working - Contacted", qualified: "Closed - Converted", recycle: "Closed - Not Converted" },
  hubspot: { working: "IN_PROGRESS", qualified: "CONNECTED", recycle: "BAD_TIMING" },
};

/** The task statuses each CRM's task object offers, by meaning. */
const TASK: Record<Crm, { open: string; done: string; deferred: string }> = {
  salesforce: { open: "Not Started", done: "Completed", deferred: "Deferred" },
  hubspot: { open: "NOT_STARTED", done: "COMPLETED", deferred: "DEFERRED" },
};

describe.each(["salesforce", "hubspot"] as const)("the follow-up task with crm: %s", (crm) => {
  let loop: LoopHarness;
  let funnel: FunnelSetup;
  let personId: string;
  let reps: ReturnType<typeof seedReps>;

  const sync = (now?: () => Date) =>
    loop.sync({ funnel, ...(now ? { now } : {}), ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
  const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
  /** The person's CRM record now (a converted Lead's Contact, where Salesforce moved its tasks). */
  const crmId = async () => (await loop.store.listSlaClocks({ personIds: [personId] }))[0]!.crmId;

  /** leadloop's follow-up tasks for the person, as the rep's task list shows them. */
  async function followUps(): Promise<{ id: string; subject: string; status: string; closed: boolean }[]> {
    if (crm === "salesforce") {
      const ids = new Set([String(lead().Id), String(lead().ConvertedContactId ?? "")]);
      return loop.salesforce.data
        .list("Task")
        .filter((t) => ids.has(String(t.WhoId)) && String(t.Leadloop_Activity_Key__c ?? "").startsWith("leadloop:handoff:"))
        .map((t) => ({ id: String(t.Id), subject: String(t.Subject), status: String(t.Status), closed: t.IsClosed === true }));
    }
    return loop.hubspot.data
      .associationsOf("contacts", personId, "tasks")
      .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!)
      .filter((t) => String(t.properties.leadloop_activity_key ?? "").startsWith("leadloop:handoff:"))
      .map((t) => ({
        id: t.id,
        subject: String(t.properties.hs_task_subject),
        status: String(t.properties.hs_task_status),
        closed: t.properties.hs_task_status === "COMPLETED",
      }));
  }

  /** What the rep does in the CRM: sets the person's lead status. */
  function setStatus(status: string, at = new Date()): void {
    if (crm === "hubspot") loop.hubspot.data.updateObject("contacts", personId, { hs_lead_status: status }, at);
    else loop.salesforce.data.update("Lead", String(lead().Id), { Status: status }, at);
  }

  /** The rep changes leadloop's task themselves. */
  function setTaskStatus(taskId: string, status: string, at: Date): void {
    if (crm === "hubspot") loop.hubspot.data.updateObject("tasks", taskId, { hs_task_status: status }, at);
    else loop.salesforce.data.update("Task", taskId, { Status: status }, at);
  }

  beforeEach(async () => {
    loop = await startLoop();
    reps = seedReps(loop);
    funnel = funnelFor(loop, crm);
    personId = seedAnais(loop);
    pricingAndDemo(loop, personId);
    expect((await sync()).summary.handoffs).toBe(1);
    await tick(1_100); // Salesforce stamps whole seconds: the rep's edit lands after leadloop's writes
  });
  afterEach(async () => {
    await loop.close();
  });

  it("stays open until the rep acts, and is completed after the status they set", async () => {
    const [task] = await followUps();
    expect(task).toMatchObject({ subject: expect.stringMatching(/^New MQL/), status: TASK[crm].open, closed: false });
    await sync();
    expect(await followUps()).toEqual([task]);

    setStatus(STATUS[crm].working);
    await sync();
    expect(await followUps()).toEqual([{ ...task, status: TASK[crm].done, closed: true }]);
  });

  it("is completed after a call the rep logs", async () => {
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const owner = reps.get("helene.dubois@leadloop-demo.com")![crm];
    const on = await crmId();
    if (crm === "salesforce")
      loop.salesforce.data.insert(
        "Task",
        { Subject: "Appel découverte", Status: "Completed", TaskSubtype: "Call", ActivityDate: at.toISOString().slice(0, 10), WhoId: on, OwnerId: owner },
        at,
      );
    else {
      const call = loop.hubspot.data.createObject(
        "calls",
        { hs_call_title: "Appel découverte", hs_call_status: "COMPLETED", hs_call_direction: "OUTBOUND", hs_timestamp: at.toISOString(), hubspot_owner_id: owner },
        at,
      );
      loop.hubspot.data.associate("calls", call.id, "contacts", on);
    }
    await sync();
    expect((await loop.store.listSlaClocks({ personIds: [personId] }))[0]?.firstTouchAt).not.toBeNull();
    expect((await followUps()).map((t) => t.status)).toEqual([TASK[crm].done]);
  });

  it("is completed after a qualifying verdict or a conversion", async () => {
    if (crm === "salesforce")
      loop.salesforce.data.convertLead(String(lead().Id), { convertedStatus: STATUS.salesforce.qualified, opportunityName: "SGO - New Business" });
    else setStatus(STATUS.hubspot.qualified);
    await sync();
    expect((await followUps()).map((t) => [t.status, t.closed])).toEqual([[TASK[crm].done, true]]);
  });

  it("a second handoff after a recycle leaves one open follow-up task", async () => {
    setStatus(STATUS[crm].recycle);
    await sync();
    expect((await followUps()).map((t) => t.status)).toEqual([TASK[crm].done]);
    // New behaviour after the verdict qualifies her again; the cool-down (30 days) holds the handoff.
    await tick();
    recordActivity(loop.hubspot.data, {
      contactId: personId,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Tarifs" },
    });
    await sync();
    await tick();
    const later = new Date(Date.now() + 31 * DAY_MS);
    expect((await sync(() => later)).summary.handoffs).toBe(1);
    const tasks = await followUps();
    expect(tasks).toHaveLength(2);
    const open = tasks.filter((t) => !t.closed);
    expect(open.map((t) => t.status)).toEqual([TASK[crm].open]);

    // The rep defers the new task, then works the lead (the clock's first touch): the task they changed
    // stays as they set it.
    setTaskStatus(open[0]!.id, TASK[crm].deferred, new Date(later.getTime() + 10_000));
    setStatus(STATUS[crm].working, new Date(later.getTime() + 20_000));
    await sync(() => new Date(later.getTime() + 60_000));
    const [clock] = await loop.store.listSlaClocks({ personIds: [personId] });
    expect(clock?.firstTouchAt).not.toBeNull();
    expect(await followUps()).toEqual(tasks.map((t) => (t.id === open[0]!.id ? { ...t, status: TASK[crm].deferred } : t)));
  });
});
