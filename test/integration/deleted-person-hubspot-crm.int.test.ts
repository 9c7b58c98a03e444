// With HubSpot as the CRM the contact is the person's CRM record: deleting it (the recycle bin, or a GDPR
// delete) ends everything leadloop owed or kept waiting for the person there. The writes decided for them
// (the handoff's tasks, whose queue entries name the task's key, not the contact) leave the outbox and
// their refusals are resolved with the contact's own, and the follow-up clock stops: no breach, no alert
// for a person who no longer exists (ARCHITECTURE.md "One run", step 3, and "The follow-up SLA").
import { runCli } from "../support/cli-run.js";
import { funnelFor, hotEmails, loopConfig, startAnaisLoop } from "../support/funnel-harness.js";
import { expectDeletedHandoffShown, expectNothingOwedAfterDeletion, stoppedBeforeDrain } from "../support/deletions.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

/** Past the shipped sla.yaml's follow-up time (4 h). */
const PAST_DUE_MS = 5 * 60 * 60_000;

describe("a person deleted with HubSpot as the CRM", () => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  const sync = (options: Parameters<LoopHarness["sync"]>[0] = {}) =>
    loop.sync({ funnel: funnelFor(loop, "hubspot"), mappings: [], crm: loop.hubspotAdapter, ...options });
  const breachTasks = () =>
    loop.hubspot.data.listObjects("tasks").filter((t) => t.properties.hs_task_subject?.startsWith("SLA missed"));

  beforeEach(async () => {
    reset();
    ({ loop, personId } = await startAnaisLoop(now));
    later();
  });
  afterEach(async () => {
    await loop.close();
  });

  /** A run stopped (as by SIGTERM) once its phases decided, before its drain: the handoff's writes wait. */
  async function handoffWaiting(): Promise<void> {
    const waiting = await stoppedBeforeDrain(loop, sync);
    expect(waiting.some((k) => k.startsWith(`leadloop:handoff:${personId}:`))).toBe(true);
  }

  it("a GDPR delete while her handoff waits: the task refusals are resolved with the contact's, no breach follows", async () => {
    await handoffWaiting();
    expect(loop.hubspot.data.gdprDeleteContact(personId)).toBe(true);
    await expectNothingOwedAfterDeletion(loop, () => sync(), later, breachTasks);
    // Every refusal the deletion made moot is resolved, the tasks' (named by their keys) with the contact's.
    const queued = await loop.store.listErrors({});
    expect(queued.some((e) => e.object === "tasks")).toBe(true);
    expect(queued.every((e) => e.status === "resolved")).toBe(true);
    // Nothing of the handoff reached a rep: her MQL counts, no handoff does, and no clock is on the board.
    await expectDeletedHandoffShown(loopConfig(loop, "hubspot"), now, personId, false);
  });

  it("deleted to the recycle bin after her handoff: her clock stops, no breach or alert task for the rep's manager", async () => {
    const handoff = await sync();
    expect(handoff.summary.handoffs).toBe(1);
    expect(await loop.store.listSlaClocks()).toHaveLength(1);
    expect(await hotEmails(loop, "hubspot", now)).toEqual(["anais.berenger@sgo-optique.fr"]);
    later();
    loop.hubspot.data.archiveObject("contacts", personId);
    await expectNothingOwedAfterDeletion(loop, () => sync(), later, breachTasks);
    // Nobody's lead any more: `leadloop hot` no longer lists her.
    expect(await hotEmails(loop, "hubspot", now)).toEqual([]);
    // `leadloop sla` shows her clock closed when the run followed the deletion, before it was due: owed nothing.
    const board = await runCli(["--config", loopConfig(loop, "hubspot"), "sla", "--json"], {}, undefined, { now });
    expect(board.code).toBe(0);
    const { clocks } = JSON.parse(board.stdout) as { clocks: { personId: string; status: string; decidedAt: string | null; dueAt: string }[] };
    expect(clocks).toEqual([expect.objectContaining({ personId, status: "closed" })]);
    expect(Date.parse(clocks[0]!.decidedAt!)).toBeLessThan(Date.parse(clocks[0]!.dueAt));
    // Her rep had the handoff before the deletion: it counts, closed.
    await expectDeletedHandoffShown(loopConfig(loop, "hubspot"), now, personId, true);
  });

  // HubSpot keeps a deleted contact's tasks, unassociated from her (the GDPR delete's associations go with
  // the contact; FIDELITY.md): leadloop finds its "New MQL" task by the key it wrote on it and completes it
  // in the commit that stops her clock, as it does on a Salesforce Lead (follow-up-done.ts `followUpsEndedBy`).
  const newMql = () => loop.hubspot.data.listObjects("tasks").filter((t) => t.properties.hs_task_subject?.startsWith("New MQL"));
  it.each([
    ["deleted for good (GDPR)", () => expect(loop.hubspot.data.gdprDeleteContact(personId)).toBe(true)],
    ["deleted to the recycle bin", () => loop.hubspot.data.archiveObject("contacts", personId)],
  ])("%s after her handoff: leadloop's open New MQL task is completed, and stays in HubSpot", async (_how, remove) => {
    expect((await sync()).summary.handoffs).toBe(1);
    expect(newMql().map((t) => t.properties.hs_task_status)).toEqual(["NOT_STARTED"]);
    later();
    remove();
    await expectNothingOwedAfterDeletion(loop, () => sync(), later, breachTasks);
    expect(newMql().map((t) => t.properties.hs_task_status)).toEqual(["COMPLETED"]);
    expect((await loop.store.listSlaClocks({ personIds: [personId], gone: true })).map((c) => c.crmId)).toEqual([personId]);
  });

  it("deleted to the recycle bin after a reroute: both follow-up tasks her new rep holds (the reroute's and the handed-on New MQL) are completed", async () => {
    const base = funnelFor(loop, "hubspot");
    const funnel = { ...base, sla: { ...base.sla, onBreach: { ...base.sla.onBreach, reroute: true } } };
    const rerouting = () => loop.sync({ funnel, mappings: [], crm: loop.hubspotAdapter });
    expect((await rerouting()).summary.handoffs).toBe(1);
    later(PAST_DUE_MS);
    expect((await rerouting()).summary.slaBreaches).toBe(1);
    const [clock] = await loop.store.listSlaClocks({ personIds: [personId] });
    const followUps = () =>
      loop.hubspot.data
        .listObjects("tasks")
        .filter((t) => t.properties.leadloop_activity_key?.startsWith(`leadloop:handoff:${personId}:`))
        .map((t) => [String(t.properties.hs_task_subject).split(":")[0], t.properties.hubspot_owner_id, t.properties.hs_task_status])
        .sort();
    expect(followUps()).toEqual([
      ["New MQL", clock!.ownerId, "NOT_STARTED"],
      ["Re-routed lead", clock!.ownerId, "NOT_STARTED"],
    ]);
    later();
    loop.hubspot.data.archiveObject("contacts", personId);
    expect((await rerouting()).summary.status).toBe("succeeded");
    expect(followUps()).toEqual([
      ["New MQL", clock!.ownerId, "COMPLETED"],
      ["Re-routed lead", clock!.ownerId, "COMPLETED"],
    ]);
    later(PAST_DUE_MS);
    expect((await rerouting()).summary.slaBreaches).toBe(0);
  });

  // The handoff's writes (owner, tasks) all dropped: no rep had her, so `report funnel` counts her MQL and
  // no handoff, `report sla` no handoff, and `leadloop sla` shows no clock (ARCHITECTURE.md "The follow-up SLA").
  it("deleted to the recycle bin while her handoff waits: the handoff's writes leave the outbox, none is refused, no handoff counts", async () => {
    await handoffWaiting();
    loop.hubspot.data.archiveObject("contacts", personId);
    await expectNothingOwedAfterDeletion(loop, () => sync(), later, breachTasks);
    expect(loop.hubspot.data.listObjects("tasks")).toEqual([]);
    await expectDeletedHandoffShown(loopConfig(loop, "hubspot"), now, personId, false);
    // She left the hot list all the same: her record is gone.
    expect(await hotEmails(loop, "hubspot", now)).toEqual([]);
  });
});
