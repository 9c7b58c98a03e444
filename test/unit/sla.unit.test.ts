import { fileURLToPath } from "node:url";
import { problemsOf } from "../support/config-problems.js";
import { loadSla, parseSla } from "../../src/config/sla-file.js";
import { breachesToRaise } from "../../src/core/sla/breaches.js";
import type { SlaClockView, SlaDefinition } from "../../src/core/sla/definition.js";
import { slaDueAt, slaState, touchesDueAt } from "../../src/core/sla/state.js";

const SHIPPED = fileURLToPath(new URL("../../config/sla.yaml", import.meta.url));
const FILE = "config/sla.yaml";

const SLA: SlaDefinition = {
  clock: "calendar",
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
      followUpMs: 90 * 60_000,
      followUpLabel: "1h30m",
      touches: null,
      onBreach: { alert: true, alertTo: "manager", reroute: false, managers: {} },
    });
  });

  it("reports bad durations, misspelt keys and business hours with their line", () => {
    const yaml = `version: 1
clock: business
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
      [2, "clock", 'only "calendar" is supported (nights and weekends count)'],
      [4, "followUp.within", '"soon" is not a duration (write e.g. 30m, 4h, 1d)'],
      [6, "touches.within", "required key is missing"],
      [7, "touches.withn", 'unknown key (did you mean "within"?)'],
      [9, "onBreach.reroute", "Invalid input: expected boolean, received string"],
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
