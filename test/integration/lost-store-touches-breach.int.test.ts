// A breach of the touches kind after a lost store: the rep followed the lead up on time but made fewer
// touches than sla.yaml expects within its touch window (the shipped 3 within 7d), the run after the window
// raised the breach (its "SLA missed … fewer than 3 touches in the touch window" alert task), and then the
// store was lost. The run after the loss gives the breach back from its alert task (restored-breaches.ts):
// its kind, its alert's recipient and its raise time, as `leadloop sla` showed them; it raises nothing
// again, and the clock goes on to the rep's verdict as it would have. Each story runs with and without the
// loss, and the two are compared (ARCHITECTURE.md "The follow-up SLA", a lost store).
import { rmSync } from "node:fs";
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, REPS, seedAnais, seedReps, startSlaLoop, TASK_STATUS, tasksOfPerson } from "../support/funnel-harness.js";
import type { LoopHarness } from "../support/loop-harness.js";

type Crm = "salesforce" | "hubspot";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.parse("2026-11-02T08:30:00.000Z");

/** The rep's qualifying verdict, which ends what the clock is owed. */
const QUALIFIED: Record<Crm, { field: string; value: string }> = {
  salesforce: { field: "Status", value: "Closed - Converted" },
  hubspot: { field: "hs_lead_status", value: "CONNECTED" },
};

interface Outcome {
  /** The store's breach rows: kind, who was alerted, when it was missed and raised. */
  breachRows: { kind: string; ownerEmail: string | null; alertTo: string | null; breachedAt: string; raisedAt: string; dueAt: string }[];
  clocks: { owner: string | null; handoffAt: string; dueAt: string; firstTouchAt: string | null; touches: number; breachedAt: string | null }[];
  /** slaBreaches of every run after the handoff's. */
  breaches: number;
  /** leadloop's tasks on the record ("New MQL", "SLA missed"): subject, holder and status. */
  tasks: { subject: string; owner: string; status: string }[];
  /** `leadloop sla --json` and `leadloop sla --breached` (the table), after the loss's runs. */
  slaJson: unknown;
  slaTable: string;
  /** `leadloop sla --json` at the end, the rep's verdict read. */
  slaJsonAfterVerdict: unknown;
}

/**
 * Hélène is handed Anaïs, calls her half an hour later and again the next day, then nothing: the run past
 * the touch window raises the touches breach (alert to her, as sla.yaml lists no manager for her). The
 * store is lost (or not); two runs; then she gives her verdict, and a run reads it. `verdictFirst`: her
 * verdict comes before the loss instead, so the restore finds her past MQL (restored-clocks.ts) rather than
 * at MQL (handoff-phase.ts `restoreClock`).
 */
async function tell(crm: Crm, lose: boolean, verdictFirst = false): Promise<Outcome> {
  const { clock, now, loop } = await startSlaLoop(crm, START);
  try {
    const reps = seedReps(loop);
    const names = new Map([...reps].map(([email, ids]) => [ids[crm], email]));
    const helene = reps.get(REPS.emea.email)![crm];
    let funnel = funnelFor(loop, crm);
    const sync = () => loop.sync({ funnel, now, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
    const personId = seedAnais(loop); // France: the EMEA queue, Hélène
    await sync();
    clock.t += MINUTE;
    pricingAndDemo(loop, personId);
    clock.t += MINUTE;
    expect((await sync()).summary.handoffs).toBe(1);
    const handoffAt = Date.parse((await loop.store.listSlaClocks())[0]!.handoffAt);
    const crmId = crm === "salesforce" ? String(loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!.Id) : personId;

    let breaches = 0;
    const run = async () => {
      const { summary } = await sync();
      expect(summary.handoffs).toBe(0);
      breaches += summary.slaBreaches;
    };
    // Two touches of the three: a call half an hour after the handoff (on time), one the next day.
    logCall(loop, crm, crmId, helene, new Date(handoffAt + 30 * MINUTE), "Appel découverte");
    clock.t = handoffAt + HOUR;
    await run();
    logCall(loop, crm, crmId, helene, new Date(handoffAt + DAY), "Relance — tarifs");
    clock.t = handoffAt + DAY + HOUR;
    await run();
    expect(breaches).toBe(0);
    // Past the touch window: the touches breach.
    clock.t = handoffAt + 7 * DAY + HOUR;
    await run();
    expect(breaches).toBe(1);

    // The rep's qualifying verdict, a day later, which ends what the clock is owed.
    const verdict = async () => {
      clock.t += DAY;
      const { field, value } = QUALIFIED[crm];
      if (crm === "salesforce") loop.salesforce.data.update("Lead", crmId, { [field]: value }, now(), helene);
      else loop.hubspot.data.updateObject("contacts", personId, { [field]: value }, now());
      clock.t += MINUTE;
      await run();
    };
    if (verdictFirst) await verdict();

    if (lose) {
      await loop.restart(() => rmSync(loop.storePath));
      funnel = funnelFor(loop, crm);
    }
    for (let i = 0; i < 2; i++) {
      clock.t += MINUTE;
      await run();
    }
    const cli = async (...args: string[]) => {
      const out = await runCli(["--config", loopConfig(loop, crm), "sla", ...args], {}, undefined, { now });
      expect(out).toMatchObject({ code: 0, stderr: "" });
      return out.stdout;
    };
    const slaJson = JSON.parse(await cli("--json")) as unknown;
    const slaTable = await cli("--breached");
    const clocks = (await loop.store.listSlaClocks()).map((c) => ({
      owner: c.ownerId === null ? null : (names.get(c.ownerId) ?? c.ownerId),
      handoffAt: c.handoffAt,
      dueAt: c.dueAt,
      firstTouchAt: c.firstTouchAt,
      touches: c.touches,
      breachedAt: c.breachedAt,
    }));
    const breachRows = (await loop.store.listSlaBreaches()).map((b) => ({
      kind: b.kind,
      ownerEmail: b.ownerEmail,
      alertTo: b.alertTo === null ? null : (names.get(b.alertTo) ?? b.alertTo),
      breachedAt: b.breachedAt,
      raisedAt: b.raisedAt,
      dueAt: b.dueAt,
    }));

    // The clock goes on: her verdict is read as it would have been.
    if (!verdictFirst) await verdict();
    const slaJsonAfterVerdict = JSON.parse(await cli("--json")) as unknown;
    return { breachRows, clocks, breaches, tasks: tasksOn(loop, crm, crmId, personId, names), slaJson, slaTable, slaJsonAfterVerdict };
  } finally {
    await loop.close();
  }
}

/** The owner logs a call on the person's CRM record at `at`. */
function logCall(loop: LoopHarness, crm: Crm, crmId: string, ownerId: string, at: Date, subject: string): void {
  if (crm === "salesforce") {
    loop.salesforce.data.insert(
      "Task",
      { Subject: subject, Status: "Completed", Priority: "Normal", TaskSubtype: "Call", Type: "Call", ActivityDate: at.toISOString().slice(0, 10), WhoId: crmId, OwnerId: ownerId },
      at,
    );
    return;
  }
  const call = loop.hubspot.data.createObject(
    "calls",
    { hs_call_title: subject, hs_call_status: "COMPLETED", hs_call_direction: "OUTBOUND", hs_timestamp: at.toISOString(), hubspot_owner_id: ownerId },
    at,
  );
  loop.hubspot.data.associate("calls", call.id, "contacts", crmId);
}

/** leadloop's tasks on the person's CRM record: subject, holder's email and status, by subject. */
function tasksOn(loop: LoopHarness, crm: Crm, crmId: string, personId: string, names: Map<string, string>): Outcome["tasks"] {
  return tasksOfPerson(loop, crm, crmId, personId)
    .map((t) => ({ ...t, owner: names.get(t.owner) ?? t.owner }))
    .filter((t) => t.subject.startsWith("New MQL") || t.subject.startsWith("SLA missed"))
    .sort((a, b) => a.subject.localeCompare(b.subject));
}

describe.each<[string, Crm]>([
  ["HubSpot as the CRM", "hubspot"],
  ["Salesforce as the CRM", "salesforce"],
])("a touches breach raised before a lost store, %s", (_name, crm) => {
  it("comes back from its alert task as it was (kind, alert, raise time), raised once, `leadloop sla` as without the loss", async () => {
    const kept = await tell(crm, false);
    const touchesDue = new Date(Date.parse(kept.clocks[0]!.handoffAt) + 7 * 86_400_000).toISOString();
    expect(kept.breachRows).toEqual([
      { kind: "touches", ownerEmail: REPS.emea.email, alertTo: REPS.emea.email, breachedAt: touchesDue, raisedAt: expect.any(String), dueAt: kept.clocks[0]!.dueAt },
    ]);
    expect(kept.clocks).toEqual([expect.objectContaining({ owner: REPS.emea.email, touches: 2, breachedAt: touchesDue })]);
    expect(kept.breaches).toBe(1);
    const lost = await tell(crm, true);
    expect(lost.breachRows).toEqual(kept.breachRows);
    expect(lost.clocks).toEqual(kept.clocks);
    // Not raised again: no breach counted, no second alert task.
    expect(lost.breaches).toBe(1);
    expect(kept.tasks).toEqual([
      { subject: "New MQL: follow up within 4h", owner: REPS.emea.email, status: TASK_STATUS[crm].done },
      { subject: "SLA missed: Anaïs Bérenger-Duval fewer than 3 touches in the touch window", owner: REPS.emea.email, status: TASK_STATUS[crm].open },
    ]);
    expect(lost.tasks).toEqual(kept.tasks);
    // `leadloop sla` shows the breach the same: BREACHED (touches), and --json's kind, alert and times.
    expect(kept.slaTable).toContain("(touches)");
    expect(lost.slaTable).toBe(kept.slaTable);
    expect(kept.slaJson).toMatchObject({ breaches: [{ breach: "touches", alertTo: expect.any(String), status: "breached" }] });
    expect(lost.slaJson).toEqual(kept.slaJson);
    // And the clock goes on: her verdict decides it as it would have.
    expect(kept.slaJsonAfterVerdict).toMatchObject({ clocks: [{ decidedAt: expect.any(String), status: "breached" }] });
    expect(lost.slaJsonAfterVerdict).toEqual(kept.slaJsonAfterVerdict);
  });

  it("comes back the same when the rep's verdict came before the loss (the clock restored decided)", async () => {
    const kept = await tell(crm, false, true);
    expect(kept.breachRows).toEqual([expect.objectContaining({ kind: "touches", alertTo: REPS.emea.email })]);
    expect(kept.slaJson).toMatchObject({ clocks: [{ decidedAt: expect.any(String), status: "breached", breach: "touches" }] });
    const lost = await tell(crm, true, true);
    expect(lost).toEqual(kept);
  });
});
