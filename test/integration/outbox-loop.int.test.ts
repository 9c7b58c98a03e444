// The outbox's loop hold, through the one decide path every phase uses, on the SQLite store: a value
// that flips back and forth between runs on one record (whatever phase decides it) is held refused with an
// error-queue entry naming the values, never written forever; `errors retry` is how a person sends it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/log/logger.js";
import { openStore } from "../../src/store/open-store.js";
import type { StateStore } from "../../src/store/port.js";
import { decide } from "../../src/sync/outbox/decide.js";
import { funnelWrite } from "../../src/sync/outbox/funnel-write.js";
import type { RunContext } from "../../src/sync/run-context.js";
import { emptySummary } from "../../src/sync/run-summary.js";

describe("the outbox holds a flipping value as a loop", () => {
  let store: StateStore;
  let clock: number;
  let run = 0;

  beforeEach(async () => {
    store = await openStore({ path: join(mkdtempSync(join(tmpdir(), "leadloop-loop-hold-")), "state.db") });
    clock = Date.parse("2026-11-30T09:00:00.000Z");
  });
  afterEach(async () => {
    await store.close();
  });

  function context(): RunContext {
    run++;
    const system = { system: "hubspot" } as RunContext["marketing"];
    return {
      runId: `run-${run}`,
      until: new Date(clock).toISOString(),
      now: () => new Date(clock),
      log: silentLogger,
      store,
      marketing: system,
      crm: system,
      summary: emptySummary(`run-${run}`, false, new Date(clock).toISOString(), ["hubspot"]),
      plan: [],
      createdPeople: [],
      includeInCrm: async () => new Set(),
    };
  }

  /** One run's decision for Zoë's contact, and (unless held) the drain's acceptance. */
  async function decideAndWrite(key: string, phase: string, status: string, field = "leadloop_status"): Promise<boolean> {
    clock += 5 * 60_000; // a daemon run every five minutes
    const ctx = context();
    const write = funnelWrite(ctx, {
      key,
      phase,
      side: "marketing",
      object: "contacts",
      recordId: "901",
      fields: { [field]: status },
      rule: `${phase}: ${status}`,
      personId: "901",
      email: "zoe.lefebvre-nunez@Atelier-Ñandú.es",
    });
    await decide(ctx, { outbox: [write] });
    const pending = await store.listOutbox({ keys: [key] });
    if (pending.length === 0) return false;
    await store.commitBatch({ runId: ctx.runId, at: new Date(clock).toISOString(), outboxAccepted: pending });
    return true;
  }

  it("writes recycled and mql twice each, then holds the third flip with its values in the error queue", async () => {
    // Two phases undoing each other, as measured: qualification says mql, dispositions say recycled.
    expect(await decideAndWrite("disposition:901", "disposition", "recycled")).toBe(true);
    expect(await decideAndWrite("qualification:901", "qualification", "mql")).toBe(true);
    expect(await decideAndWrite("disposition:901", "disposition", "recycled")).toBe(true);
    expect(await decideAndWrite("qualification:901", "qualification", "mql")).toBe(true);
    expect(await decideAndWrite("disposition:901", "disposition", "recycled")).toBe(false);

    const held = await store.listOutbox({ refused: true });
    expect(held.map((w) => w.key)).toEqual(["disposition:901"]);
    const [entry, ...rest] = await store.listErrors({ status: "open" });
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ system: "hubspot", object: "contacts", recordId: "901", errorClass: "conflict" });
    expect(entry!.message).toContain('leadloop_status alternates between "recycled" and "mql"');
    expect(entry!.message).toContain("zoe.lefebvre-nunez@Atelier-Ñandú.es");
    expect(entry!.payload).toMatchObject({ outboxKey: "disposition:901" });

    // Still flipping: every further flip is held too and counted on the same entry, never sent.
    expect(await decideAndWrite("qualification:901", "qualification", "mql")).toBe(true); // no change: mql is held already
    expect(await decideAndWrite("disposition:901", "disposition", "recycled")).toBe(false);
    const again = await store.listErrors({ status: "open" });
    expect(again).toHaveLength(1);
    expect(again[0]!.attempts).toBeGreaterThan(1);
  });

  it("holds a flip between long texts, which the store keeps as fingerprints, naming the one it kept by its length", async () => {
    // Reasons texts run to hundreds of characters; the store keeps their fingerprint, never the text.
    const hot = "+40 Requested a demo: 3 × form_submission, latest 2026-11-29\n+10 Visited the pricing page (Zoë)";
    const cold = "+5 Works in marketing, sales or revenue operations (jobtitle \"Responsable Marketing\")";
    expect(await decideAndWrite("qualification:901", "qualification", hot, "leadloop_reasons")).toBe(true);
    expect(await decideAndWrite("disposition:901", "disposition", cold, "leadloop_reasons")).toBe(true);
    expect(await decideAndWrite("qualification:901", "qualification", hot, "leadloop_reasons")).toBe(true);
    expect(await decideAndWrite("disposition:901", "disposition", cold, "leadloop_reasons")).toBe(true);
    expect(await decideAndWrite("qualification:901", "qualification", hot, "leadloop_reasons")).toBe(false);

    const [entry] = await store.listErrors({ status: "open" });
    expect(entry!.message).toContain(`leadloop_reasons alternates between "${hot}" and a value of ${cold.length} characters ⟨${cold.length} chars #`);
    // A different long text is a different value: no loop.
    expect(
      await decideAndWrite("disposition:901", "disposition", `${cold} (edited)`, "leadloop_reasons"),
    ).toBe(true);
  });

  it("lets a value come back once, and flips a day apart, through", async () => {
    expect(await decideAndWrite("disposition:901", "disposition", "recycled")).toBe(true);
    expect(await decideAndWrite("qualification:901", "qualification", "mql")).toBe(true);
    expect(await decideAndWrite("disposition:901", "disposition", "recycled")).toBe(true);
    clock += 25 * 3_600_000; // the next round trip starts after the loop window
    expect(await decideAndWrite("qualification:901", "qualification", "mql")).toBe(true);
    expect(await decideAndWrite("disposition:901", "disposition", "recycled")).toBe(true);
    expect(await store.listErrors({ status: "open" })).toEqual([]);
  });
});
