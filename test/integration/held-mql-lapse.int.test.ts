// A person the recycle cool-down held from sales is handed off when it ends only if she still qualifies
// then, as of that run (README "Recycle and trash"): one whose interest faded below the MQL threshold stays
// in nurture, her contact and CRM record keeping the rep's verdict, `explain` saying why, no rep alerted and
// no MQL or handoff counted; she qualifies anew by the usual path, the cool-down counted from the verdict.
// Both CRM modes, on one clock the test moves (leadloop and both emulators read it).
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, seedReps, seedAnais } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";

const DAY_MS = 86_400_000;
const EMAIL = "anais.berenger@sgo-optique.fr";

describe.each(["salesforce", "hubspot"] as const)("a held MQL below the threshold when the cool-down ends, crm: %s", (crm) => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  const contact = () => loop.hubspot.data.getObject("contacts", personId)!.properties;
  const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
  const stages = async () => (await loop.store.listFunnelEvents({ personId })).map((e) => e.toStage);
  const sync = () =>
    loop.sync({ funnel: funnelFor(loop, crm), ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
  const cli = async (...args: string[]) => {
    const out = await runCli(["--config", loopConfig(loop, crm), ...args], {}, undefined, { now });
    expect(out.code).toBe(0);
    return out.stdout;
  };
  /** The rep's verdict, back to nurture, in the rep's own words. */
  const verdict = (kind: "recycle" | "unreachable") => {
    const reason = "Pas de budget avant l'an prochain — rappeler en mars";
    const status = {
      recycle: { hubspot: "BAD_TIMING", salesforce: "Closed - Not Converted" },
      unreachable: { hubspot: "ATTEMPTED_TO_CONTACT", salesforce: "Closed - Unreachable" },
    }[kind];
    if (crm === "hubspot") loop.hubspot.data.updateObject("contacts", personId, { hs_lead_status: status.hubspot, leadloop_disposition_reason: reason });
    else loop.salesforce.data.update("Lead", String(lead().Id), { Status: status.salesforce, Leadloop_Disposition_Reason__c: reason });
  };
  /** Ten days after her handoff the rep sends her back; the next run follows the verdict. */
  const sentBack = async (kind: "recycle" | "unreachable") => {
    later(10 * DAY_MS);
    verdict(kind);
    later();
    expect((await sync()).summary.dispositions[kind]).toBe(1);
  };
  const newMqlTasks = () =>
    crm === "salesforce"
      ? loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("New MQL")).length
      : loop.hubspot.data.listObjects("tasks").filter((t) => String(t.properties.hs_task_subject).startsWith("New MQL")).length;

  beforeEach(async () => {
    reset();
    loop = await startLoop({ now });
    seedReps(loop);
    // No company known: her title is all her fit, so her score rests on what she does.
    personId = seedAnais(loop, { hs_analytics_source: "ORGANIC_SEARCH" });
    pricingAndDemo(loop, personId);
    later();
    expect((await sync()).summary.handoffs).toBe(1);
  });
  afterEach(async () => {
    await loop.close();
  });

  it("stays in nurture, saying why; no rep alerted, nothing counted; an MQL again on new behaviour, handed off at once", async () => {
    await sentBack("recycle");
    // Five days on she reads the pricing page: an MQL again, held by the 30-day cool-down until day 40.
    later(5 * DAY_MS);
    recordActivity(loop.hubspot.data, {
      contactId: personId,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Tarifs – Entreprise" },
    });
    later();
    expect((await sync()).summary.handoffs).toBe(0);
    const held = (await loop.store.listFunnelEvents({ personId })).at(-1)!;
    expect(held.cause).toMatch(/^qualified: [\d.]+ points .*; held by the cool-down until /);
    const until = held.cause.split("; ")[1]!;

    // The first sync after the cool-down: her points decayed over the hold, below the MQL threshold.
    later(26 * DAY_MS);
    const endedAt = now().toISOString();
    const ended = await sync();
    expect(ended.summary.handoffs).toBe(0);
    const [row] = await loop.store.listPersonScores({ personIds: [personId] });
    expect(row!.score).toBeLessThan(60);
    expect(await stages()).toEqual(["mql", "recycled", "mql", "recycled"]);
    const lapsed = (await loop.store.listFunnelEvents({ personId })).at(-1)!;
    expect(lapsed).toMatchObject({ fromStage: "mql", toStage: "recycled", source: "ORGANIC_SEARCH" });
    expect(lapsed.at >= endedAt).toBe(true);
    expect(lapsed.cause).toBe(`${until}, then below the threshold: ${row!.score} < 60`);
    // No rep was given her: one clock and one "New MQL" task, the first handoff's; the records keep the
    // rep's verdict, on the contact (and the Lead) as the marketer and the rep left them.
    expect(await loop.store.listSlaClocks()).toHaveLength(1);
    expect(await loop.store.listReplacedSlaClocks()).toEqual([]);
    expect(newMqlTasks()).toBe(1);
    expect(contact()).toMatchObject({
      lifecyclestage: "lead",
      leadloop_status: "recycled",
      hs_lead_status: "BAD_TIMING",
      leadloop_disposition_reason: "Pas de budget avant l'an prochain — rappeler en mars",
    });
    if (crm === "salesforce") expect(lead().Status).toBe("Closed - Not Converted");
    // `explain` says why; `hot` lists her nowhere; `report funnel` counts her first MQL and handoff and
    // the rep's recycle, not the held MQL nor its lapse.
    const explained = await cli("explain", EMAIL);
    expect(explained).toContain(`mql → recycled: ${lapsed.cause}`);
    expect(explained).not.toContain("held from sales");
    expect(JSON.parse(await cli("hot", "--json"))).toEqual([]);
    const report = JSON.parse(await cli("report", "funnel", "--since", "2000-01-01", "--json")) as Record<string, unknown>;
    expect(report).toMatchObject({ mqls: 1, handoffs: 1, recycled: 1, held: 0 });

    // Nothing new: a later run leaves her in nurture, writing nothing to her.
    later(DAY_MS);
    expect((await sync()).summary.handoffs).toBe(0);
    expect(await stages()).toEqual(["mql", "recycled", "mql", "recycled"]);

    // She asks for a demo again: an MQL by the usual path, and handed off at once, the cool-down counted
    // from the rep's verdict (over at day 40), not from the lapse.
    later(3 * DAY_MS);
    pricingAndDemo(loop, personId);
    later();
    expect((await sync()).summary.handoffs).toBe(1);
    expect(await stages()).toEqual(["mql", "recycled", "mql", "recycled", "mql"]);
    expect((await loop.store.listFunnelEvents({ personId })).at(-1)!.cause).not.toContain("held");
    expect(contact()).toMatchObject({ lifecyclestage: "marketingqualifiedlead", leadloop_status: "mql" });
    expect(newMqlTasks()).toBe(2);
  });

  it("after an unreachable verdict, one the definition no longer takes (a required field blanked) goes back to unreachable", async () => {
    await sentBack("unreachable");
    // She calls back through the demo form five days on: held by the cool-down until day 40.
    later(5 * DAY_MS);
    pricingAndDemo(loop, personId);
    later();
    expect((await sync()).summary.handoffs).toBe(0);
    const until = (await loop.store.listFunnelEvents({ personId })).at(-1)!.cause.split("; ")[1]!;
    expect(until).toMatch(/^held by the cool-down until /);
    // A clean-up of duplicates leaves her first name blank: a handoff requires one.
    later(20 * DAY_MS);
    loop.hubspot.data.updateObject("contacts", personId, { firstname: null });
    later(6 * DAY_MS);
    expect((await sync()).summary.handoffs).toBe(0);
    expect(await stages()).toEqual(["mql", "unreachable", "mql", "unreachable"]);
    const [row] = await loop.store.listPersonScores({ personIds: [personId] });
    expect(row!.score).toBeGreaterThanOrEqual(60);
    expect((await loop.store.listFunnelEvents({ personId })).at(-1)!.cause).toBe(`${until}, then missing firstname, which a handoff requires`);
    expect(newMqlTasks()).toBe(1);
    expect(contact()).toMatchObject({ lifecyclestage: "lead", leadloop_status: "unreachable", hs_lead_status: "ATTEMPTED_TO_CONTACT" });
    if (crm === "salesforce") expect(lead().Status).toBe("Closed - Unreachable");
  });
});
