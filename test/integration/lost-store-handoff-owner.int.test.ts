// A rep gives a handed-off lead to a colleague and works it between two runs, and the store is lost in
// between: the rebuild gives the follow-up clock back to the rep the handoff gave the record (its owner
// history: HubSpot's `hubspot_owner_id`, Salesforce's `Owner` rows where the org tracks OwnerId), so the
// handoff's "New MQL" task, still that rep's, is completed, as a run without the loss completes it,
// not left open for ever (the clock restored with the new owner took it for a task given away). A task
// the rep gave to a colleague is left as set; an org that does not track OwnerId restores the record's
// owner now, as before (README, the follow-up SLA after a lost store).
import { rmSync } from "node:fs";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import { anaisAboutToQualify, followUpTasks, funnelFor, REPS, seedReps, TASK_STATUS } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

type Crm = "salesforce" | "hubspot";

const DAY = 86_400_000;
const WORKING = { salesforce: "Working - Contacted", hubspot: "IN_PROGRESS" };

interface Case {
  crm: Crm;
  /** Whether the Salesforce org tracks OwnerId (HubSpot keeps every property's history). */
  ownerHistory: boolean;
}

const CASES: [string, Case][] = [
  ["HubSpot as the CRM", { crm: "hubspot", ownerHistory: true }],
  ["Salesforce tracking OwnerId", { crm: "salesforce", ownerHistory: true }],
  ["Salesforce not tracking OwnerId", { crm: "salesforce", ownerHistory: false }],
];

describe.each(CASES)("the handoff's follow-up task after a lost store, %s", (_name, { crm, ownerHistory }) => {
  let loop: LoopHarness;
  let funnel: FunnelSetup;
  let personId: string;
  let reps: Map<string, { salesforce: string; hubspot: string }>;
  const clock = { t: 0 };

  const sync = () =>
    loop.sync({ funnel, now: () => new Date(clock.t), ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
  const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
  const idOf = (email: string) => reps.get(email)![crm];

  /** leadloop's "New MQL" tasks of the person: holder and status. */
  const followUps = () => followUpTasks(loop, crm, crm === "salesforce" ? String(lead().Id) : personId, personId);

  /** What a rep does in the CRM: the record's owner and status, at the loop's clock. */
  function repEdits(fields: { owner?: string; status?: string }): void {
    const at = new Date(clock.t);
    if (crm === "salesforce")
      loop.salesforce.data.update(
        "Lead",
        String(lead().Id),
        { ...(fields.owner ? { OwnerId: fields.owner } : {}), ...(fields.status ? { Status: fields.status } : {}) },
        at,
      );
    else
      loop.hubspot.data.updateObject(
        "contacts",
        personId,
        { ...(fields.owner ? { hubspot_owner_id: fields.owner } : {}), ...(fields.status ? { hs_lead_status: fields.status } : {}) },
        at,
      );
  }

  async function loseStore(): Promise<void> {
    await loop.restart(() => rmSync(loop.storePath));
    funnel = funnelFor(loop, crm);
  }

  /**
   * The store is lost, and the first run after it restores the clock. With the owner history it comes back
   * Hélène's, breached (the breach's alert task is in the CRM: restored-breaches.ts), so it stays hers as
   * without the loss, and Jordan's touch or verdict completes her task; without, it comes back Jordan's, and
   * Hélène's task reads as one given away.
   */
  async function expectTaskAfterLoss(): Promise<void> {
    await loseStore();
    clock.t += 60_000;
    expect((await sync()).summary.handoffs).toBe(0);
    expect(followUps()).toEqual(
      ownerHistory
        ? [{ ownerId: idOf(REPS.emea.email), status: TASK_STATUS[crm].done }]
        : [{ ownerId: idOf(REPS.emea.email), status: TASK_STATUS[crm].open }],
    );
  }

  beforeEach(async () => {
    clock.t = Math.floor(Date.now() / 1000) * 1000;
    loop = await startLoop({
      now: () => new Date(clock.t),
      ...(ownerHistory && crm === "salesforce" ? { salesforce: { trackedFields: { Lead: ["Status", "OwnerId"] } } } : {}),
    });
    reps = seedReps(loop);
    funnel = funnelFor(loop, crm);
    personId = await anaisAboutToQualify(loop, sync, clock);
    expect((await sync()).summary.handoffs).toBe(1);
    expect(followUps()).toEqual([{ ownerId: idOf(REPS.emea.email), status: TASK_STATUS[crm].open }]);
    // Days later the follow-up is overdue: the clock breaches, and keeps Hélène.
    clock.t += 2 * DAY;
    expect((await sync()).summary.slaBreaches).toBe(1);
  });
  afterEach(async () => {
    await loop.close();
  });

  it(
    ownerHistory
      ? "given to a colleague and worked, the first run after the loss completes the task its handoff rep held"
      : "given to a colleague and worked, the clock comes back with the record's owner now and the task is left open, as before",
    async () => {
      clock.t += 60_000;
      repEdits({ owner: idOf(REPS.fallback.email), status: WORKING[crm] });
      await expectTaskAfterLoss();
      const [restored] = await loop.store.listSlaClocks();
      expect(restored).toMatchObject({ personId, touches: 1 });
    },
  );

  it(
    ownerHistory
      ? "given to a colleague who closes it, the first run after the loss completes the task its handoff rep held"
      : "given to a colleague who closes it, the task is left open, as before",
    async () => {
      clock.t += 60_000;
      repEdits({ owner: idOf(REPS.fallback.email) });
      clock.t += 60_000;
      repEdits({ status: crm === "salesforce" ? "Closed - Not Converted" : "UNQUALIFIED" });
      await expectTaskAfterLoss();
    },
  );

  if (ownerHistory)
    it("a task its rep gave to a colleague is left as set, the record's owner unchanged", async () => {
      const jordan = idOf(REPS.fallback.email);
      if (crm === "salesforce") {
        const [task] = loop.salesforce.data.list("Task").filter((t) => t.WhoId === lead().Id && String(t.Subject).startsWith("New MQL"));
        loop.salesforce.data.update("Task", String(task!.Id), { OwnerId: jordan }, new Date(clock.t));
      } else {
        const [task] = loop.hubspot.data.associationsOf("contacts", personId, "tasks");
        loop.hubspot.data.updateObject("tasks", task!.toId, { hubspot_owner_id: jordan }, new Date(clock.t));
      }
      clock.t += 60_000;
      repEdits({ status: WORKING[crm] });
      await loseStore();
      clock.t += 60_000;
      expect((await sync()).summary.handoffs).toBe(0);
      expect(followUps()).toEqual([{ ownerId: jordan, status: TASK_STATUS[crm].open }]);
    });
});
