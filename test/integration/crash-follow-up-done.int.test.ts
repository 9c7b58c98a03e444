// A rep's verdict stops the follow-up clock, and the run that decides it is killed (SIGKILL) before its
// drain sends the follow-up task's completion: the completion waits in the outbox, so the rerun completes
// the task, once, in both CRM modes. Through the built CLI against the sandbox's emulators.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runSyncChild, syncUntilSettled } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const seed = generateSeed({ seed: 11, now: new Date(Date.now() - 60_000), contacts: 40 });

/** The first write of the rerun's drain: the contact's verdict, decided before the task's completion. */
const CONTACT_UPDATE = /\/crm\/v3\/objects\/contacts\/batch\/update$/;

/** How many accepted writes completed the task (the store's audit of what leadloop wrote). */
async function completions(world: SandboxWorld, taskId: string, field: string, done: string): Promise<number> {
  const store = await openSqliteStore(world.storePath);
  try {
    return (await store.listAudit([taskId])).filter((a) => a.field === field && a.after === done).length;
  } finally {
    await store.close();
  }
}

describe.each(["salesforce", "hubspot"] as const)("a crash between the verdict and the drain with crm: %s", (crm) => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "crash-follow-up-done", crm);
  });
  afterEach(async () => {
    await world.close();
  });

  /** A handed-off person no rep has acted on, and their follow-up task: id and status. */
  function handedOff(): { recycle(): void; task(): { id: string; status: string } } {
    if (crm === "salesforce") {
      const lead = world.salesforce.data
        .list("Lead")
        .filter((l) => l.Leadloop_MQL_Date__c && l.OwnerId && l.Status === "Open - Not Contacted")
        .sort((a, b) => String(a.Email).localeCompare(String(b.Email)))[0]!;
      return {
        recycle: () => world.salesforce.data.update("Lead", String(lead.Id), { Status: "Closed - Not Converted" }),
        task: () => {
          const t = world.salesforce.data
            .list("Task")
            .find((t) => t.WhoId === lead.Id && String(t.Leadloop_Activity_Key__c ?? "").startsWith("leadloop:handoff:"))!;
          return { id: String(t.Id), status: String(t.Status) };
        },
      };
    }
    const contact = world.hubspot.data
      .listObjects("contacts")
      .filter((c) => c.properties.leadloop_mql_date && c.properties.hubspot_owner_id && c.properties.hs_lead_status === "NEW")
      .sort((a, b) => String(a.properties.email).localeCompare(String(b.properties.email)))[0]!;
    return {
      recycle: () => world.hubspot.data.updateObject("contacts", contact.id, { hs_lead_status: "BAD_TIMING" }),
      task: () => {
        const t = world.hubspot.data
          .associationsOf("contacts", contact.id, "tasks")
          .map((a) => world.hubspot.data.getObject("tasks", a.toId)!)
          .find((t) => String(t.properties.leadloop_activity_key ?? "").startsWith("leadloop:handoff:"))!;
        return { id: t.id, status: String(t.properties.hs_task_status) };
      },
    };
  }

  it("completes the follow-up task once, on the rerun", async () => {
    expect(await syncUntilSettled(world)).toEqual([]);
    const person = handedOff();
    const task = person.task();
    const [open, done, field] = crm === "salesforce" ? ["Not Started", "Completed", "Status"] : ["NOT_STARTED", "COMPLETED", "hs_task_status"];
    expect(task.status).toBe(open);

    person.recycle();
    const crashed = await runSyncChild(world, { atPath: CONTACT_UPDATE, signal: "SIGKILL" });
    // Killed at the drain's first write, the contact's: the task's completion was decided, and not sent.
    expect({ signal: crashed.signal, writes: crashed.writes }).toEqual({ signal: "SIGKILL", writes: 1 });
    expect(person.task()).toEqual(task);

    expect(await syncUntilSettled(world)).toEqual([]);
    expect(person.task()).toEqual({ ...task, status: done });
    expect(await completions(world, task.id, field, done)).toBe(1);
  }, 180_000);
});
