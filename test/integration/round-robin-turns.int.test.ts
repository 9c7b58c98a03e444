// Round-robin turns as the handoff and the SLA's reroutes take them (src/sync/funnel/round-robin.ts
// `QueueTurns`): a commit's turns follow one another from where the store's last commit left the queue,
// and only what a commit keeps counts. Fair over many commits of any size; in range when a queue shrinks.
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import type { StateStore } from "../../src/store/port.js";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import { QueueTurns } from "../../src/sync/funnel/round-robin.js";
import type { RunContext } from "../../src/sync/run-context.js";

const NORDICS = ["åsa.lindqvist@nordlys.se", "jónas.eriksson@nordlys.is", "mette.sørensen@nordlys.dk", "aino.virtanen@nordlys.fi", "ola.nordmann@nordlys.no"];
const AT = "2026-12-05T09:00:00.000Z";
const queue = (members: string[]) => ({ kind: "queue" as const, queue: "nordics", members, ruleId: "nordics", explanation: "Nordic countries" });

let store: StateStore;
beforeEach(async () => {
  store = await openSqliteStore(":memory:");
  // A queue the store keeps a turn for: its turns need no look at the CRM (a new queue's resume does).
  await store.commitBatch({ runId: "run-0", at: AT, roundRobinTurns: [{ queue: "nordics", next: 0, taken: 0 }] });
});
afterEach(async () => {
  await store.close();
});

/** One commit's handoffs to the queue: the reps given, and the turns kept with them unless `keep` is false. */
async function commitOf(leads: number, members: string[], keep = true): Promise<string[]> {
  const ctx = { store } as unknown as RunContext;
  const turns = new QueueTurns();
  const given: string[] = [];
  for (let i = 0; i < leads; i++) given.push((await turns.assign(ctx, {} as FunnelSetup, queue(members), new Map())).rep);
  if (keep) await store.commitBatch({ runId: "run-1", at: AT, roundRobinTurns: turns.kept() });
  return given;
}

it("gives turns in order across commits, each commit from where the last kept one left the queue", async () => {
  expect(await commitOf(3, NORDICS)).toEqual(NORDICS.slice(0, 3));
  // A commit that never came: its turns were given to no one.
  expect(await commitOf(2, NORDICS, false)).toEqual(NORDICS.slice(3, 5));
  expect(await commitOf(4, NORDICS)).toEqual([NORDICS[3], NORDICS[4], NORDICS[0], NORDICS[1]]);
  expect(await store.roundRobinNext("nordics")).toBe(2);
});

it("is fair over many commits of any size and stays in range when the queue shrinks", async () => {
  const counts = new Map<string, number>();
  for (const size of [1, 7, 40, 2, 100, 50, 13, 37]) {
    for (const rep of await commitOf(size, NORDICS)) counts.set(rep, (counts.get(rep) ?? 0) + 1);
  }
  expect(NORDICS.map((rep) => counts.get(rep))).toEqual([50, 50, 50, 50, 50]);
  await commitOf(3, NORDICS); // the queue's next turn is its fourth member's
  const shrunk = NORDICS.slice(0, 2);
  const given = await commitOf(3, shrunk);
  expect(given.every((rep) => shrunk.includes(rep))).toBe(true);
  expect(await store.roundRobinNext("nordics")).toBeLessThan(2);
});
