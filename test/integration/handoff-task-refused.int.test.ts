// A handoff whose rep's tasks the CRM refuses (a validation rule on tasks) or never reaches (a Bulk API 2.0
// job that fails part-way): the handoff's record write (owner, MQL date) is what a lost store's next run
// takes for a handoff made (handoff-phase.ts `carriesHandoff`), so it waits in the outbox, pending, not
// refused, until the group's tasks are made; then it follows, in the same retry or the next run. Lost with
// the store meanwhile, the next run hands the lead off anew: the rep ends with one "New MQL" task and
// the record its owner, nothing twice (outbox/drain.ts `PendingWrites`, ARCHITECTURE.md "One write path").
import { rmSync } from "node:fs";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import { handoffRecordKey } from "../../src/sync/outbox/drain.js";
import { errorAdvice } from "../../src/core/text/error-advice.js";
import { anaisAboutToQualify, followUpTasks, funnelFor, REPS, seedReps, TASK_STATUS } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

type Crm = "salesforce" | "hubspot";

let loop: LoopHarness;
let funnel: FunnelSetup;
let personId: string;
let helene: string;
const clock = { t: 0 };

async function setUp(crm: Crm, bulkThreshold?: number): Promise<void> {
  clock.t = Math.floor(Date.now() / 1000) * 1000;
  loop = await startLoop({ now: () => new Date(clock.t), ...(bulkThreshold === undefined ? {} : { bulkThreshold }) });
  helene = seedReps(loop).get(REPS.emea.email)![crm];
  funnel = funnelFor(loop, crm);
  personId = await anaisAboutToQualify(loop, (() => sync(crm)) as () => Promise<unknown>, clock);
}
afterEach(async () => {
  await loop.close();
});

const crmParts = (crm: Crm) => (crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {});
const sync = (crm: Crm) => loop.sync({ funnel, now: () => new Date(clock.t), ...crmParts(crm) });
const retry = (crm: Crm) => loop.retry({ funnel, now: () => new Date(clock.t), ...crmParts(crm) });
const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;

/** leadloop's "New MQL" tasks of the person: holder and status. */
const followUps = (crm: Crm) => followUpTasks(loop, crm, crm === "salesforce" ? String(lead().Id) : personId, personId);

/** The CRM record's owner and MQL date (HubSpot as CRM: the qualification writes the MQL date itself). */
function handoffFields(crm: Crm): { owner: string | null; mqlDate: string | null } {
  if (crm === "salesforce") return { owner: String(lead().OwnerId), mqlDate: (lead().Leadloop_MQL_Date__c as string | null) ?? null };
  const c = loop.hubspot.data.getObject("contacts", personId)!;
  return { owner: c.properties.hubspot_owner_id ?? null, mqlDate: c.properties.leadloop_mql_date ?? null };
}

function refuseTasks(crm: Crm): void {
  if (crm === "salesforce") loop.salesforce.faults.add({ records: [{ object: "Task", field: "Subject", message: "Tâches bloquées : catégorie « Relance » obligatoire" }] });
  else loop.hubspot.faults.add({ records: [{ object: "tasks", field: "hs_task_subject", message: "Aufgaben für „Müller & Söhne“ gesperrt" }] });
}

function clearFaults(): void {
  loop.salesforce.faults.clear();
  loop.hubspot.faults.clear();
}

/** The handoff's record write: pending (not refused), or gone once accepted. */
async function recordWrite(): Promise<"pending" | "refused" | "gone"> {
  const keys = [handoffRecordKey(personId)];
  if ((await loop.store.listOutbox({ keys, refused: true })).length > 0) return "refused";
  return (await loop.store.listOutbox({ keys })).length > 0 ? "pending" : "gone";
}

/** The record as before the handoff: no owner of the handoff's (Salesforce: no MQL date either). */
function expectNotHandedOff(crm: Crm): void {
  const fields = handoffFields(crm);
  expect(fields.owner).not.toBe(helene);
  if (crm === "salesforce") expect(fields.mqlDate).toBeNull();
}

function expectHandedOff(crm: Crm): void {
  expect(followUps(crm)).toEqual([{ ownerId: helene, status: TASK_STATUS[crm].open }]);
  expect(handoffFields(crm)).toEqual({ owner: helene, mqlDate: expect.any(String) });
}

describe.each(["salesforce", "hubspot"] as const)("a handoff's tasks refused, crm: %s", (crm: Crm) => {
  beforeEach(async () => {
    await setUp(crm);
  });

  /** The run that hands Anaïs off to Hélène meets the tasks' validation rule. */
  async function refusedHandoff(): Promise<void> {
    refuseTasks(crm);
    await sync(crm);
    expect(followUps(crm)).toEqual([]);
    expectNotHandedOff(crm);
    // The record write waits, pending; only the tasks are queued, and their entries say what waits for them.
    expect(await recordWrite()).toBe("pending");
    const open = await loop.store.listErrors({ status: "open" });
    expect(open.length).toBeGreaterThan(0);
    expect(new Set(open.map((e) => `${e.object} ${e.operation}`))).toEqual(new Set([`${crm === "salesforce" ? "Task" : "tasks"} handoff`]));
    for (const e of open) expect(errorAdvice(e)).toMatch(/meanwhile the handoff's write to (Lead|contacts) \S+ \([^)]*(OwnerId|hubspot_owner_id)[^)]*\)( and .*)? waits? for this one, pending, not refused/);
  }

  it("the record write waits across runs, and `errors retry` that makes the task sends it too", async () => {
    await refusedHandoff();
    clock.t += 60_000;
    await sync(crm);
    expectNotHandedOff(crm);
    expect(await recordWrite()).toBe("pending");

    clearFaults();
    clock.t += 60_000;
    const retried = await retry(crm);
    expect(retried.stillFailing).toEqual([]);
    expectHandedOff(crm);
    expect(await recordWrite()).toBe("gone");
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    const [started] = await loop.store.listSlaClocks();
    expect(started).toMatchObject({ personId, ownerId: helene });

    clock.t += 60_000;
    await sync(crm);
    expectHandedOff(crm);
  });

  it("lost with the store before the task is made, the next run hands the lead off once: one task, the owner", async () => {
    await refusedHandoff();
    clearFaults();
    await loop.restart(() => rmSync(loop.storePath));
    funnel = funnelFor(loop, crm);
    clock.t += 60_000;
    await sync(crm);
    expectHandedOff(crm);
    expect(await loop.store.listSlaClocks()).toEqual([expect.objectContaining({ personId, ownerId: helene })]);

    clock.t += 60_000;
    await sync(crm);
    expectHandedOff(crm);
  });
});

describe("a handoff's tasks in a Bulk API 2.0 job that fails before them, crm: salesforce", () => {
  beforeEach(async () => {
    // Three tasks (the follow-up, the pricing page's, the demo form's) above the threshold go in a job.
    await setUp("salesforce", 2);
  });

  async function unprocessedHandoff(): Promise<void> {
    // Every job of tasks fails before its first row, the job this write sends them again in too.
    loop.salesforce.faults.add({ jobs: [{ object: "Task", afterRows: 0 }] });
    await sync("salesforce");
    expect(followUps("salesforce")).toEqual([]);
    expectNotHandedOff("salesforce");
    expect(await recordWrite()).toBe("pending");
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  }

  it("the record write waits for the job's tasks, and follows them in the next run", async () => {
    await unprocessedHandoff();
    clearFaults();
    clock.t += 60_000;
    await sync("salesforce");
    expectHandedOff("salesforce");
    expect(await recordWrite()).toBe("gone");
  });

  it("lost with the store meanwhile, the next run hands the lead off once", async () => {
    await unprocessedHandoff();
    clearFaults();
    await loop.restart(() => rmSync(loop.storePath));
    funnel = funnelFor(loop, "salesforce");
    clock.t += 60_000;
    await sync("salesforce");
    expectHandedOff("salesforce");
  });
});
