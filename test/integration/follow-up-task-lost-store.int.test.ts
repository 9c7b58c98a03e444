// A rep decides a handed-off lead while leadloop is not looking (no run between the verdict and a lost
// store): the first run after the loss sees the Lead closed, converted or the deal closed, and completes
// leadloop's open "New MQL: follow up" task for it as an uninterrupted run does (follow-up-done.ts), once:
// no second task, no second handoff, and a later run writes nothing more to it.
import { rmSync } from "node:fs";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import { acceptWithDeal, funnelFor, pricingAndDemo, seedAnais, seedReps, TASK_STATUS } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

type Crm = "salesforce" | "hubspot";

describe.each(["salesforce", "hubspot"] as const)("the follow-up task after a lost store with crm: %s", (crm: Crm) => {
  let loop: LoopHarness;
  let funnel: FunnelSetup;
  let personId: string;

  const sync = () => loop.sync({ funnel, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
  const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;

  /** leadloop's follow-up tasks for the person, wherever the CRM keeps them now (a converted Lead's Contact). */
  function followUps(): { id: string; status: string }[] {
    if (crm === "salesforce") {
      const ids = new Set([String(lead().Id), String(lead().ConvertedContactId ?? "")]);
      return loop.salesforce.data
        .list("Task")
        .filter((t) => ids.has(String(t.WhoId)) && String(t.Leadloop_Activity_Key__c ?? "").startsWith("leadloop:handoff:"))
        .map((t) => ({ id: String(t.Id), status: String(t.Status) }));
    }
    return loop.hubspot.data
      .associationsOf("contacts", personId, "tasks")
      .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!)
      .filter((t) => String(t.properties.leadloop_activity_key ?? "").startsWith("leadloop:handoff:"))
      .map((t) => ({ id: t.id, status: String(t.properties.hs_task_status) }));
  }

  /** The store is deleted; the next run starts from what the records carry. */
  async function loseStore(): Promise<void> {
    await loop.restart(() => rmSync(loop.storePath));
    funnel = funnelFor(loop, crm);
  }

  beforeEach(async () => {
    loop = await startLoop();
    seedReps(loop);
    funnel = funnelFor(loop, crm);
    personId = seedAnais(loop);
    pricingAndDemo(loop, personId);
    expect((await sync()).summary.handoffs).toBe(1);
    expect(followUps().map((t) => t.status)).toEqual([TASK_STATUS[crm].open]);
    await tick(1_100); // Salesforce stamps whole seconds: the rep's edit lands after leadloop's writes
  });
  afterEach(async () => {
    await loop.close();
  });

  /** What the rep does in the CRM before the loss, by name. */
  const DECISIONS: Record<string, () => void> = {
    "closes the lead": () => {
      if (crm === "salesforce") loop.salesforce.data.update("Lead", String(lead().Id), { Status: "Closed - Unreachable" }, new Date());
      else loop.hubspot.data.updateObject("contacts", personId, { hs_lead_status: "UNQUALIFIED" }, new Date());
    },
    "converts the lead (accepts it with a deal)": () => {
      if (crm === "salesforce")
        loop.salesforce.data.convertLead(String(lead().Id), { convertedStatus: "Closed - Converted", opportunityName: "SGO - New Business" });
      else acceptWithDeal(loop, personId, "SGO - New Business", "48000");
    },
    "wins the deal": () => {
      if (crm === "salesforce") {
        const { opportunityId } = loop.salesforce.data.convertLead(String(lead().Id), {
          convertedStatus: "Closed - Converted",
          opportunityName: "SGO - New Business",
        });
        loop.salesforce.data.update("Opportunity", opportunityId!, { StageName: "Closed Won" }, new Date());
      } else {
        const deal = acceptWithDeal(loop, personId, "SGO - New Business", "48000");
        loop.hubspot.data.updateObject("deals", deal, { dealstage: "closedwon" }, new Date());
      }
    },
  };

  /** The CRM refuses leadloop's completion of the task (the run that saw the rep's decision wrote the rest). */
  function refuseCompletion(): void {
    if (crm === "salesforce") loop.salesforce.faults.add({ records: [{ object: "Task", field: "Status", equals: "Completed" }] });
    else loop.hubspot.faults.add({ records: [{ object: "tasks", field: "hs_task_status", equals: "COMPLETED" }] });
  }

  /** After the loss, the first run completes the task, once: the run after writes nothing to it. */
  async function expectCompletedOnceAfterLoss(): Promise<void> {
    const [task] = followUps();
    await loseStore();
    expect((await sync()).summary.handoffs).toBe(0);
    expect(followUps()).toEqual([{ id: task!.id, status: TASK_STATUS[crm].done }]);
    const tasksWritten = () =>
      crm === "salesforce"
        ? loop.salesforce.data.list("Task").map((t) => [t.Id, String(t.LastModifiedDate)])
        : loop.hubspot.data.listObjects("tasks").map((t) => [t.id, t.updatedAt.toISOString()]);
    const before = tasksWritten();
    await tick(1_100);
    expect((await sync()).summary.handoffs).toBe(0);
    expect(tasksWritten()).toEqual(before);
  }

  describe.each(Object.keys(DECISIONS))("when the rep %s", (decision) => {
    it("while leadloop was not looking, the first run after the loss completes the task", async () => {
      DECISIONS[decision]!();
      await expectCompletedOnceAfterLoss();
    });

    it("and the run that saw it was refused the task's completion, the first run after the loss completes it", async () => {
      DECISIONS[decision]!();
      refuseCompletion();
      await sync();
      expect(followUps().map((t) => t.status)).toEqual([TASK_STATUS[crm].open]);
      loop.salesforce.faults.clear();
      loop.hubspot.faults.clear();
      await expectCompletedOnceAfterLoss();
    });
  });
});
