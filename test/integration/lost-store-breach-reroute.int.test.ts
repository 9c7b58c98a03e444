// A breach that rerouted the lead, then a lost store: the next runs leave the lead with the rep it was
// rerouted to and reroute nothing a second time, with or without the breach's alert task, and the rerouted
// rep's own clock goes on (a missed follow-up of theirs reroutes the lead on, as without the loss). The
// reroute's trace in the CRM is its "Re-routed lead" task, keyed by the person and the reroute's instant
// (restored-reroutes.ts). Each story runs with and without the loss, and the two are compared.
import { rmSync } from "node:fs";
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, REPS, routingWith, seedAnais, seedReps, startSlaLoop, tasksOfPerson } from "../support/funnel-harness.js";
import { parseRouting } from "../../src/config/routing-file.js";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";

type Crm = "salesforce" | "hubspot";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse("2026-11-02T08:30:00.000Z");

/** A second EMEA rep, to whom a reroute gives the lead Hélène missed. */
const LUCIA = { email: "lucia.garcia@leadloop-demo.com", firstName: "Lucía", lastName: "García" };

/** The EMEA queue of two, the fallback Jordan: Hélène misses, the lead goes to Lucía, then Jordan. */
const ROUTING = routingWith([REPS.emea.email, LUCIA.email]);

interface Outcome {
  /** The CRM record's owner, by email. */
  owner: string;
  /** leadloop's follow-up and alert tasks on the record: subject, holder, status. */
  tasks: { subject: string; owner: string; status: string }[];
  /** slaBreaches of each run after the handoff's. */
  breaches: number[];
  /** `leadloop sla --json`. */
  sla: unknown;
}

/**
 * Hélène is handed Anaïs and misses the follow-up: the run 5h later raises the breach and reroutes her to
 * Lucía. The store is lost (or not); a run; then, `lucíaMisses`, Lucía misses hers too and a run 5h on
 * reroutes the lead to Jordan, the one rep left.
 */
async function tell(crm: Crm, lose: boolean, alert: boolean, luciaMisses: boolean, luciaDecidesFirst = false): Promise<Outcome> {
  const { clock, now, loop } = await startSlaLoop(crm, START);
  try {
    const reps = seedReps(loop);
    reps.set(LUCIA.email, {
      salesforce: loop.salesforce.data.insert("User", { Username: `${LUCIA.email}.test`, Email: LUCIA.email, FirstName: LUCIA.firstName, LastName: LUCIA.lastName, IsActive: true }),
      hubspot: loop.hubspot.data.addOwner(LUCIA).id,
    });
    const names = new Map([...reps].map(([email, ids]) => [ids[crm], email]));
    const setup = (): FunnelSetup => {
      const f = funnelFor(loop, crm);
      return { ...f, routing: parseRouting(ROUTING, "routing.yaml"), sla: { ...f.sla, onBreach: { ...f.sla.onBreach, alert, reroute: true } } };
    };
    let funnel = setup();
    const sync = () => loop.sync({ funnel, now, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
    const personId = seedAnais(loop); // France: the EMEA queue, Hélène's turn first
    await sync();
    clock.t += MINUTE;
    pricingAndDemo(loop, personId);
    clock.t += MINUTE;
    expect((await sync()).summary.handoffs).toBe(1);
    const crmId = crm === "salesforce" ? String(loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!.Id) : personId;
    const breaches: number[] = [];
    const run = async () => {
      const { summary } = await sync();
      expect(summary.handoffs).toBe(0);
      breaches.push(summary.slaBreaches);
    };
    clock.t += 5 * HOUR;
    await run(); // Hélène's breach: rerouted to Lucía
    if (luciaDecidesFirst) {
      // Lucía qualifies the lead before the loss: the restore finds Anaïs past MQL (restored-clocks.ts).
      clock.t += MINUTE;
      const lucia = reps.get(LUCIA.email)![crm];
      if (crm === "salesforce") loop.salesforce.data.update("Lead", crmId, { Status: "Closed - Converted" }, now(), lucia);
      else loop.hubspot.data.updateObject("contacts", personId, { hs_lead_status: "CONNECTED" }, now());
      clock.t += MINUTE;
      await run();
    }
    if (lose) {
      await loop.restart(() => rmSync(loop.storePath));
      funnel = setup();
    }
    clock.t += MINUTE;
    await run();
    clock.t += MINUTE;
    await run();
    if (luciaMisses) {
      clock.t += 5 * HOUR;
      await run();
      clock.t += MINUTE;
      await run();
    }
    const owner =
      crm === "salesforce"
        ? String(loop.salesforce.data.list("Lead").find((l) => l.Id === crmId)!.OwnerId)
        : String(loop.hubspot.data.getObject("contacts", personId)!.properties.hubspot_owner_id);
    const tasks = tasksOfPerson(loop, crm, crmId, personId)
      .filter((t) => /^(New MQL|Re-routed lead|SLA missed)/.test(t.subject))
      .map((t) => ({ ...t, owner: names.get(t.owner) ?? t.owner }))
      .sort((a, b) => a.subject.localeCompare(b.subject) || a.owner.localeCompare(b.owner));
    const sla = await runCli(["--config", loopConfig(loop, crm), "sla", "--json"], {}, undefined, { now });
    expect(sla).toMatchObject({ code: 0, stderr: "" });
    return { owner: names.get(owner) ?? owner, tasks, breaches, sla: JSON.parse(sla.stdout) as unknown };
  } finally {
    await loop.close();
  }
}

describe.each<[string, Crm]>([
  ["HubSpot as the CRM", "hubspot"],
  ["Salesforce as the CRM", "salesforce"],
])("a breach that rerouted the lead, then a lost store, %s", (_name, crm) => {
  it.each([
    ["with its alert task", true],
    ["without an alert (onBreach.alert: false)", false],
  ])("%s: the lead stays with the rep it was rerouted to, rerouted once, `leadloop sla` as without the loss", async (_case, alert) => {
    const kept = await tell(crm, false, alert, false);
    expect(kept.owner).toBe(LUCIA.email);
    expect(kept.tasks.filter((t) => t.subject.startsWith("Re-routed lead"))).toEqual([expect.objectContaining({ owner: LUCIA.email })]);
    expect(kept.breaches).toEqual([1, 0, 0]);
    const lost = await tell(crm, true, alert, false);
    expect(lost.owner).toBe(kept.owner);
    expect(lost.tasks).toEqual(kept.tasks);
    expect(lost.breaches).toEqual(kept.breaches);
    expect(lost.sla).toEqual(kept.sla);
  });

  it.each([
    ["with its alert task", true],
    ["without an alert (onBreach.alert: false)", false],
  ])("%s: the rerouted rep's verdict before the loss: her clock comes back decided, the breach rerouted to her", async (_case, alert) => {
    const kept = await tell(crm, false, alert, false, true);
    expect(kept.owner).toBe(LUCIA.email);
    expect(kept.sla).toMatchObject({ clocks: [{ owner: LUCIA.email, decidedAt: expect.any(String) }], breaches: [{ rerouteTo: LUCIA.email }] });
    const lost = await tell(crm, true, alert, false, true);
    expect(lost).toEqual(kept);
  });

  it.each([
    ["with its alert task", true],
    ["without an alert (onBreach.alert: false)", false],
  ])("%s: the rerouted rep's own clock goes on: her missed follow-up reroutes the lead on once", async (_case, alert) => {
    const kept = await tell(crm, false, alert, true);
    expect(kept.owner).toBe(REPS.fallback.email);
    expect(kept.breaches).toEqual([1, 0, 0, 1, 0]);
    const lost = await tell(crm, true, alert, true);
    expect(lost).toEqual(kept);
  });
});
