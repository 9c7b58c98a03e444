// A crash and then a lost store: `leadloop sync` is killed (SIGKILL) right after the write that puts a
// new MQL's handoff on the CRM record (its owner and MQL date) reached the emulator, and state.db is
// deleted before the next runs. That record write is what a lost store's run takes for a handoff made
// (handoff-phase.ts `carriesHandoff`), so the rep's alert task must already be in the CRM by then.
import { rmSync } from "node:fs";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runSyncChild, syncUntilSettled } from "../support/kill-at-write.js";
import { ingridArrives, showsIntent } from "../support/ready-to-buy.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const seed = generateSeed({ seed: 11, now: new Date(Date.now() - 60_000), contacts: 40 });

/** A new, well-fitting contact who reads pricing and asks for a demo: an MQL for the next run to hand off. */
function newMql(world: SandboxWorld): string {
  const id = ingridArrives(world);
  showsIntent(world, id, new Date(Date.now() - 10 * 60_000));
  return id;
}

/** The follow-up tasks the rep has for the person, and whether the CRM record shows the handoff. */
function handoffOnRecord(world: SandboxWorld, crm: "salesforce" | "hubspot", personId: string) {
  const followUp = (subject: unknown) => String(subject ?? "").startsWith("New MQL");
  if (crm === "hubspot") {
    const contact = world.hubspot.data.listObjects("contacts").find((c) => c.id === personId)!;
    const tasks = world.hubspot.data
      .associationsOf("contacts", personId, "tasks")
      .map((a) => world.hubspot.data.listObjects("tasks").find((t) => t.id === a.toId))
      .filter((t) => followUp(t?.properties.hs_task_subject));
    return { marked: Boolean(contact.properties.leadloop_mql_date && contact.properties.hubspot_owner_id), tasks: tasks.length };
  }
  const lead = world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId);
  const tasks = world.salesforce.data.list("Task").filter((t) => lead && t.WhoId === lead.Id && followUp(t.Subject));
  return { marked: Boolean(lead?.Leadloop_MQL_Date__c && lead.OwnerId), tasks: tasks.length };
}


describe.each([
  // The handoff's record write: the contact's batch update (HubSpot as the CRM), the Lead's collection update.
  ["hubspot", /\/crm\/v3\/objects\/contacts\/batch\/update$/],
  ["salesforce", /\/composite\/sobjects$/],
] as const)("a crash after a handoff's record write, then a lost store (crm: %s)", (crm, recordWrite) => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "crash-lost-store", crm);
  });
  afterEach(async () => {
    await world.close();
  });

  it("leaves the rep exactly one follow-up task", async () => {
    expect(await syncUntilSettled(world)).toEqual([]);
    const ingrid = newMql(world);

    const killed = await runSyncChild(world, { atPath: recordWrite, signal: "SIGKILL" });
    expect(killed.signal).toBe("SIGKILL");
    // The crash is where it says: the handoff is on the record.
    expect(handoffOnRecord(world, crm, ingrid).marked).toBe(true);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${world.storePath}${suffix}`, { force: true });

    expect(await syncUntilSettled(world)).toEqual([]);
    expect(handoffOnRecord(world, crm, ingrid)).toEqual({ marked: true, tasks: 1 });
  });
});
