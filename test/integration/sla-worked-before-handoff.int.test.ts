// A lead the rep already works when leadloop hands it off (a rep's hand-entered Lead linked by email, or a
// contact a rep took before the person qualified): the rep set "Working - Contacted" (IN_PROGRESS) after a
// call. The handoff's follow-up clock starts followed up at the handoff, by the rep's standing working
// status, as that status set after the handoff would be (ARCHITECTURE.md "The follow-up SLA"): no breach,
// `leadloop sla` shows the touch, and the rep's "New MQL" task is completed. A lead the rep has not worked
// (an open status) still breaches.
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, REPS, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

const HOUR = 3_600_000;
type Crm = "salesforce" | "hubspot";

describe.each(["salesforce", "hubspot"] as const)("a lead worked before its handoff, crm: %s", (crm: Crm) => {
  let loop: LoopHarness;
  const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
  const now = () => new Date(clock.t);
  beforeEach(async () => {
    loop = await startLoop({ now });
  });
  afterEach(async () => {
    await loop.close();
  });

  const sync = () => {
    const funnel = funnelFor(loop, crm);
    return loop.sync(crm === "salesforce" ? { funnel, now } : { funnel, now, mappings: [], crm: loop.hubspotAdapter });
  };

  const slaClocks = async () => {
    const sla = await runCli(["--config", loopConfig(loop, crm), "sla", "--json"], {}, undefined, { now });
    expect(sla.code).toBe(0);
    return (JSON.parse(sla.stdout) as { clocks: { status: string; touches: number | null; firstTouchAt: string | null; breachedAt: string | null }[] }).clocks;
  };

  const newMqlTaskOpen = (crmId: string): boolean[] =>
    crm === "salesforce"
      ? loop.salesforce.data
          .list("Task")
          .filter((t) => t.WhoId === crmId && String(t.Subject).startsWith("New MQL"))
          .map((t) => t.Status !== "Completed")
      : loop.hubspot.data
          .associationsOf("contacts", crmId, "tasks")
          .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties)
          .filter((t) => String(t.hs_task_subject).startsWith("New MQL"))
          .map((t) => t.hs_task_status !== "COMPLETED");

  /** Anaïs, owned by Hélène in the CRM with `status` before she qualifies; then her demo request: handed off. */
  async function handedOffWith(status: { salesforce: string; hubspot: string }) {
    const reps = seedReps(loop);
    const helene = reps.get(REPS.emea.email)!;
    const personId = seedAnais(loop);
    let crmId = personId;
    if (crm === "salesforce")
      crmId = loop.salesforce.data.insert(
        "Lead",
        { FirstName: "Anaïs", LastName: "Bérenger-Duval", Email: "anais.berenger@sgo-optique.fr", Company: "Société Générale d'Optique", Country: "France", Status: status.salesforce, OwnerId: helene.salesforce },
        now(),
      );
    else loop.hubspot.data.updateObject("contacts", personId, { hs_lead_status: status.hubspot, hubspot_owner_id: helene.hubspot });
    clock.t += 60_000;
    await sync();
    clock.t += 60_000;
    pricingAndDemo(loop, personId);
    clock.t += 60_000;
    const handoff = await sync();
    expect(handoff.summary.handoffs).toBe(1);
    const [c] = await loop.store.listSlaClocks();
    expect(c!.crmId).toBe(crmId);
    return { handoffAt: clock.t, crmId };
  }

  it("a lead the owner already works is followed up at its handoff: no breach, one touch, the follow-up task done", async () => {
    const h = await handedOffWith({ salesforce: "Working - Contacted", hubspot: "IN_PROGRESS" });
    clock.t = h.handoffAt + 5 * HOUR;
    const late = await sync();
    expect(late.summary.slaBreaches).toBe(0);
    // Followed up at the handoff; the touch window (3 within 7d) still runs, so the clock stays open.
    expect(await slaClocks()).toEqual([
      expect.objectContaining({ status: "open", touches: 1, firstTouchAt: new Date(h.handoffAt).toISOString(), breachedAt: null }),
    ]);
    expect(newMqlTaskOpen(h.crmId)).toEqual([false]);
  });

  it("a lead the owner has not worked yet still breaches when untouched", async () => {
    const h = await handedOffWith({ salesforce: "Open - Not Contacted", hubspot: "OPEN" });
    clock.t = h.handoffAt + 5 * HOUR;
    expect((await sync()).summary.slaBreaches).toBe(1);
    expect(await slaClocks()).toEqual([expect.objectContaining({ status: "breached", touches: 0 })]);
    expect(newMqlTaskOpen(h.crmId)).toEqual([true]);
  });
});
