// A rep converts a handed-off Lead within its follow-up time: converting sets the Lead's status to a
// converted one, a lead status the rep set, so it is a touch on the follow-up clock as any status the rep
// sets is (README "Qualification, routing and SLA"). `report sla` counts the handoff met, as it does a
// rep who set "Closed - Converted" by hand, not "closed" before any touch.
import { funnelFor, loopConfig, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { runCli } from "../support/cli-run.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

/** The Salesforce emulator stamps whole seconds: a rep's edit after a run waits past leadloop's own write. */
const SECOND_LATER_MS = 1_100;

interface SlaJson {
  met: number;
  closed: number;
  reps: { owner: string; met: number; closed: number; touches: number }[];
}

describe("a Lead converted within its follow-up time", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  async function slaReport(): Promise<SlaJson> {
    const run = await runCli(["report", "sla", "--since", "2000-01-01", "--json", "--config", loopConfig(loop, "salesforce")]);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as SlaJson;
  }

  it.each([
    ["with an opportunity", { opportunityName: "Société Générale d'Optique – Pilote" }],
    ["without an opportunity", { doNotCreateOpportunity: true }],
  ])("%s is a touch: the handoff is met, not closed", async (_, options) => {
    seedReps(loop);
    const funnel = funnelFor(loop, "salesforce");
    const personId = seedAnais(loop);
    pricingAndDemo(loop, personId);
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(1);
    const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;

    await tick(SECOND_LATER_MS);
    loop.salesforce.data.convertLead(String(lead.Id), options);
    await tick(SECOND_LATER_MS);
    expect((await loop.sync({ funnel })).summary.conversions).toBe(1);
    // A run that reads the converted Lead again (a look-back) counts the touch once.
    await tick(SECOND_LATER_MS);
    await loop.sync({ funnel });

    const report = await slaReport();
    expect(report.met).toBe(1);
    expect(report.closed).toBe(0);
    expect(report.reps).toEqual([expect.objectContaining({ met: 1, closed: 0, touches: 1 })]);
  });
});
