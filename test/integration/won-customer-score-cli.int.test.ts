// A person whose deal is won is scored as a customer in the run that finds the win (the cross-sell rules,
// the upsell signal), in both CRM modes: the run after it, with nothing changed, writes no record, as
// README's idle and no-op runs promise. Before, the qualification ran ahead of the deals phase and scored
// the person as a prospect; the customer score was written a run late.
import { runCli } from "../support/cli-run.js";
import { loopConfig, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { openDeal, seedOceane } from "../support/won-deal.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

type Crm = "salesforce" | "hubspot";

interface SyncFigures {
  created: Record<string, number>;
  updated: Record<string, number>;
  handoffs: number;
  conversions: number;
  outcomes: { won: number; lost: number };
}

const SCORE_FIELDS = ["leadloop_score", "leadloop_fit_score", "leadloop_behavior_score", "leadloop_upsell"] as const;

describe.each(["salesforce", "hubspot"] as const)("a won deal's person, crm: %s", (crm: Crm) => {
  let loop: LoopHarness;
  afterEach(async () => {
    await loop.close();
  });
  /** The score a marketer sees on the contact. */
  const scoreOf = (id: string) =>
    Object.fromEntries(SCORE_FIELDS.map((f) => [f, loop.hubspot.data.getObject("contacts", id)!.properties[f] ?? null]));
  const sync = async (): Promise<SyncFigures> => {
    await tick();
    const out = await runCli(["sync", "--json", "--config", loopConfig(loop, crm)]);
    expect(out.code).toBe(0);
    return JSON.parse(out.stdout) as SyncFigures;
  };

  it("is scored as a customer in the run that finds the win, so the next run writes nothing", async () => {
    loop = await startLoop();
    seedReps(loop);
    const hs = loop.hubspot.data;
    // A head of operations at a 600-person Lyon firm: a prospect's fit and a customer's cross-sell fit differ.
    const { oceane } = seedOceane(loop);
    await sync();
    pricingAndDemo(loop, oceane);
    expect((await sync()).handoffs).toBe(1);

    // Sales accepts her and opens a deal: a converted Lead's Opportunity, or a HubSpot deal on an accepted contact.
    await tick();
    const won = openDeal(loop, crm, oceane);
    expect((await sync()).conversions).toBe(1);

    await tick();
    won();
    const winRun = await sync();
    expect(winRun.outcomes).toEqual({ won: 1, lost: 0 });
    expect(hs.getObject("contacts", oceane)!.properties).toMatchObject({ lifecyclestage: "customer", leadloop_status: "won" });
    const scoredAtWin = scoreOf(oceane);

    // Nothing changed since: the run reads her contact again (leadloop wrote it) and has nothing to write.
    const idle = await sync();
    expect({ created: idle.created, updated: idle.updated }).toEqual({
      created: Object.fromEntries(Object.keys(idle.created).map((k) => [k, 0])),
      updated: Object.fromEntries(Object.keys(idle.updated).map((k) => [k, 0])),
    });
    expect(scoreOf(oceane)).toEqual(scoredAtWin);
  }, 120_000);
});
