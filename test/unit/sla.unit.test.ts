import { fileURLToPath } from "node:url";
import { problemsOf } from "../support/config-problems.js";
import { loadSla, parseSla } from "../../src/config/sla-file.js";
import { breachesToRaise } from "../../src/core/sla/breaches.js";
import type { SlaClockView, SlaDefinition } from "../../src/core/sla/definition.js";
import { slaDueAt, slaState, touchesDueAt } from "../../src/core/sla/state.js";
import { addBusinessTime, type BusinessHours } from "../../src/core/sla/business-hours.js";
import { planReroute } from "../../src/core/sla/reroute.js";
import { parseRouting } from "../../src/config/routing-file.js";

const SHIPPED = fileURLToPath(new URL("../../config/sla.yaml", import.meta.url));
const FILE = "config/sla.yaml";

const SLA: SlaDefinition = {
  clock: "calendar",
  businessHours: null,
  followUpMs: 4 * 3_600_000,
  followUpLabel: "4h",
  touches: { expected: 3, withinMs: 7 * 86_400_000 },
  onBreach: { alert: true, alertTo: "manager", reroute: false, managers: {} },
};

// Handed off on a Friday afternoon: calendar time means the 4h SLA is due that evening.
const HANDOFF = "2025-03-14T15:30:00.000Z";
const DUE = "2025-03-14T19:30:00.000Z";

function clock(overrides: Partial<SlaClockView> = {}): SlaClockView {
  return { handoffAt: HANDOFF, dueAt: DUE, firstTouchAt: null, touches: 0, breachedAt: null, ...overrides };
}


describe("slaDueAt", () => {
  it("adds the follow-up time in calendar time, nights and weekends included", () => {
    expect(slaDueAt(HANDOFF, SLA)).toBe(DUE);
    expect(slaDueAt(new Date("2025-03-14T22:00:00Z"), SLA)).toBe("2025-03-15T02:00:00.000Z");
    expect(slaDueAt(HANDOFF, { ...SLA, followUpMs: 86_400_000 })).toBe("2025-03-15T15:30:00.000Z");
    expect(touchesDueAt(HANDOFF, SLA)).toBe("2025-03-21T15:30:00.000Z");
    expect(touchesDueAt(HANDOFF, { ...SLA, touches: null })).toBeNull();
  });

  it("refuses a time that is not one", () => {
    expect(() => slaDueAt("next Friday", SLA)).toThrow("not a point in time: next Friday");
  });
});

describe("slaState", () => {
  it("is open before the due time with no touch", () => {
    expect(slaState(clock(), "2025-03-14T18:00:00.000Z", SLA)).toEqual({
      status: "open",
      minutesToFirstTouch: null,
      overdueMinutes: 0,
      breach: null,
    });
    // Exactly at the due time is still on time.
    expect(slaState(clock(), DUE, SLA).status).toBe("open");
  });

  it("is breached once the due time passes without a touch, and counts the minutes", () => {
    expect(slaState(clock(), "2025-03-14T21:15:00.000Z", SLA)).toEqual({
      status: "breached",
      minutesToFirstTouch: null,
      overdueMinutes: 105,
      breach: "follow-up",
    });
  });

  it("stays open after an on-time first touch until the expected touches are made, then is met", () => {
    const touchedOnce = clock({ firstTouchAt: "2025-03-14T16:12:00.000Z", touches: 1 });
    expect(slaState(touchedOnce, "2025-03-17T09:00:00.000Z", SLA)).toEqual({
      status: "open",
      minutesToFirstTouch: 42,
      overdueMinutes: 0,
      breach: null,
    });
    expect(slaState({ ...touchedOnce, touches: 3 }, "2025-03-17T09:00:00.000Z", SLA).status).toBe("met");
    // Without a touch target the first touch alone meets it.
    expect(slaState(touchedOnce, "2025-03-14T17:00:00.000Z", { ...SLA, touches: null }).status).toBe("met");
  });

  it("is breached when the first touch came late, even though it came", () => {
    const late = clock({ firstTouchAt: "2025-03-17T08:05:00.000Z", touches: 4 });
    expect(slaState(late, "2025-03-17T09:00:00.000Z", SLA)).toEqual({
      status: "breached",
      minutesToFirstTouch: 3875,
      overdueMinutes: 3635,
      breach: "follow-up",
    });
  });

  it("is breached when too few touches were made within the touch window", () => {
    const once = clock({ firstTouchAt: "2025-03-14T16:00:00.000Z", touches: 2 });
    expect(slaState(once, "2025-03-21T15:30:00.000Z", SLA).status).toBe("open");
    expect(slaState(once, "2025-03-21T17:30:00.000Z", SLA)).toEqual({
      status: "breached",
      minutesToFirstTouch: 30,
      overdueMinutes: 120,
      breach: "touches",
    });
  });

  it("keeps a raised breach a breach, and counts a touch before the handoff as immediate", () => {
    const raised = clock({ firstTouchAt: "2025-03-14T15:00:00.000Z", touches: 5, breachedAt: DUE });
    expect(slaState(raised, "2025-03-28T00:00:00.000Z", SLA)).toEqual({
      status: "breached",
      minutesToFirstTouch: 0,
      overdueMinutes: 0,
      breach: null,
    });
  });
});

describe("breachesToRaise", () => {
  const now = "2025-03-22T12:00:00.000Z";
  const clocks = [
    { personId: "p-on-time", ...clock({ firstTouchAt: "2025-03-14T16:00:00.000Z", touches: 3 }) },
    { personId: "p-never-touched", ...clock() },
    { personId: "p-already-raised", ...clock({ breachedAt: DUE }) },
    { personId: "p-few-touches", ...clock({ firstTouchAt: "2025-03-14T16:00:00.000Z", touches: 1 }) },
    {
      personId: "p-still-open",
      ...clock({ handoffAt: "2025-03-22T10:00:00.000Z", dueAt: "2025-03-22T14:00:00.000Z" }),
    },
  ];

  it("raises each new breach once, longest overdue first, with what to do", () => {
    const breaches = breachesToRaise(clocks, now, SLA);
    expect(
      breaches.map((b) => [b.clock.personId, b.kind, b.breachedAt, b.overdueMinutes, b.alert, b.reroute]),
    ).toEqual([
      ["p-never-touched", "follow-up", DUE, 11_070, true, false],
      ["p-few-touches", "touches", "2025-03-21T15:30:00.000Z", 1_230, true, false],
    ]);
    // Once the caller stores breachedAt, the next cycle raises nothing again.
    const stored = clocks.map((c) => ({
      ...c,
      breachedAt: breaches.find((b) => b.clock.personId === c.personId)?.breachedAt ?? c.breachedAt,
    }));
    expect(breachesToRaise(stored, "2025-03-22T13:00:00.000Z", SLA)).toEqual([]);
  });

  it("carries the definition's breach actions", () => {
    const rerouting = { ...SLA, onBreach: { ...SLA.onBreach, alert: false, reroute: true } };
    expect(breachesToRaise([clocks[1]!], now, rerouting)[0]).toMatchObject({ alert: false, reroute: true });
  });
});

describe("loadSla", () => {
  it("loads the shipped definition", () => {
    expect(loadSla(SHIPPED)).toEqual({
      clock: "calendar",
      businessHours: null,
      followUpMs: 4 * 3_600_000,
      followUpLabel: "4h",
      touches: { expected: 3, withinMs: 7 * 86_400_000 },
      onBreach: {
        alert: true,
        alertTo: "manager",
        reroute: false,
        managers: expect.objectContaining({
          "priya.raman@leadloop-demo.com": "jordan.miller@leadloop-demo.com",
        }),
      },
    });
  });

  it("fills defaults: calendar clock, no touch target, alert without reroute", () => {
    expect(parseSla("version: 1\nfollowUp: { within: 1h30m }\n", FILE)).toEqual({
      clock: "calendar",
      businessHours: null,
      followUpMs: 90 * 60_000,
      followUpLabel: "1h30m",
      touches: null,
      onBreach: { alert: true, alertTo: "manager", reroute: false, managers: {} },
    });
  });

  it("reports bad durations, misspelt keys and an unknown clock with their line", () => {
    const yaml = `version: 1
clock: sundial
followUp:
  within: soon
touches:
  expected: 3
  withn: 7d
onBreach:
  reroute: yes please
  alertTo: boss
  managers: { Priya.Raman@Leadloop-Demo.com: not-an-email }
`;
    expect(problemsOf(() => parseSla(yaml, FILE)).map((p) => [p.line, p.key, p.message])).toEqual([
      [2, "clock", "one of calendar, business"],
      [4, "followUp.within", '"soon" is not a duration (write e.g. 30m, 4h, 1d)'],
      [6, "touches.within", "required key is missing"],
      [7, "touches.withn", 'unknown key (did you mean "within"?)'],
      [9, "onBreach.reroute", 'expected true or false, not the text "yes please"'],
      [10, "onBreach.alertTo", "one of owner, manager, queue"],
      [11, "onBreach.managers.Priya.Raman@Leadloop-Demo.com", '"not-an-email" is not an email address'],
    ]);
  });

  it("reads who the alert is for and the managers, emails lower-cased", () => {
    const yaml = `version: 1
followUp: { within: 2h }
onBreach:
  alert: true
  alertTo: queue
  reroute: true
  managers:
    Sofia.Hernández@example.com: Ana.Pérez@example.com
    kevin.tran@leadloop-demo.com: sofia.hernandez@leadloop-demo.com
`;
    expect(parseSla(yaml, FILE).onBreach).toEqual({
      alert: true,
      alertTo: "queue",
      reroute: true,
      managers: { "kevin.tran@leadloop-demo.com": "sofia.hernandez@leadloop-demo.com", "sofia.hernández@example.com": "ana.pérez@example.com" },
    });
  });
});

describe("business hours", () => {
  const PARIS: BusinessHours = {
    timezone: "Europe/Paris",
    days: ["mon", "tue", "wed", "thu", "fri"],
    startMinute: 9 * 60,
    endMinute: 18 * 60,
  };
  const HOUR = 3_600_000;
  const add = (from: string, ms: number, hours = PARIS) => new Date(addBusinessTime(Date.parse(from), ms, hours)).toISOString();

  it("counts only working hours in the team's zone: a Friday-evening handoff is due on Monday", () => {
    // Friday 14 March 2025, 17:00 in Paris (UTC+1): one working hour left on Friday, three on Monday.
    expect(add("2025-03-14T16:00:00.000Z", 4 * HOUR)).toBe("2025-03-17T11:00:00.000Z");
    // Handed off on Saturday: the clock starts Monday 09:00.
    expect(add("2025-03-15T10:00:00.000Z", 4 * HOUR)).toBe("2025-03-17T12:00:00.000Z");
    // Before opening on a weekday: from 09:00 that day.
    expect(add("2025-03-18T05:30:00.000Z", 30 * 60_000)).toBe("2025-03-18T08:30:00.000Z");
    // Exactly filling the day ends at closing time, not the next morning.
    expect(add("2025-03-18T08:00:00.000Z", 9 * HOUR)).toBe("2025-03-18T17:00:00.000Z");
  });

  it("follows summer time: the same wall-clock hours move in UTC", () => {
    // Summer time in Paris began on Sunday 30 March 2025: Friday closes at 17:00Z, Monday opens at 07:00Z.
    expect(add("2025-03-28T16:00:00.000Z", 2 * HOUR)).toBe("2025-03-31T08:00:00.000Z");
    // New York, Sunday-to-Thursday week.
    const ny: BusinessHours = { timezone: "America/New_York", days: ["sun", "mon", "tue", "wed", "thu"], startMinute: 8 * 60, endMinute: 16 * 60 + 30 };
    expect(add("2025-07-04T15:00:00.000Z", HOUR, ny)).toBe("2025-07-06T13:00:00.000Z");
  });

  it("makes the due time, the touch window and the breach use working time", () => {
    const sla = parseSla(
      `version: 1
clock: business
businessHours: { timezone: Europe/Paris, days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00" }
followUp: { within: 4h }
touches: { expected: 2, within: 1d }
`,
      FILE,
    );
    expect(sla).toMatchObject({ clock: "business", followUpMs: 4 * HOUR, touches: { expected: 2, withinMs: 9 * HOUR } });
    const handoff = "2025-03-14T16:00:00.000Z"; // Friday 17:00 in Paris
    expect(slaDueAt(handoff, sla)).toBe("2025-03-17T11:00:00.000Z");
    expect(touchesDueAt(handoff, sla)).toBe("2025-03-17T16:00:00.000Z");
    const open = { handoffAt: handoff, dueAt: slaDueAt(handoff, sla), firstTouchAt: null, touches: 0, breachedAt: null };
    // Saturday noon: the weekend does not count, still open.
    expect(slaState(open, "2025-03-15T11:00:00.000Z", sla).status).toBe("open");
    expect(breachesToRaise([open], "2025-03-17T11:30:00.000Z", sla).map((b) => [b.kind, b.breachedAt])).toEqual([
      ["follow-up", "2025-03-17T11:00:00.000Z"],
    ]);
    const touchedOnce = { ...open, firstTouchAt: "2025-03-17T09:00:00.000Z", touches: 1 };
    expect(breachesToRaise([touchedOnce], "2025-03-17T17:00:00.000Z", sla).map((b) => [b.kind, b.breachedAt])).toEqual([
      ["touches", "2025-03-17T16:00:00.000Z"],
    ]);
  });

  it("reports business hours that cannot work, with their line", () => {
    const yaml = `version: 1
clock: business
businessHours:
  timezone: Europe/Pariss
  days: [mon, fri, funday]
  start: "9am"
  end: "18:00"
followUp: { within: 4h }
`;
    expect(problemsOf(() => parseSla(yaml, FILE)).map((p) => [p.line, p.key, p.message])).toEqual([
      [4, "businessHours.timezone", '"Europe/Pariss" is not a time zone (write e.g. Europe/Paris, America/New_York)'],
      [5, "businessHours.days[2]", "one of mon, tue, wed, thu, fri, sat, sun"],
      [6, "businessHours.start", '"9am" is not a time of day (write e.g. 09:00)'],
    ]);
    expect(problemsOf(() => parseSla("version: 1\nclock: business\nfollowUp: { within: 4h }\n", FILE)).map((p) => [p.key, p.message])).toEqual([
      ["businessHours", "required with clock: business"],
    ]);
    expect(
      problemsOf(() =>
        parseSla(`version: 1\nbusinessHours: { timezone: UTC, start: "18:00", end: "09:00" }\nfollowUp: { within: 4h }\n`, FILE),
      ).map((p) => [p.key, p.message]),
    ).toEqual([
      ["clock", "business hours are given: set clock: business to use them"],
      ["businessHours.end", "start must be before end"],
    ]);
  });
});

describe("planReroute: a breached lead goes to a rep who has not held it", () => {
  // Two EMEA reps and a sales desk behind them, as a small team's routing.yaml would say.
  const ROUTING = parseRouting(
    `version: 1
keepAccountOwner: true
queues:
  emea: [lea.muller@acme-sales.com, francois.lefevre@acme-sales.com]
rules:
  - id: emea
    description: Europe
    when: { country: [FR, DE] }
    assign: { queue: emea }
fallback: sales-desk@acme-sales.com
`,
    "routing.yaml",
  );
  const REPS = new Set(["lea.muller@acme-sales.com", "francois.lefevre@acme-sales.com", "sales-desk@acme-sales.com"]);
  const camille = { email: "camille.lefevre@sgi-ingenierie.fr", country: "France", state: null, employees: "400", industry: null };

  it("leaves out the owner who missed it: the queue's other rep takes the lead", () => {
    expect(planReroute(camille, { activeReps: REPS, heldBy: ["lea.muller@acme-sales.com"] }, ROUTING)).toMatchObject({
      kind: "queue",
      members: ["francois.lefevre@acme-sales.com"],
    });
  });

  it("leaves out the reps who held the lead's earlier clocks too, however their emails are written", () => {
    // Léa missed it, François took it and missed it as well: never back to Léa, so the desk takes it.
    const decision = planReroute(
      camille,
      { activeReps: REPS, heldBy: ["francois.lefevre@acme-sales.com", "Lea.Muller@ACME-Sales.com"] },
      ROUTING,
    );
    expect(decision).toMatchObject({ kind: "rep", rep: "sales-desk@acme-sales.com", ruleId: "fallback" });
  });

  it("keeps the owner when every rep the routing gives the lead to has held it, and says so", () => {
    const heldBy = ["sales-desk@acme-sales.com", "lea.muller@acme-sales.com", "francois.lefevre@acme-sales.com"];
    expect(planReroute(camille, { activeReps: REPS, heldBy }, ROUTING)).toEqual({
      kind: "all-held",
      explanation:
        "every rep the routing gives this lead to has held it already " +
        "(francois.lefevre@acme-sales.com, lea.muller@acme-sales.com, sales-desk@acme-sales.com)",
    });
  });

  it("a lead the routing has no one for at all stays unroutable, whoever held it", () => {
    // Outside Europe only the desk takes leads, and the desk is away: leaving out Léa changes nothing.
    const away = new Set(["lea.muller@acme-sales.com", "francois.lefevre@acme-sales.com"]);
    const joao = { ...camille, email: "joao.silva@construtora-horizonte.com.br", country: "Brazil" };
    expect(planReroute(joao, { activeReps: away, heldBy: ["lea.muller@acme-sales.com"] }, ROUTING)).toMatchObject({
      kind: "unroutable",
    });
  });
});
