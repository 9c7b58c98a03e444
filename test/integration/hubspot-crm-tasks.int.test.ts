// HubSpot as the CRM: tasks cannot be upserted there (no unique property on activities), so a handoff
// task created just before a crash must be found again on its contact, not created a second time.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { describeRun, runSyncChild } from "../support/kill-at-write.js";
import { pricingAndDemo } from "../support/funnel-harness.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

describe("handoff tasks in HubSpot as the CRM", () => {
  let world: SandboxWorld;
  let prospect: string;
  beforeEach(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 11, now: new Date(), contacts: 12 }), "hs-tasks", "hubspot");
    const company = world.hubspot.data.createObject("companies", {
      name: "Mühlenbach Logistik",
      domain: "muehlenbach-logistik.de",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "420",
      country: "Germany",
    });
    prospect = world.hubspot.data.createObject("contacts", {
      email: "Juergen.Kraemer@Muehlenbach-Logistik.de",
      firstname: "Jürgen",
      lastname: "Krämer",
      jobtitle: "Geschäftsführer",
      company: "Mühlenbach Logistik",
      country: "Germany",
    }).id;
    world.hubspot.data.associate("contacts", prospect, "companies", company.id);
    pricingAndDemo(world, prospect);
  });
  afterEach(async () => {
    await world.close();
  });

  const tasksOf = (contactId: string) =>
    world.hubspot.data
      .associationsOf("contacts", contactId, "tasks")
      .map((a) => world.hubspot.data.getObject("tasks", a.toId)!.properties);

  /** A rerun ends well and leaves the tasks made before, each key once, one of them the rep's alert. */
  const expectEachTaskOnceAfterRerun = async (madeBefore: number) => {
    const rerun = await runSyncChild(world);
    expect([0, 4]).toContain(rerun.code);
    const tasks = tasksOf(prospect);
    const keys = tasks.map((t) => t.leadloop_activity_key);
    expect({ keys: new Set(keys).size, tasks: tasks.length, alert: tasks.filter((t) => t.hs_task_subject?.startsWith("New MQL")).length }).toEqual({
      keys: tasks.length,
      tasks: madeBefore,
      alert: 1,
    });
    expect(keys.every((k) => typeof k === "string" && k.length > 0)).toBe(true);
  };

  it("a crash right after the tasks were created leaves each task once after the rerun", async () => {
    const crashed = await runSyncChild(world, { atPath: /\/crm\/v3\/objects\/tasks\/batch\/create$/, signal: "SIGKILL" });
    expect(crashed.signal).toBe("SIGKILL");
    // The kill landed after HubSpot made the tasks and before leadloop learnt their ids.
    const madeBeforeCrash = tasksOf(prospect).length;
    expect(madeBeforeCrash).toBeGreaterThan(0);

    await expectEachTaskOnceAfterRerun(madeBeforeCrash);
    // And a third run writes no task at all.
    const before = world.hubspot.data.listObjects("tasks").length;
    const third = await runSyncChild(world);
    expect(third.code === 0 || third.code === 4 ? "" : describeRun(third)).toBe("");
    expect(world.hubspot.data.listObjects("tasks")).toHaveLength(before);
  }, 120_000);

  it("finds its tasks again on a contact with more tasks than one page of associations holds", async () => {
    // A rep's history of calls to make: 150 tasks, so leadloop's own come after the first page of 100.
    for (let i = 0; i < 150; i++) {
      const task = world.hubspot.data.createObject("tasks", {
        hs_task_subject: `Rückruf ${i + 1}: Angebot für Mühlenbach nachfassen`,
        hs_timestamp: new Date(Date.now() - (150 - i) * 86_400_000).toISOString(),
        hs_task_status: "COMPLETED",
      });
      world.hubspot.data.associate("contacts", prospect, "tasks", task.id);
    }
    const crashed = await runSyncChild(world, { atPath: /\/crm\/v3\/objects\/tasks\/batch\/create$/, signal: "SIGKILL" });
    expect(crashed.signal).toBe("SIGKILL");
    const madeBeforeCrash = tasksOf(prospect).filter((t) => t.leadloop_activity_key).length;
    expect(madeBeforeCrash).toBeGreaterThan(0);

    const rerun = await runSyncChild(world);
    expect([0, 4]).toContain(rerun.code);
    const keys = tasksOf(prospect).flatMap((t) => (t.leadloop_activity_key ? [t.leadloop_activity_key] : []));
    expect({ keys: new Set(keys).size, tasks: keys.length }).toEqual({ keys: madeBeforeCrash, tasks: madeBeforeCrash });
  }, 120_000);

  it("an answer lost after HubSpot made the tasks stops the run, and the next run leaves each task once", async () => {
    // A gateway's 502 after HubSpot carried the batch create out: the tasks exist, leadloop cannot tell.
    world.hubspot.faults.add({
      requests: [{ kind: "status", status: 502, applied: true, times: 1, method: "POST", path: "/crm/v3/objects/tasks/batch/create" }],
    });
    const lost = await runSyncChild(world);
    expect({ code: lost.code, status: lost.summary?.status }).toEqual({ code: 3, status: "failed" });
    expect(lost.summary?.failure).toMatch(/not resent: .*tasks\/batch\/create call may have been applied\)\. .*next run .* nothing is made twice/);
    const madeBeforeLoss = tasksOf(prospect).length;
    expect(madeBeforeLoss).toBeGreaterThan(0);

    await expectEachTaskOnceAfterRerun(madeBeforeLoss);
  }, 120_000);
});
