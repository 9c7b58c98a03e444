// `leadloop sync` killed (SIGKILL) in the middle of a first load whose contact stream holds Lead creates
// across its groups (src/sync/held-creates.ts): after some groups committed, at the write of a later
// call's Leads, before the child learns of it. Rerun to completion, each Lead is made once and both
// emulators hold what a clean run leaves.
import { appendFileSync } from "node:fs";
import { jest } from "@jest/globals";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { describeDifferences, diffDumps, dumpEmulators, type EmulatorDump } from "../support/emulator-dump.js";
import { describeRun, type KillPlan, runSyncChild, syncUntilSettled } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";

jest.setTimeout(900_000);

// Three groups of the contact stream (change-groups.ts GROUP_RECORDS is 2,000).
const CONTACTS = 4_500;
const SEED_NOW = new Date(Date.now() - 60_000);
const seed = generateSeed({ seed: 47, now: SEED_NOW, contacts: CONTACTS, activitiesPerContact: 1 });
/** A Lead upsert on the contact's id: the held creates' call. */
const LEAD_UPSERT = /\/composite\/sobjects\/Lead\/HubSpot_Contact_Id__c$/;

/** The world's Leads per HubSpot contact id they carry. */
function leadsPerContact(world: SandboxWorld): Map<string, number> {
  const per = new Map<string, number>();
  for (const lead of world.salesforce.data.list("Lead")) {
    const id = lead.HubSpot_Contact_Id__c;
    if (typeof id === "string" && id !== "") per.set(id, (per.get(id) ?? 0) + 1);
  }
  return per;
}

/** A sandbox world whose CRM takes every contact (`sync.include: all`): thousands of Lead creates, not a few MQLs'. */
async function worldTakingAll(label: string): Promise<SandboxWorld> {
  const world = await openSandboxWorld(seed, label);
  appendFileSync(world.configPath, "sync:\n  include: all\n");
  return world;
}

async function contactsCursor(world: SandboxWorld): Promise<string | undefined> {
  const store = await openSqliteStore(world.storePath);
  try {
    return (await store.getCursor("hubspot", "contacts"))?.value;
  } finally {
    await store.close();
  }
}

describe("a first load killed while the contact stream holds Lead creates", () => {
  let reference: EmulatorDump;
  let leadCalls = 0;
  beforeAll(async () => {
    const clean = await worldTakingAll("held-clean");
    try {
      const stop = clean.salesforce.calls.observe((call) => {
        if (call.endpoint.startsWith("PATCH") && LEAD_UPSERT.test(call.path)) leadCalls++;
      });
      const first = await runSyncChild(clean);
      stop();
      if (first.code !== 0 && first.code !== 4) throw new Error(`the clean run ${describeRun(first)}`);
      const problems = await syncUntilSettled(clean);
      if (problems.length > 0) throw new Error(problems.join("; "));
      reference = dumpEmulators(clean.hubspot, clean.salesforce);
    } finally {
      await clean.close();
    }
  });

  it("makes thousands of new Leads, 200 a call, from each of the stream's groups", () => {
    expect(leadCalls).toBeGreaterThan(10);
  });

  // The first group's calls (nothing of the stream committed yet), the second's (the first committed with
  // no cursor: its creates still held), the last group's (a group's cursor committed before creates still
  // held); and a Lead call's answer lost (the child retries the upsert and goes on).
  const points: [KillPlan["signal"], string, () => number][] = [
    ["SIGKILL", "the first group's second", () => 2],
    ["SIGKILL", "a middle", () => Math.round(leadCalls / 2)],
    ["SIGKILL", "the last group's", () => leadCalls - 1],
    ["lost answer", "a middle", () => Math.round(leadCalls / 2)],
  ];
  it.each(points)("%s at %s Lead upsert: the reruns leave the clean run's state, each Lead made once", async (signal, _where, call) => {
    const world = await worldTakingAll("held-killed");
    try {
      const atPathCount = call();
      const stopped = await runSyncChild(world, { atPath: LEAD_UPSERT, atPathCount, signal });
      expect(stopped.killedAtWrite).toBeDefined();
      if (signal === "SIGKILL") expect(stopped.signal).toBe("SIGKILL");
      // In the last group, a group before the kill committed its cursor with later creates held or under way.
      if (atPathCount === leadCalls - 1) expect(await contactsCursor(world)).toBeDefined();
      expect(await syncUntilSettled(world)).toEqual([]);
      const per = leadsPerContact(world);
      expect([...per].filter(([, n]) => n !== 1)).toEqual([]);
      const diffs = diffDumps(reference, dumpEmulators(world.hubspot, world.salesforce));
      expect(describeDifferences(diffs)).toBe("");
    } finally {
      await world.close();
    }
  });
});
