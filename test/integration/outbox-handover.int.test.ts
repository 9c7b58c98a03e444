// The outbox hands the writes a process decided to its own drain as they were decided, without decoding
// their rows (outbox-handover.ts): what that drain reads must be what any other process reads from the
// rows — a crash's next run, `errors retry`, a `requalify` beside the sync — entry for entry, whatever the
// write's shape; and a key another process decided anew must never bring back the decision this process kept.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutboxRecord, OutboxWrite, StateStore } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { writesOfEveryShape, zoe } from "../support/outbox-writes.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-outbox-handover-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Reasons long enough to be kept as pieces (64 characters or more), accents and all. */
const reasons =
  "+30 Demande de démo (formulaire « Réserver une démo »)\n+20 Page des tarifs (3 fois)\n+5 In a country we sell in (country \"Österreich\" → AT)\n";
const [score, syncedLead, handoffRecord, hubspotTask, syncedAccount] = writesOfEveryShape as [OutboxWrite, OutboxWrite, OutboxWrite, OutboxWrite, OutboxWrite];

/**
 * The shared writes of every shape, with a score whose fields come out of name order and in mixed case
 * (its reasons in pieces) and a Salesforce task due by its handoff's clock.
 */
const writes: OutboxWrite[] = [
  {
    ...score,
    fields: [
      { field: "lifecyclestage", before: "customer", after: "marketingqualifiedlead", rule: "qualified: 55 points" },
      { field: "leadloop_score", before: "12", after: "55", rule: "score: 55 points (demo_request, pricing_page)" },
      { field: "leadloop_reasons", before: reasons.slice(0, 80), after: reasons, rule: "score: 55 points (demo_request, pricing_page)" },
      { field: "Leadloop_Upsell", before: null, after: null, rule: "score: 55 points (demo_request, pricing_page)" },
      { field: "leadloop_status", before: null, after: "", rule: "qualified: 55 points" },
    ],
  },
  syncedLead,
  {
    ...hubspotTask,
    key: `leadloop:alert:sf:${zoe.id}`,
    system: "salesforce",
    object: "Task",
    upsertOn: "Leadloop_Activity_Key__c",
    associations: [{ object: "Lead", id: zoe.lead }],
    fields: [
      { field: "Subject", before: null, after: "New MQL: Zoë Ångström — follow up within 4h", rule: "handoff alert" },
      { field: "ActivityDate", before: null, after: "2026-12-01", rule: "handoff alert" },
      { field: "Description", before: null, after: `Why she qualified:\n${reasons}`, rule: "handoff alert" },
    ],
    personId: zoe.id,
    email: zoe.email,
    due: { clock: `handoff:${zoe.id}`, fields: [{ field: "ActivityDate", form: "day" }] },
  },
  handoffRecord,
  syncedAccount,
  hubspotTask,
];

const lead: OutboxRecord = { system: "salesforce", object: "Lead", recordId: zoe.lead };

/** Everything a drain or a phase reads of the outbox, as one process sees it. */
async function readings(store: StateStore) {
  const pending = await store.listOutbox();
  return {
    pending,
    refused: await store.listOutbox({ refused: true }),
    keys: await store.listOutbox({ keys: [writes[3]!.key, writes[0]!.key] }),
    firstPage: await store.outboxPage({ limit: 2 }, []),
    secondPage: await store.outboxPage({ after: pending[1]!.seq, limit: 10 }, [lead]),
    held: await store.heldOutboxEntries(pending.at(-1)!.seq + 1, [lead]),
    about: await store.outboxAbout("salesforce", [zoe.id]),
  };
}

describe("the outbox's handover to its own process's drain", () => {
  it("reads the writes it decided as another process reads their rows, entry for entry", async () => {
    const file = join(dir, "state.db");
    const deciding = await openSqliteStore(file);
    await deciding.commitBatch({ runId: "run-1", at: "2026-12-01T09:00:00.000Z", outbox: writes });
    // Decided again naming fewer fields (it keeps the others), and a write refused, then decided again
    // with the same values: it stays refused.
    await deciding.commitBatch({
      runId: "run-1",
      at: "2026-12-01T09:05:00.000Z",
      outbox: [{ ...writes[0]!, fields: [{ field: "leadloop_score", before: "12", after: "61", rule: "score: 61 points" }], clearFirst: [] }],
      outboxRefused: [writes[4]!.key],
    });
    await deciding.commitBatch({ runId: "run-1", at: "2026-12-01T09:06:00.000Z", outbox: [writes[4]!] });
    const other = await openSqliteStore(file);
    const own = await readings(deciding);
    expect(own).toStrictEqual(await readings(other));
    expect(own.pending.map((e) => e.key)).toEqual([0, 1, 2, 3, 5].map((i) => writes[i]!.key));
    expect(own.refused.map((e) => [e.key, e.refusedAt])).toEqual([[writes[4]!.key, "2026-12-01T09:05:00.000Z"]]);
    // Released for a retry, the write decided again while refused reads as pending on both sides.
    await deciding.commitBatch({ runId: "run-1", at: "2026-12-01T09:07:00.000Z", outboxReleased: [writes[4]!.key] });
    const released = (await deciding.listOutbox({ keys: [writes[4]!.key] }))[0]!;
    expect(released).toStrictEqual((await other.listOutbox({ keys: [writes[4]!.key] }))[0]!);
    expect(released.refusedAt).toBeNull();
    expect(own.pending[0]!.fields.map((f) => [f.field, f.after])).toEqual([
      ["leadloop_reasons", reasons],
      ["leadloop_score", "61"],
      ["leadloop_status", ""],
      ["Leadloop_Upsell", null],
      ["lifecyclestage", "marketingqualifiedlead"],
    ]);
    await other.close();
    await deciding.close();
  });

  it("reads a key another process decided anew as that process decided it, and accepts only what it sent", async () => {
    const file = join(dir, "state.db");
    const sync = await openSqliteStore(file);
    await sync.commitBatch({ runId: "run-1", at: "2026-12-01T09:00:00.000Z", outbox: writes });
    const page = await sync.outboxPage({ limit: 10 }, []);
    // A `requalify` beside the sync decides the qualification write anew before the drain accepts it.
    const requalify = await openSqliteStore(file);
    const anew = { ...writes[0]!, phase: "requalify", fields: writes[0]!.fields.map((f) => ({ ...f, after: f.after && `${f.after} (requalified)` })) };
    await requalify.commitBatch({ runId: "run-2", at: "2026-12-01T09:01:00.000Z", outbox: [anew] });
    const read = (await sync.listOutbox({ keys: [anew.key] }))[0]!;
    expect(read).toStrictEqual((await requalify.listOutbox({ keys: [anew.key] }))[0]!);
    expect([read.phase, read.runId, read.fields[0]!.after]).toEqual(["requalify", "run-2", `${reasons} (requalified)`]);

    await sync.commitBatch({ runId: "run-1", at: "2026-12-01T09:02:00.000Z", outboxAccepted: page.entries });
    expect((await sync.listOutbox()).map((e) => [e.key, e.runId])).toEqual([[anew.key, "run-2"]]);
    await requalify.close();
    await sync.close();
  });
});
