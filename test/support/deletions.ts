// What runs leave once they followed a deletion: for a contact whose field-sync write was refused, the
// refusal resolved, nothing kept for it in the outbox, its link retired; for a handed-off person's CRM
// record, nothing owed: no breach, alert, refusal or waiting write, however long past due.
import { expect } from "@jest/globals";
import type { LoopHarness } from "./loop-harness.js";
import { PAST_LAG_AND_A_MINUTE_MS } from "./moving-clock.js";
import { runCli } from "./cli-run.js";

/** Past the shipped sla.yaml's follow-up time (4 h). */
const PAST_DUE_MS = 5 * 60 * 60_000;

export async function expectFieldSyncRefusalFollowed(loop: LoopHarness, personId: string): Promise<void> {
  const queued = await loop.store.listErrors({});
  expect(queued.map((e) => [e.system, e.recordId, e.operation, e.status])).toEqual([
    ["hubspot", personId, "field sync", "resolved"],
  ]);
  expect(queued[0]!.message).toContain("OBJECT_NOT_FOUND");
  expect(await loop.store.listOutbox({})).toEqual([]);
  expect(await loop.store.listOutbox({ refused: true })).toEqual([]);
  expect(await loop.store.findLinkByMarketing("contact", personId)).toBeUndefined();
}

/**
 * Runs on after a handed-off person's CRM record was deleted, the follow-up time long past: no breach or
 * alert task (`alertTasks`, the SLA's alerts in the CRM), and nothing refused, open or left waiting.
 */
export async function expectNothingOwedAfterDeletion(
  loop: LoopHarness,
  sync: () => ReturnType<LoopHarness["sync"]>,
  later: (ms?: number) => void,
  alertTasks: () => unknown[],
): Promise<void> {
  for (let i = 0; i < 3; i++) {
    later(i === 1 ? PAST_DUE_MS : PAST_LAG_AND_A_MINUTE_MS);
    const run = await sync();
    expect(run.summary.status).toBe("succeeded");
    expect(run.summary.slaBreaches).toBe(0);
  }
  const last = await sync();
  expect(Object.values(last.summary.errors).every((n) => n === 0)).toBe(true);
  expect(last.summary.openErrors).toBe(0);
  expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  expect(await loop.store.listOutbox({})).toEqual([]);
  expect(await loop.store.listOutbox({ refused: true })).toEqual([]);
  expect(await loop.store.listSlaBreaches()).toEqual([]);
  expect(alertTasks()).toEqual([]);
}

/**
 * A run stopped (as by SIGTERM) once its phases decided, at the SLA phase, before its drain: the keys of
 * the writes it left waiting in the outbox, sorted.
 */
export async function stoppedBeforeDrain(
  loop: LoopHarness,
  sync: (options: Parameters<LoopHarness["sync"]>[0]) => ReturnType<LoopHarness["sync"]>,
): Promise<string[]> {
  const stop = new AbortController();
  const stopped = await sync({
    signal: stop.signal,
    onProgress: (p) => {
      if (p.phase === "sla") stop.abort();
    },
  });
  expect(stopped.summary.status).toBe("stopped");
  return (await loop.store.listOutbox({})).map((w) => w.key).sort();
}

/**
 * What a marketer and an ops admin see of one person's MQL and handoff once her CRM record was deleted
 * (`report funnel`, `report sla` and `leadloop sla`, as JSON): her MQL counts; the handoff counts, its
 * clock closed, when it reached her rep before the deletion, and nowhere when nothing of it did.
 */
export async function expectDeletedHandoffShown(config: string, now: () => Date, personId: string, reached: boolean): Promise<void> {
  const json = async (args: string[]) => {
    const out = await runCli(["--config", config, ...args, "--json"], {}, undefined, { now });
    if (out.code !== 0) throw new Error(`leadloop ${args.join(" ")} exited ${out.code}: ${out.stderr}`);
    return JSON.parse(out.stdout) as unknown;
  };
  const funnel = (await json(["report", "funnel", "--since", "2000-01-01"])) as { mqls: number; handoffs: number };
  const sla = (await json(["report", "sla", "--since", "2000-01-01"])) as { handoffs: number };
  const board = (await json(["sla"])) as { clocks: { personId: string; status: string }[] };
  expect({
    mqls: funnel.mqls,
    handoffs: funnel.handoffs,
    slaHandoffs: sla.handoffs,
    clocks: board.clocks.map((c) => ({ personId: c.personId, status: c.status })),
  }).toEqual({
    mqls: 1,
    handoffs: reached ? 1 : 0,
    slaHandoffs: reached ? 1 : 0,
    clocks: reached ? [{ personId, status: "closed" }] : [],
  });
}
