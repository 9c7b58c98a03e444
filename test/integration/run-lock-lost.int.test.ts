// A run whose lease ran out while its process stalled, and whose store another run then took
// (ARCHITECTURE.md "The run lock"): it finds out before its next write, and writes nothing beside that run.
import { funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

const OTHER_RUN = "crm-worker-2:4711:run-20261205T091500";

describe("a run that lost the run lock", () => {
  let loop: LoopHarness;
  let ahead = 0;
  const now = () => new Date(Date.now() + ahead);
  beforeAll(async () => {
    loop = await startLoop({ now });
  });
  afterAll(async () => {
    await loop.close();
  });

  it("sends no write once another run took the store, and fails naming that run", async () => {
    seedReps(loop);
    const anais = seedAnais(loop);
    pricingAndDemo(loop, anais);
    const funnel = funnelFor(loop, "salesforce");
    ahead += 65_000; // past HubSpot's search index lag, which the loop's own clock keeps
    let taken = false;
    const run = loop.sync({
      funnel,
      // Anaïs qualified (her score waits in the outbox); as the run starts reading the contacts it syncs to
      // Salesforce, its process stalls past its lease (three minutes go by on its clock) and another run
      // takes the store.
      onProgress: (event) => {
        if (event.phase !== "hubspot contacts" || taken) return;
        taken = true;
        ahead += 3 * 60_000;
        void loop.store.acquireLock("sync", OTHER_RUN, now().toISOString(), 2 * 60_000);
      },
    });
    await expect(run).rejects.toThrow(`lost the run lock to another process (${OTHER_RUN}); stopping`);
    expect(taken).toBe(true);
    // Anaïs qualified, but her Lead and her score wait for the run that holds the store.
    expect(loop.salesforce.data.list("Lead")).toEqual([]);
    expect(loop.hubspot.data.getObject("contacts", anais)?.properties.leadloop_score).toBeUndefined();
    expect((await loop.store.lockHolder("sync"))?.holder).toBe(OTHER_RUN);
  });
});
