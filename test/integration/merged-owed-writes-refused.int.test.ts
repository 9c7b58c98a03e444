// Funnel writes waiting for a Lead (her handoff's "New MQL" task, refused, in the error queue, and the
// owner write that waits for it in the outbox) when a rep merges that Lead into another of the same person:
// nothing lost, the writes go to the master under their own keys, the task still refused, its entry open
// and naming the master, and `errors retry` writes both there. Before, the merge's deletion of the loser dropped them and resolved
// their entries: the rep never got the lead (src/sync/merges.ts `owedToSurvivors`).
import { funnelFor, startAnaisLoop } from "../support/funnel-harness.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

/** Past the HubSpot emulator's search index lag (5 s). */
const STEP_MS = 6_000;

describe("a Lead merged away while its refused funnel writes wait (crm: salesforce)", () => {
  let loop: LoopHarness;
  const { now, later, reset } = movingClock(STEP_MS);
  afterEach(async () => {
    await loop.close();
  });

  it("moves her refused handoff writes and their entries to the master, and a retry writes them there", async () => {
    reset();
    let personId: string;
    ({ loop, personId } = await startAnaisLoop(now));
    const helene = loop.salesforce.data.list("User").find((u) => u.Email === "helene.dubois@leadloop-demo.com")!;
    // A Lead a rep keyed in by hand, no email: leadloop leaves it alone until something links it.
    const master = loop.salesforce.data.insert("Lead", { LastName: "Bérenger-Duval", FirstName: "ANAÏS", Company: "SGO Optique" });
    // Hélène's user is blocked for a moment: her Lead's owner and her open task are refused.
    loop.salesforce.faults.add({
      records: [
        { object: "Lead", field: "OwnerId", equals: String(helene.Id), message: "Owner is frozen" },
        { object: "Task", field: "Status", equals: "Not Started", message: "Owner is frozen" },
      ],
    });
    later();
    const syncFunnel = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
    const handoff = await syncFunnel();
    // Her task is refused; the Lead's owner write waits for it in the outbox, pending, not sent.
    expect(handoff.summary.errors.salesforce).toBe(1);
    const lead = (await loop.store.findLinkByMarketing("contact", personId))!.crmId;
    const refused = (await loop.store.listOutbox({ refused: true })).map((e) => e.key).sort();
    expect(refused).toEqual([expect.stringMatching(/^leadloop:handoff:/)]);
    const recordKey = `handoff:${personId}:record`;
    expect((await loop.store.listOutbox({})).filter((e) => e.key === recordKey).map((e) => e.recordId)).toEqual([lead]);

    // A rep merges her Lead into the one keyed by hand; the admin lifts the freeze.
    loop.salesforce.data.merge("Lead", master, [lead]);
    loop.salesforce.faults.clear();
    later(61_000);
    const run = await syncFunnel();
    expect(run.summary.status).toBe("succeeded");
    expect((await loop.store.findLinkByMarketing("contact", personId))?.crmId).toBe(master);

    // The task still refused, aimed at the master, its entry open naming it; the owner write still waiting
    // for it, aimed at the master too.
    const waiting = await loop.store.listOutbox({ refused: true });
    expect(waiting.map((e) => e.key).sort()).toEqual(refused);
    expect(waiting.find((e) => e.object === "Task")?.fields.find((f) => f.field === "WhoId")?.after).toBe(master);
    expect((await loop.store.listOutbox({})).filter((e) => e.key === recordKey).map((e) => e.recordId)).toEqual([master]);
    const open = await loop.store.listErrors({ status: "open" });
    expect(open.map((e) => e.operation)).toEqual(["handoff"]);
    expect((open.find((e) => e.object === "Task")?.payload as { fields: Record<string, unknown> }).fields.WhoId).toBe(master);

    // The retry that makes the task sends the owner write with it.
    const retried = await loop.retry({ funnel: funnelFor(loop, "salesforce") });
    expect(retried.stillFailing).toEqual([]);
    expect(retried.resolved).toHaveLength(1);
    expect(loop.salesforce.data.get("Lead", master)?.OwnerId).toBe(helene.Id);
    const alerts = loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("New MQL"));
    expect(alerts.map((t) => [t.WhoId, t.OwnerId])).toEqual([[master, helene.Id]]);

    later();
    const next = await syncFunnel();
    expect(next.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(await loop.store.listOutbox({})).toEqual([]);
    expect(await loop.store.listOutbox({ refused: true })).toEqual([]);
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  });
});
