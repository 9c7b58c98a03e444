// A handoff cut between its parts, refused, then lost with the store (the faults story's HubSpot seed 33):
// the run that hands Anaïs off to Hélène is stopped (as SIGTERM stops a daemon's run) once the rep's "New
// MQL" task is created and before the record's write (owner, MQL date); the next run's write is refused
// and queued (Hélène deactivated, or a passing fault), and the store is lost. The first run after the loss
// finds the handoff by leadloop's own task (its key), not by the record the refused write left without
// owner or MQL date: the clock comes back Hélène's, from the task's creation; a deal the rep opened closes
// her task as any other (README, the follow-up SLA: "one a deactivated rep still holds is no gift: its
// close is tried ... after a lost store too"), and the record's write is sent again (refused and queued
// again while she stays deactivated).
// Without a loss, the same cut and refusal: her manager then gives the lead to Jordan and disqualifies it
// (or a deal is opened for the lead). The run after it completes her task (no clock had started: the
// handoff's last write waited; Salesforce refuses the close for her sake, queued), and the
// refused write retried once she is back leaves the manager's owner and status, sends the rest, and says
// so in the resolved entry (README, the error queue); so does the run after the cut itself, where the
// manager decided before it sent the handoff's write.
import { rmSync } from "node:fs";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import { acceptWithDeal, anaisAboutToQualify, funnelFor, REPS, seedReps, TASK_STATUS } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

type Crm = "salesforce" | "hubspot";

describe.each(["hubspot", "salesforce"] as const)("a refused handoff lost with the store, crm: %s", (crm: Crm) => {
  let loop: LoopHarness;
  let funnel: FunnelSetup;
  let personId: string;
  let helene: string;
  let jordan: string;
  const clock = { t: 0 };

  const sync = (options: { signal?: AbortSignal } = {}) =>
    loop.sync({ funnel, now: () => new Date(clock.t), ...options, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
  const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;

  /** leadloop's "New MQL" tasks of the person: id, holder and status. */
  function followUps(): { id: string; ownerId: string; status: string }[] {
    if (crm === "salesforce") {
      // Converting the Lead moves its tasks to the Contact it became.
      const who = new Set([String(lead().Id), String(lead().ConvertedContactId ?? "")]);
      return loop.salesforce.data
        .list("Task")
        .filter((t) => who.has(String(t.WhoId)) && String(t.Subject).startsWith("New MQL"))
        .map((t) => ({ id: String(t.Id), ownerId: String(t.OwnerId), status: String(t.Status) }));
    }
    return loop.hubspot.data
      .associationsOf("contacts", personId, "tasks")
      .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!)
      .filter((t) => String(t.properties.hs_task_subject).startsWith("New MQL"))
      .map((t) => ({ id: t.id, ownerId: String(t.properties.hubspot_owner_id), status: String(t.properties.hs_task_status) }));
  }

  /** The CRM record's owner and MQL date as the handoff's record write would set them. */
  function handoffFields(): { owner: string | null; mqlDate: string | null } {
    if (crm === "salesforce") return { owner: String(lead().OwnerId), mqlDate: (lead().Leadloop_MQL_Date__c as string | null) ?? null };
    const c = loop.hubspot.data.getObject("contacts", personId)!;
    return { owner: c.properties.hubspot_owner_id ?? null, mqlDate: c.properties.leadloop_mql_date ?? null };
  }

  /**
   * Stops the run as soon as the CRM's task write is on its way: the run sends nothing after it, so the
   * handoff's record write waits in the outbox (a daemon's SIGTERM at the task's create).
   */
  function stopAfterTaskWrite(): AbortController {
    const stop = new AbortController();
    const faults = crm === "salesforce" ? loop.salesforce.faults : loop.hubspot.faults;
    const take = faults.take.bind(faults);
    faults.take = (method, path) => {
      if (method !== "GET" && /\/objects\/tasks\/|\/sobjects\/Task\b/.test(path)) stop.abort();
      return take(method, path);
    };
    return stop;
  }

  beforeEach(async () => {
    clock.t = Math.floor(Date.now() / 1000) * 1000;
    loop = await startLoop({ now: () => new Date(clock.t) });
    const reps = seedReps(loop);
    helene = reps.get(REPS.emea.email)![crm];
    jordan = reps.get(REPS.fallback.email)![crm];
    funnel = funnelFor(loop, crm);
    personId = await anaisAboutToQualify(loop, sync, clock);
  });
  afterEach(async () => {
    await loop.close();
  });

  /** The run that hands Anaïs off stops once Hélène's task is created: the record's write waits. */
  async function cutHandoff(): Promise<{ taskId: string; handedAt: string }> {
    const stop = stopAfterTaskWrite();
    const handedAt = new Date(clock.t).toISOString();
    expect((await sync({ signal: stop.signal })).summary.status).toBe("stopped");
    const [task] = followUps();
    expect(followUps()).toEqual([{ id: task!.id, ownerId: helene, status: TASK_STATUS[crm].open }]);
    expect(handoffFields().owner).not.toBe(helene);
    return { taskId: task!.id, handedAt };
  }

  async function loseStore(): Promise<void> {
    await loop.restart(() => rmSync(loop.storePath));
    funnel = funnelFor(loop, crm);
    clock.t += 60_000;
  }

  /** The open error entries: record, operation and the refusal's code. */
  async function openErrors(): Promise<{ object: string; operation: string; code: string }[]> {
    return (await loop.store.listErrors({ status: "open" })).map((e) => ({ object: e.object, operation: e.operation, code: e.message.split(":")[0]! }));
  }

  it("Hélène deactivated and the write refused, the rep's deal after the loss closes her task (Salesforce: tries, and queues the refusal)", async () => {
    const { taskId, handedAt } = await cutHandoff();

    // Hélène leaves: the handoff's record write is refused, and queued.
    clock.t += 60_000;
    if (crm === "salesforce") loop.salesforce.data.update("User", helene, { IsActive: false });
    else loop.hubspot.data.deactivateOwner(helene);
    await sync();
    const refusal = crm === "salesforce" ? { object: "Lead", operation: "handoff", code: "INACTIVE_OWNER_OR_USER" } : { object: "contacts", operation: "handoff", code: "INVALID_OWNER_ID" };
    expect(await openErrors()).toEqual([refusal]);

    // The store is lost; the rep opens a deal on the lead (converts the Lead with an Opportunity) before the next run.
    await loseStore();
    if (crm === "salesforce")
      loop.salesforce.data.convertLead(String(lead().Id), { convertedStatus: "Closed - Converted", opportunityName: "Optique Bérenger — Démo" });
    else acceptWithDeal(loop, personId, "Optique Bérenger — Démo", "48000");
    clock.t += 60_000;
    expect((await sync()).summary.handoffs).toBe(0);

    // The clock is back, Hélène's from her task's creation, and stopped by the rep's decision.
    const [restored] = await loop.store.listSlaClocks();
    expect(restored).toMatchObject({ personId, ownerId: helene, handoffAt: handedAt, touches: 1 });
    if (crm === "salesforce") {
      // Her task is closed as any other: Salesforce refuses it for her sake, and the refusal is queued. The
      // converted Lead owes no write.
      expect(followUps()).toEqual([{ id: taskId, ownerId: helene, status: TASK_STATUS[crm].open }]);
      expect(await openErrors()).toEqual([{ object: "Task", operation: "sla", code: "INACTIVE_OWNER_OR_USER" }]);
    } else {
      // Her task is completed; the contact's write the handoff owes is refused again, and queued again.
      expect(followUps()).toEqual([{ id: taskId, ownerId: helene, status: TASK_STATUS[crm].done }]);
      expect(await openErrors()).toEqual([refusal]);
    }
  });

  it("refused for a passing fault and lost with the store, the handoff is completed from its task: the record gets Hélène and the MQL date", async () => {
    const { taskId, handedAt } = await cutHandoff();
    // The record's write is refused (a validation rule on the owner, say), and queued; the store is lost.
    if (crm === "salesforce") loop.salesforce.faults.add({ records: [{ object: "Lead", field: "OwnerId" }] });
    else loop.hubspot.faults.add({ records: [{ object: "contacts", field: "hubspot_owner_id" }] });
    clock.t += 60_000;
    await sync();
    expect((await openErrors()).map((e) => e.operation)).toEqual(["handoff"]);
    loop.salesforce.faults.clear();
    loop.hubspot.faults.clear();
    await loseStore();
    expect((await sync()).summary.handoffs).toBe(0);
    expect(followUps()).toEqual([{ id: taskId, ownerId: helene, status: TASK_STATUS[crm].open }]);
    const [restored] = await loop.store.listSlaClocks();
    expect(restored).toMatchObject({ personId, ownerId: helene, handoffAt: handedAt, touches: 0, firstTouchAt: null });
    expect(handoffFields()).toEqual({ owner: helene, mqlDate: expect.any(String) });
    expect(await openErrors()).toEqual([]);
  });

  const refusal = () =>
    crm === "salesforce"
      ? { object: "Lead", operation: "handoff", code: "INACTIVE_OWNER_OR_USER" }
      : { object: "contacts", operation: "handoff", code: "INVALID_OWNER_ID" };

  function setActive(ownerId: string, active: boolean): void {
    if (crm === "salesforce") loop.salesforce.data.update("User", ownerId, { IsActive: active });
    else if (active) loop.hubspot.data.reactivateOwner(ownerId);
    else loop.hubspot.data.deactivateOwner(ownerId);
  }

  /** The handoff cut after Hélène's task, and the next run's record write refused: she left meanwhile. */
  async function cutAndRefused(): Promise<{ taskId: string }> {
    const { taskId } = await cutHandoff();
    clock.t += 60_000;
    setActive(helene, false);
    await sync();
    expect(await openErrors()).toEqual([refusal()]);
    return { taskId };
  }

  /** Her manager takes the lead over: gives it to Jordan and disqualifies it, in the CRM. */
  function managerDisqualifies(): void {
    clock.t += 60_000;
    if (crm === "salesforce") loop.salesforce.data.update("Lead", String(lead().Id), { OwnerId: jordan, Status: "Closed - Unqualified" });
    else loop.hubspot.data.updateObject("contacts", personId, { hubspot_owner_id: jordan, hs_lead_status: "UNQUALIFIED" });
    clock.t += 60_000;
  }

  const status = () => (crm === "salesforce" ? String(lead().Status) : loop.hubspot.data.getObject("contacts", personId)!.properties.hs_lead_status);
  const retry = () => loop.retry({ funnel, now: () => new Date(clock.t), ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });

  it("the refused handoff write sent again after her manager decided leaves the manager's owner and status, and says why in the queue", async () => {
    const { taskId } = await cutAndRefused();
    managerDisqualifies();
    // Hélène is back, and an admin retries the queue as its entry says.
    setActive(helene, true);
    const retried = await retry();
    expect({ owner: handoffFields().owner, status: status() }).toEqual({
      owner: jordan,
      status: crm === "salesforce" ? "Closed - Unqualified" : "UNQUALIFIED",
    });
    expect(retried.resolved).toHaveLength(1);
    expect(await openErrors()).toEqual([]);
    const [entry] = await loop.store.listErrors({ status: "resolved" });
    expect(entry!.message).toMatch(/^sent without .*: changed in .* since leadloop decided this handoff write .*; the newer values stand/);
    // The rest of the handoff's write went: the MQL date. Its clock started with it, and the next run
    // takes the manager's move and verdict as any other: the task follows the lead to Jordan and is closed,
    // the manager's owner and status stand.
    expect(handoffFields().mqlDate).toEqual(expect.any(String));
    clock.t += 60_000;
    await sync();
    expect(followUps()).toEqual([{ id: taskId, ownerId: jordan, status: TASK_STATUS[crm].done }]);
    expect({ owner: handoffFields().owner, status: status() }).toEqual({
      owner: jordan,
      status: crm === "salesforce" ? "Closed - Unqualified" : "UNQUALIFIED",
    });
  });

  it("Hélène back and her manager's decision read by the next run, the refused handoff write it releases leaves the manager's owner and status", async () => {
    await cutAndRefused();
    setActive(helene, true);
    managerDisqualifies();
    // Salesforce: the Lead changed since the refusal, so the run sends the refused write again by itself.
    await sync();
    expect({ owner: handoffFields().owner, status: status() }).toEqual({
      owner: jordan,
      status: crm === "salesforce" ? "Closed - Unqualified" : "UNQUALIFIED",
    });
    // There, the rest of it (the MQL date) lands and its entry is resolved; HubSpot's waits for `errors retry`.
    if (crm === "salesforce") {
      expect(handoffFields().mqlDate).toEqual(expect.any(String));
      expect(await openErrors()).toEqual([]);
      const [entry] = await loop.store.listErrors({ status: "resolved" });
      expect(entry!.message).toMatch(/^sent without OwnerId: changed in salesforce Lead .* since leadloop decided this handoff write/);
    } else expect(await openErrors()).toEqual([refusal()]);
  });

  it("cut before its record write, the write the next run sends leaves what her manager decided meanwhile", async () => {
    const { taskId } = await cutHandoff();
    managerDisqualifies();
    // The verdict counts: the rep had the lead (her task), though her record never showed the handoff.
    expect((await sync()).summary.dispositions.trash).toBe(1);
    expect({ owner: handoffFields().owner, status: status() }).toEqual({
      owner: jordan,
      status: crm === "salesforce" ? "Closed - Unqualified" : "UNQUALIFIED",
    });
    // The rest of the handoff's write lands, and the verdict ended her follow-up: her task goes with the lead.
    expect(handoffFields().mqlDate).toEqual(expect.any(String));
    expect(await openErrors()).toEqual([]);
    expect(followUps().map((t) => [t.id, t.status])).toEqual([[taskId, TASK_STATUS[crm].done]]);
    // The clock the handoff's write started once it landed is owed nothing: no breach once it falls due.
    clock.t += 2 * 86_400_000;
    expect((await sync()).summary.slaBreaches).toBe(0);
  });

  it("cut before its record write and refused, the handoff's task is closed once a deal is opened for her lead (Salesforce: the Lead converted, the close tried)", async () => {
    const { taskId } = await cutAndRefused();
    clock.t += 60_000;
    if (crm === "salesforce")
      loop.salesforce.data.convertLead(String(lead().Id), { convertedStatus: "Closed - Converted", opportunityName: "Optique Bérenger — Démo" });
    else acceptWithDeal(loop, personId, "Optique Bérenger — Démo", "48000");
    clock.t += 60_000;
    await sync();
    if (crm === "salesforce") {
      expect(followUps()).toEqual([{ id: taskId, ownerId: helene, status: TASK_STATUS[crm].open }]);
      expect((await openErrors()).filter((e) => e.object === "Task")).toEqual([{ object: "Task", operation: "sla", code: "INACTIVE_OWNER_OR_USER" }]);
    } else expect(followUps()).toEqual([{ id: taskId, ownerId: helene, status: TASK_STATUS[crm].done }]);
  });

  it("cut before its record write and refused, the handoff's task is closed once her manager decides (Salesforce: tried, and the refusal queued)", async () => {
    const { taskId } = await cutAndRefused();
    managerDisqualifies();
    expect((await sync()).summary.dispositions.trash).toBe(1);
    if (crm === "salesforce") {
      expect(followUps()).toEqual([{ id: taskId, ownerId: helene, status: TASK_STATUS[crm].open }]);
      expect((await openErrors()).filter((e) => e.object === "Task")).toEqual([{ object: "Task", operation: "sla", code: "INACTIVE_OWNER_OR_USER" }]);
    } else {
      expect(followUps()).toEqual([{ id: taskId, ownerId: helene, status: TASK_STATUS[crm].done }]);
    }
    // Hélène back and the queue retried, what is left of the handoff's write lands and its clock starts late:
    // the lead was decided since, so it is owed nothing and never breaches.
    setActive(helene, true);
    await retry();
    clock.t += 2 * 86_400_000;
    expect((await sync()).summary.slaBreaches).toBe(0);
    expect(await loop.store.listSlaBreaches()).toEqual([]);
    expect((await openErrors()).filter((e) => e.operation === "handoff")).toEqual([]);
  });
});
