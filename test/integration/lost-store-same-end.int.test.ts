// A lost store mid-story ends where the uninterrupted story ends: two sandbox worlds from one seed, the
// same people acting between runs (playPeople), the same `leadloop sync` runs through the built CLI; one
// world's state.db is deleted before a run. After the last run both worlds show the same statuses,
// verdicts written back to HubSpot, owners (the routing queues' turns resume after the loss), and
// follow-up touches per person.
import { jest } from "@jest/globals";
import { rmSync } from "node:fs";
import { playPeople } from "../../src/sandbox/play-people.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { describeRun, runSyncChild } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const SEED = 11;
const seed = generateSeed({ seed: SEED, now: new Date(Date.now() - 60_000), contacts: 60 });
const RUNS = 5;
// Twenty CLI syncs in two worlds: about 40 s on a quiet machine, past jest's default minute beside others' work.
jest.setTimeout(300_000);

async function run(world: SandboxWorld): Promise<void> {
  const r = await runSyncChild(world);
  if (r.code !== 0 && r.code !== 4) throw new Error(`sync ${describeRun(r)}`);
}

/** What a marketer and a rep see of each handed-off person, by email (lower-cased). */
async function ending(world: SandboxWorld, crm: "salesforce" | "hubspot") {
  const out: Record<string, Record<string, unknown>> = {};
  const store = await openSqliteStore(world.storePath);
  try {
    const contacts = world.hubspot.data.listObjects("contacts").filter((c) => c.properties.leadloop_mql_date);
    const clocks = await store.listSlaClocks({ personIds: contacts.map((c) => c.id) });
    const stages = await store.currentStages(contacts.map((c) => c.id));
    for (const c of contacts) {
      const p = c.properties;
      const clock = clocks.find((k) => k.personId === c.id);
      const lead = world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === c.id);
      out[String(p.email).toLowerCase()] = {
        stage: stages.get(c.id) ?? null,
        leadloop_status: p.leadloop_status ?? null,
        lifecyclestage: p.lifecyclestage ?? null,
        hs_lead_status: p.hs_lead_status ?? null,
        reason: p.leadloop_disposition_reason ?? null,
        owner: p.hubspot_owner_id ?? null,
        crmOwner: crm === "salesforce" ? (lead?.OwnerId ?? null) : null,
        crmStatus: crm === "salesforce" ? (lead?.Status ?? null) : null,
        touches: clock?.touches ?? null,
        firstTouched: clock ? clock.firstTouchAt !== null : null,
      };
    }
  } finally {
    await store.close();
  }
  return out;
}

describe.each(["salesforce", "hubspot"] as const)("a lost store mid-story (crm: %s)", (crm) => {
  let kept: SandboxWorld;
  let lost: SandboxWorld;
  beforeEach(async () => {
    kept = await openSandboxWorld(seed, "same-end-kept", crm);
    lost = await openSandboxWorld(seed, "same-end-lost", crm);
  });
  afterEach(async () => {
    await kept.close();
    await lost.close();
  });

  // Owners as well: a queue resumes after the member given its latest turn, which before run 3 is not the
  // latest lead a member owns (that one's account owner, a member, was given it by another rule: its
  // follow-up task says so, ARCHITECTURE.md, handoff); and a run's MQLs take a queue's turns by contact id
  // (core/funnel/handoff-order.ts), where they took them in the order the search answered, which a loaded
  // machine's timing changed in one world only.
  it.each([2, 3])("ends as the uninterrupted story does when the store is lost before run %i", async (lossBefore) => {
    for (let round = 1; round <= RUNS; round++) {
      for (const world of [kept, lost]) {
        if (round > 1) playPeople(SEED, round, { hubspot: world.hubspot, salesforce: crm === "salesforce" ? world.salesforce : undefined });
        if (world === lost && round === lossBefore)
          for (const suffix of ["", "-wal", "-shm"]) rmSync(`${world.storePath}${suffix}`, { force: true });
        await run(world);
      }
    }
    const a = await ending(kept, crm);
    const b = await ending(lost, crm);
    // The story reached verdicts whose clocks saw a working status, a logged call and the verdict.
    expect(Object.values(a).filter((p) => Number(p.touches) >= 3).length).toBeGreaterThan(2);
    expect(b).toEqual(a);
  });
});
