// A handed-off lead's follow-up clock after a lost store, as it stood: a breach raised before the loss
// comes back with the clock (its alert task is in the CRM), so the clock stays with the rep the handoff gave
// it when a rep gives the record to a colleague, and the breach is neither raised nor counted again; a
// Salesforce handoff that kept the Lead's owner (no OwnerId history row) still restores that owner, not the
// colleague a later change gave it to. Each story is run twice, with and without the loss, and compared:
// the clocks, the breaches counted, `report sla` and `leadloop sla`'s breach rows, their kind, alert and
// raise time read back from the alert task (README, the follow-up SLA after a lost store).
import { rmSync } from "node:fs";
import { buildSlaReport } from "../../src/report/build.js";
import { slaBoard } from "../../src/sync/funnel/sla-list.js";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import { funnelFor, pricingAndDemo, REPS, seedAnais, seedReps, ANAIS } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

type Crm = "salesforce" | "hubspot";

const DAY = 86_400_000;
const START = Date.parse("2026-11-02T08:30:00.000Z");

interface Story {
  crm: Crm;
  /** The store is lost after the breach, before the record is given away. */
  lose: boolean;
  /** The Lead exists before the handoff, owned by the rep the routing gives it (Salesforce). */
  ownedBefore?: boolean;
  /** The breach of the missed follow-up is raised before the loss (the clock is breached). */
  breach: boolean;
  /** Whether the Salesforce org tracks the MQL date's history besides Status and OwnerId. */
  mqlDateTracked?: boolean;
}

interface Outcome {
  clocks: { owner: string | null; handoffAt: string; dueAt: string; breachedAt: string | null; touches: number }[];
  /** slaBreaches of every run after the handoff's. */
  breaches: number;
  /** leadloop's tasks on the record ("New MQL", "SLA missed"): holder and status. */
  tasks: { subject: string; owner: string; status: string }[];
  report: unknown;
  /** `leadloop sla`'s breach rows (its BREACHED and REROUTED TO columns, `--json`'s alertTo) and the raise times. */
  board: { breach: string | null; breachedAt: string | null; alertTo: string | null; rerouteTo: string | null; raisedAt: string | null }[];
}

/** Hélène is handed Anaïs; then (maybe) the follow-up breaches; the store is lost (or not); she gives it to Jordan. */
async function tell(story: Story): Promise<Outcome> {
  const clock = { t: START };
  const loop: LoopHarness = await startLoop({
    now: () => new Date(clock.t),
    ...(story.crm === "salesforce"
      ? { salesforce: { trackedFields: { Lead: ["Status", "OwnerId", ...(story.mqlDateTracked === false ? [] : ["Leadloop_MQL_Date__c"])] } } }
      : {}),
  });
  try {
    const reps = seedReps(loop);
    const idOf = (email: string) => reps.get(email)![story.crm];
    let funnel: FunnelSetup = funnelFor(loop, story.crm);
    const sync = () =>
      loop.sync({ funnel, now: () => new Date(clock.t), ...(story.crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
    const personId = seedAnais(loop); // France: the EMEA queue, Hélène
    const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
    if (story.ownedBefore)
      loop.salesforce.data.insert("Lead", {
        Email: ANAIS.email,
        FirstName: ANAIS.firstname,
        LastName: ANAIS.lastname,
        Company: ANAIS.company,
        Country: ANAIS.country,
        Status: "Open - Not Contacted",
        OwnerId: idOf(REPS.emea.email),
      });
    await sync();
    clock.t += 60_000;
    pricingAndDemo(loop, personId);
    clock.t += 60_000;
    expect((await sync()).summary.handoffs).toBe(1);
    let breaches = 0;
    // Two days on the follow-up is overdue: the run raises the breach (alert task to Hélène's manager).
    if (story.breach) {
      clock.t += 2 * DAY;
      breaches += (await sync()).summary.slaBreaches;
      expect(breaches).toBe(1);
    }
    if (story.lose) {
      await loop.restart(() => rmSync(loop.storePath));
      funnel = funnelFor(loop, story.crm);
    }
    // Hélène gives the lead to Jordan in the CRM (the change is hers, not the integration user's).
    clock.t += 60_000;
    const jordan = idOf(REPS.fallback.email);
    if (story.crm === "salesforce")
      loop.salesforce.data.update("Lead", String(lead().Id), { OwnerId: jordan }, new Date(clock.t), idOf(REPS.emea.email));
    else loop.hubspot.data.updateObject("contacts", personId, { hubspot_owner_id: jordan }, new Date(clock.t));
    for (let run = 0; run < 2; run++) {
      clock.t += 60_000;
      const { summary } = await sync();
      expect(summary.handoffs).toBe(0);
      breaches += summary.slaBreaches;
    }
    const names = new Map([...reps].map(([email, ids]) => [ids[story.crm], email]));
    const clocks = (await loop.store.listSlaClocks()).map((c) => ({
      owner: c.ownerId === null ? null : (names.get(c.ownerId) ?? c.ownerId),
      handoffAt: c.handoffAt,
      dueAt: c.dueAt,
      breachedAt: c.breachedAt,
      touches: c.touches,
    }));
    const report = await buildSlaReport(loop.store, { sla: funnel.sla, since: "2026-11-01", until: "2026-12-01" }, new Date(clock.t));
    const tasks = (
      story.crm === "salesforce"
        ? loop.salesforce.data
            .list("Task")
            .filter((t) => t.WhoId === lead().Id)
            .map((t) => ({ subject: String(t.Subject), owner: String(t.OwnerId), status: String(t.Status) }))
        : loop.hubspot.data
            .associationsOf("contacts", personId, "tasks")
            .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties)
            .map((t) => ({ subject: String(t.hs_task_subject), owner: String(t.hubspot_owner_id), status: String(t.hs_task_status) }))
    )
      .map((t) => ({ ...t, subject: t.subject.split(":")[0]!, owner: names.get(t.owner) ?? t.owner }))
      .filter((t) => t.subject === "New MQL" || t.subject === "SLA missed")
      .sort((a, b) => a.subject.localeCompare(b.subject));
    const raised = new Map((await loop.store.listSlaBreaches()).map((b) => [b.handoffAt, b.raisedAt]));
    const board = (await slaBoard(loop.store, funnel.sla, new Date(clock.t))).breaches.map((r) => ({
      breach: r.breach,
      breachedAt: r.breachedAt,
      alertTo: r.alertTo === null ? null : (names.get(r.alertTo) ?? r.alertTo),
      rerouteTo: r.rerouteTo,
      raisedAt: raised.get(r.handedOffAt) ?? null,
    }));
    return { clocks, breaches, report, tasks, board };
  } finally {
    await loop.close();
  }
}

describe.each<[string, Crm]>([
  ["HubSpot as the CRM", "hubspot"],
  ["Salesforce tracking OwnerId", "salesforce"],
])("a breached follow-up clock after a lost store, %s", (_name, crm) => {
  it("stays with the handoff rep when the record is given to a colleague, breached once, `report sla` as without the loss", async () => {
    const kept = await tell({ crm, lose: false, breach: true });
    expect(kept.clocks).toEqual([expect.objectContaining({ owner: REPS.emea.email, breachedAt: kept.clocks[0]!.dueAt })]);
    expect(kept.breaches).toBe(1);
    const lost = await tell({ crm, lose: true, breach: true });
    expect(lost.clocks).toEqual(kept.clocks);
    expect(lost.breaches).toBe(1);
    expect(lost.report).toEqual(kept.report);
    // `leadloop sla` shows the breach as raised: its kind, alert and raise time, from the alert task.
    expect(kept.board).toEqual([expect.objectContaining({ breach: "follow-up", raisedAt: expect.any(String) })]);
    expect(lost.board).toEqual(kept.board);
    // The alert task once; the "New MQL" task stays Hélène's, open, as the breached clock keeps her.
    expect(kept.tasks).toEqual([
      { subject: "New MQL", owner: REPS.emea.email, status: crm === "salesforce" ? "Not Started" : "NOT_STARTED" },
      { subject: "SLA missed", owner: REPS.emea.email, status: crm === "salesforce" ? "Not Started" : "NOT_STARTED" },
    ]);
    expect(lost.tasks).toEqual(kept.tasks);
  });
});

// The handoff's time is the MQL date's own setting where the org tracks it; else the first owner change
// since the MQL date is the handoff's only when the integration user made it (LeadHistory CreatedById).
describe.each<[string, boolean]>([
  ["tracking OwnerId and the MQL date", true],
  ["tracking OwnerId alone", false],
])("a Salesforce handoff that kept the Lead's owner (no OwnerId history row), after a lost store, %s", (_name, mqlDateTracked) => {
  const story = { crm: "salesforce", ownedBefore: true, mqlDateTracked } as const;

  it("a breached clock comes back with the rep the Lead had at the handoff and stays there, not with the colleague given it since", async () => {
    const kept = await tell({ ...story, lose: false, breach: true });
    expect(kept.clocks).toEqual([expect.objectContaining({ owner: REPS.emea.email, breachedAt: kept.clocks[0]!.dueAt })]);
    const lost = await tell({ ...story, lose: true, breach: true });
    expect(lost).toEqual(kept);
  });

  it("an unbreached clock comes back with that rep and follows the record to the colleague with its task", async () => {
    const kept = await tell({ ...story, lose: false, breach: false });
    // The run that read the change moved the clock and the open "New MQL" task to Jordan.
    expect(kept.clocks).toEqual([expect.objectContaining({ owner: REPS.fallback.email, breachedAt: null })]);
    expect(kept.tasks).toEqual([{ subject: "New MQL", owner: REPS.fallback.email, status: "Not Started" }]);
    const lost = await tell({ ...story, lose: true, breach: false });
    expect(lost).toEqual(kept);
  });
});
