// The funnel report's figures, computed by hand from a fixed set of funnel events and follow-up clocks:
// a person who is recycled and qualifies again, a rep's own lead won without ever being an MQL, a deal
// lost after crossing from one quarter into the next, campaign names typed with other case, spacing and
// accents (one decomposed), and a quarter with no events at all.
import {
  campaignReport,
  DEFAULT_REPORT_SETTINGS,
  type FunnelReportInput,
  funnelFigures,
  funnelReport,
  type PersonFacts,
  previousPeriod,
  type ReportClock,
  type ReportEvent,
  resolvePeriod,
  slaReport,
  territoryOf,
} from "../../src/core/report/index.js";
import type { RoutingDefinition } from "../../src/core/routing/definition.js";
import { percentOf, shiftPoints, textTable } from "../../src/report/table.js";
import type { SlaDefinition } from "../../src/core/sla/index.js";

function ev(personId: string, fromStage: string | null, toStage: string, at: string, cause: string, extra: Partial<ReportEvent> = {}): ReportEvent {
  return { personId, fromStage, toStage, at, cause, source: null, campaign: null, ownerId: null, amount: null, ...extra };
}

const WEBINAR = { source: "EMAIL_MARKETING", campaign: "Webinaire Été 2026" };
// Retyped: lower case, a double space, a trailing space and a decomposed É (E + combining acute).
const WEBINAR_RETYPED = { source: "EMAIL_MARKETING", campaign: "webinaire  E\u0301TE\u0301 2026 " };
const ADS = { source: "PAID_SEARCH", campaign: "Spring Ads" };

/** In time order, as the store lists them. */
const EVENTS: ReportEvent[] = [
  // p6: an MQL of the previous quarter, found unreachable.
  ev("p6", "lead", "mql", "2026-08-01T00:00:00.000Z", "qualified: 60 points", { source: "ORGANIC_SEARCH" }),
  ev("p6", "mql", "unreachable", "2026-08-03T00:00:00.000Z", "disposition unreachable: Closed - Unreachable"),
  // p5: MQL and SAL last quarter; converted on the quarter's first instant, then lost.
  ev("p5", "lead", "mql", "2026-09-10T00:00:00.000Z", "qualified: 70 points", ADS),
  ev("p5", "mql", "sal", "2026-09-12T00:00:00.000Z", "disposition qualified: Working - Contacted"),
  ev("p5", "sal", "opportunity", "2026-10-01T00:00:00.000Z", "conversion: Lead 00Q5 converted with opportunity 0065", ADS),
  // p1: MQL → SAL → opportunity → won, 10,000.
  ev("p1", "lead", "mql", "2026-10-02T09:00:00.000Z", "qualified: 80 points", WEBINAR),
  ev("p1", "mql", "sal", "2026-10-04T09:00:00.000Z", "disposition qualified: Qualified"),
  // p2: MQL, recycled the next day, qualifies again a month later, then accepted.
  ev("p2", "lead", "mql", "2026-10-05T00:00:00.000Z", "qualified: 65 points", WEBINAR_RETYPED),
  ev("p2", "mql", "recycled", "2026-10-06T00:00:00.000Z", "disposition recycle: Nurture"),
  ev("p1", "sal", "opportunity", "2026-10-09T09:00:00.000Z", "conversion: Lead 00Q1 converted with opportunity 0061", WEBINAR),
  // p3: a rep's own lead, converted and won without ever being an MQL.
  ev("p3", "lead", "opportunity", "2026-10-10T00:00:00.000Z", "conversion: Lead 00Q3 converted with opportunity 0063"),
  ev("p5", "opportunity", "lost", "2026-10-15T00:00:00.000Z", "opportunity: 0065 Closed Lost", ADS),
  ev("p1", "opportunity", "won", "2026-10-19T09:00:00.000Z", "opportunity: 0061 Closed Won", { ...WEBINAR, amount: 10_000 }),
  // p4: MQL trashed the next day.
  ev("p4", "lead", "mql", "2026-10-20T00:00:00.000Z", "qualified: 55 points", { source: "PAID_SEARCH", campaign: "SPRING ADS" }),
  ev("p4", "mql", "trash", "2026-10-21T00:00:00.000Z", "disposition trash: Closed - Unqualified"),
  ev("p2", "recycled", "mql", "2026-11-01T00:00:00.000Z", "qualified: 72 points", WEBINAR_RETYPED),
  ev("p2", "mql", "sal", "2026-11-04T00:00:00.000Z", "disposition qualified: Qualified"),
  ev("p3", "opportunity", "won", "2026-11-10T00:00:00.000Z", "opportunity: 0063 Closed Won", { amount: 5_000 }),
];

function clock(personId: string, ownerId: string, handoffAt: string, firstTouchAt: string | null, dueHours = 4): ReportClock {
  const dueAt = new Date(Date.parse(handoffAt) + dueHours * 3_600_000).toISOString();
  return { personId, ownerId, handoffAt, dueAt, firstTouchAt, touches: firstTouchAt ? 1 : 0, breachedAt: null };
}

const CLOCKS: ReportClock[] = [
  clock("p6", "005A", "2026-08-01T01:00:00.000Z", "2026-08-01T05:00:00.000Z"), // 4 h, last quarter
  clock("p1", "005A", "2026-10-02T10:00:00.000Z", "2026-10-02T12:00:00.000Z"), // 2 h
  clock("p2", "005A", "2026-11-01T01:00:00.000Z", "2026-11-01T02:30:00.000Z"), // 1.5 h (the second handoff's clock)
  clock("p4", "005K", "2026-10-20T01:00:00.000Z", "2026-10-21T01:00:00.000Z"), // 24 h
];

const PEOPLE = new Map<string, PersonFacts>([
  ["p1", { owner: "lea.muller@acme.com", territory: "emea" }],
  ["p2", { owner: "lea.muller@acme.com", territory: "emea" }],
  ["p4", { owner: "kevin.tran@acme.com", territory: "na-west" }],
]);

const INPUT: FunnelReportInput = { events: EVENTS, clocks: CLOCKS, people: PEOPLE };
const Q4 = { since: "2026-10-01T00:00:00.000Z", until: "2027-01-01T00:00:00.000Z", kind: "quarter" as const };
const MID_Q4 = new Date("2026-11-15T12:00:00.000Z");

describe("funnel figures for a quarter, by hand", () => {
  it("counts moves in the period: re-qualified MQLs, SALs (with a conversion straight from lead), revenue only from MQLs", () => {
    expect(funnelFigures(EVENTS, CLOCKS, Q4)).toEqual({
      // p1, p2 twice (once re-qualified after recycling), p4.
      mqls: 4,
      requalified: 1,
      // p1 and p2 accepted; p3 converted straight from lead (accepted in the same step). p5 was a SAL last quarter.
      sals: 3,
      // Conversions in the quarter: p5 (on its first instant), p1, p3.
      sqls: 3,
      opportunities: 3,
      won: 2,
      lost: 1,
      // p1's 10,000; p3's 5,000 was won without an MQL.
      revenue: 10_000,
      wonWithoutMql: 1,
      revenueWithoutMql: 5_000,
      recycled: 1,
      // p1 and p2 qualified by status, p3 by converting a lead no one had accepted; p1's and p5's conversions
      // of accepted leads are no second verdict.
      dispositions: { qualified: 3, recycle: 1, trash: 1, unreachable: 0 },
      handoffs: 3,
      // 2 h, 1.5 h, 24 h: median 2; p90 by nearest rank is the 3rd of 3.
      followUpHours: { median: 2, p90: 24, count: 3 },
      // Of the people who were MQLs (p1, p2, p4), p1 and p2 were then accepted; of those accepted (p1, p2, p3),
      // p1 and p3 have an opportunity; of those with one (p5, p1, p3), p1 and p3 won.
      rates: { mqlToSal: 0.6667, salToOpportunity: 0.6667, opportunityToWon: 0.6667 },
      conversions: {
        mqlToSal: { people: 3, reached: 2 },
        salToOpportunity: { people: 3, reached: 2 },
        opportunityToWon: { people: 3, reached: 2 },
      },
      // In MQL: p1 2 d, p2 1 d and 3 d, p4 1 d → 1.5; in SAL: p1 5 d, p5 19 d → 12;
      // in opportunity: p1 10 d, p5 14 d, p3 31 d → 14.
      velocityDays: { mql: 1.5, sal: 12, opportunity: 14 },
    });
  });

  it("counts a Lead converted without an Opportunity, whose Opportunity comes later, as one SQL", () => {
    const events = [
      ev("p7", "lead", "mql", "2026-10-02T09:00:00.000Z", "qualified: 75 points", ADS),
      ev("p7", "mql", "sal", "2026-10-05T09:00:00.000Z", "conversion: Lead 00Q7 converted", ADS),
      ev("p7", "sal", "opportunity", "2026-10-20T09:00:00.000Z", "conversion: Opportunity 0067", ADS),
      // With HubSpot as the CRM a person's first deal is their conversion: one SQL too.
      ev("p8", "lead", "mql", "2026-10-03T09:00:00.000Z", "qualified: 66 points", WEBINAR),
      ev("p8", "mql", "sal", "2026-10-04T09:00:00.000Z", "disposition qualified: CONNECTED", WEBINAR),
      ev("p8", "sal", "opportunity", "2026-10-09T09:00:00.000Z", "conversion: deals 9001", WEBINAR),
    ];
    expect(funnelFigures(events, [], Q4)).toMatchObject({ sqls: 2, opportunities: 2, sals: 2 });
  });

  it("has zeros and no rates for a quarter with no events", () => {
    const q1 = resolvePeriod({ period: "quarter" }, new Date("2027-02-01T00:00:00.000Z"));
    expect(q1).toEqual({ since: "2027-01-01T00:00:00.000Z", until: "2027-04-01T00:00:00.000Z", kind: "quarter" });
    const r = funnelReport(INPUT, q1, { groupBy: "campaign", settings: DEFAULT_REPORT_SETTINGS, now: new Date("2027-02-01T00:00:00.000Z") });
    expect(r).toMatchObject({
      mqls: 0, sals: 0, sqls: 0, opportunities: 0, won: 0, revenue: 0, recycled: 0, requalified: 0, handoffs: 0,
      followUpHours: { median: null, p90: null, count: 0 },
      rates: { mqlToSal: null, salToOpportunity: null, opportunityToWon: null },
      velocityDays: { mql: null, sal: null, opportunity: null },
      groups: [],
      // Q4's rates are known, this quarter's are not: nothing to compare, nothing flagged.
      flags: [],
    });
    expect(r.previousPeriod).toEqual({ since: "2026-10-01T00:00:00.000Z", until: "2027-01-01T00:00:00.000Z", kind: "quarter" });
    expect(r.timeline.every((p) => p.mqls === 0 && p.rates.mqlToSal === null)).toBe(true);
  });
});

describe("the funnel report", () => {
  it("groups by campaign, folding case, spacing and accents, and keeps the first spelling as the label", () => {
    const r = funnelReport(INPUT, Q4, { groupBy: "campaign", settings: DEFAULT_REPORT_SETTINGS, now: MID_Q4 });
    expect(r.groups.map((g) => [g.label, g.mqls, g.requalified, g.sals, g.opportunities, g.won, g.lost, g.revenue, g.revenueWithoutMql])).toEqual([
      ["Webinaire Été 2026", 3, 1, 2, 1, 1, 0, 10_000, 0],
      // p4 typed "SPRING ADS", p5 "Spring Ads" (seen first, last quarter).
      ["Spring Ads", 1, 0, 0, 1, 0, 1, 0, 0],
      // p3 names no campaign (p6 neither, but did nothing this quarter).
      ["(none)", 0, 0, 1, 1, 1, 0, 0, 5_000],
    ]);
    const webinar = r.groups[0]!;
    // p2's two MQLs are one person, accepted.
    expect(webinar.rates).toEqual({ mqlToSal: 1, salToOpportunity: 0.5, opportunityToWon: 1 });
    expect(webinar.followUpHours).toEqual({ median: 1.75, p90: 2, count: 2 });
    // No SAL in the period but an opportunity: no rate rather than a division by zero.
    expect(r.groups[1]!.rates).toEqual({ mqlToSal: 0, salToOpportunity: null, opportunityToWon: 0 });
  });

  it("flags a rate that moved more than report.rateShiftAlert against the previous quarter, and only those", () => {
    // Q3: MQLs p6, p5; SAL p5; no opportunity (p5's conversion falls on Q4's first instant): 0.5, 0, none.
    const r = funnelReport(INPUT, Q4, { groupBy: null, settings: DEFAULT_REPORT_SETTINGS, now: MID_Q4 });
    expect(r.flags).toEqual([
      { group: null, rate: "mqlToSal", previous: 0.5, current: 0.6667, shift: 0.1667, conversions: { previous: { people: 2, reached: 1 }, current: { people: 3, reached: 2 } } },
      { group: null, rate: "salToOpportunity", previous: 0, current: 0.6667, shift: 0.6667, conversions: { previous: { people: 1, reached: 0 }, current: { people: 3, reached: 2 } } },
    ]);
    // Per group too: Spring Ads' one Q3 MQL was accepted, its one Q4 MQL not (yet).
    const byCampaign = funnelReport(INPUT, Q4, { groupBy: "campaign", settings: DEFAULT_REPORT_SETTINGS, now: MID_Q4 });
    expect(byCampaign.flags).toEqual([
      ...r.flags,
      { group: "Spring Ads", rate: "mqlToSal", previous: 1, current: 0, shift: -1, conversions: { previous: { people: 1, reached: 1 }, current: { people: 1, reached: 0 } } },
    ]);
    const lax = funnelReport(INPUT, Q4, { groupBy: null, settings: { ...DEFAULT_REPORT_SETTINGS, rateShiftAlert: 0.1667 }, now: MID_Q4 });
    // A shift of exactly the alert amount is not beyond it.
    expect(lax.flags.map((f) => f.rate)).toEqual(["salToOpportunity"]);
  });

  it("shows targets' progress against how much of the period has passed, scaling a monthly target to a quarter", () => {
    const settings = {
      ...DEFAULT_REPORT_SETTINGS,
      targets: [
        { metric: "mqls" as const, per: "quarter" as const, value: 300 },
        { metric: "revenue" as const, per: "month" as const, value: 5_000 },
      ],
    };
    const r = funnelReport(INPUT, Q4, { groupBy: null, settings, now: MID_Q4 });
    // 45.5 of 92 days passed. 5,000 a month over 92 days of a 30.4375-day month is 15,112.94. Progress and
    // elapsed are ratios to four decimals, as the report's rates; the milliseconds passed travel with them.
    const periodMs = { passed: 45.5 * 86_400_000, length: 92 * 86_400_000 };
    expect(r.targets).toEqual([
      { metric: "mqls", per: "quarter", target: 300, actual: 4, progress: 0.0133, elapsed: 0.4946, periodMs, onTrack: false },
      { metric: "revenue", per: "month", target: 15_112.94, actual: 10_000, progress: 0.6617, elapsed: 0.4946, periodMs, onTrack: true },
    ]);
  });

  it("groups by campaign type from report.campaignTypes, else the campaign's source", () => {
    const settings = { ...DEFAULT_REPORT_SETTINGS, campaignTypes: { "WEBINAIRE ETE 2026": "Webinar" } };
    const r = funnelReport(INPUT, Q4, { groupBy: "campaignType", settings, now: MID_Q4 });
    expect(r.groups.map((g) => [g.label, g.mqls])).toEqual([["Webinar", 3], ["PAID_SEARCH", 1], ["(none)", 0]]);
  });

  it("groups by owner and territory from what the store knows of each person, else the CRM owner id", () => {
    const byOwner = funnelReport(INPUT, Q4, { groupBy: "owner", settings: DEFAULT_REPORT_SETTINGS, now: MID_Q4 });
    expect(byOwner.groups.map((g) => [g.label, g.mqls, g.handoffs])).toEqual([
      ["lea.muller@acme.com", 3, 2],
      ["kevin.tran@acme.com", 1, 1],
      ["(none)", 0, 0],
    ]);
    const byTerritory = funnelReport(INPUT, Q4, { groupBy: "territory", settings: DEFAULT_REPORT_SETTINGS, now: MID_Q4 });
    expect(byTerritory.groups.map((g) => [g.label, g.mqls])).toEqual([["emea", 3], ["na-west", 1], ["(none)", 0]]);
  });

  it("splits a quarter into ISO weeks for the timeline, the first clipped to the quarter's start", () => {
    const r = funnelReport(INPUT, Q4, { groupBy: null, settings: DEFAULT_REPORT_SETTINGS, now: MID_Q4 });
    // 2026-10-01 is a Thursday; the last week starts Monday 2026-12-28.
    expect(r.timeline).toHaveLength(14);
    expect(r.timeline[0]).toEqual({
      since: "2026-10-01T00:00:00.000Z",
      until: "2026-10-05T00:00:00.000Z",
      mqls: 1, sals: 1, opportunities: 1, won: 0, revenue: 0,
      // p1's SAL has no opportunity yet that week; p5's opportunity was opened there, from a Q3 SAL.
      rates: { mqlToSal: 1, salToOpportunity: 0, opportunityToWon: 0 },
      conversions: { mqlToSal: { people: 1, reached: 1 }, salToOpportunity: { people: 1, reached: 0 }, opportunityToWon: { people: 1, reached: 0 } },
    });
    expect(r.timeline.at(-1)!.since).toBe("2026-12-28T00:00:00.000Z");
    expect(r.timeline.reduce((n, p) => n + p.mqls, 0)).toBe(4);
  });
});

describe("campaign effectiveness", () => {
  it("lists each campaign's type and source with MQL-to-won, highest revenue first", () => {
    const r = campaignReport(INPUT, Q4, { ...DEFAULT_REPORT_SETTINGS, campaignTypes: { "Webinaire été 2026": "Webinar" } });
    expect(r.campaigns.map((c) => [c.campaign, c.type, c.source, c.mqls, c.won, c.revenue, c.rates.mqlToWon])).toEqual([
      // Of p1 and p2 (three MQLs), p1 won.
      ["Webinaire Été 2026", "Webinar", "EMAIL_MARKETING", 3, 1, 10_000, 0.5],
      // Equal revenue: more MQLs first. p3 (no campaign, no source) is the only one of "(none)" active this
      // quarter: p6's organic search, last quarter, does not name its source.
      ["Spring Ads", "PAID_SEARCH", "PAID_SEARCH", 1, 0, 0, 0],
      ["(none)", "(none)", "(none)", 0, 1, 0, null],
    ]);
  });
});

/** A follow-up within four hours on the calendar clock, touches not tracked, an alert to the owner on a breach. */
const FOUR_HOURS: SlaDefinition = {
  clock: "calendar",
  businessHours: null,
  followUpMs: 4 * 3_600_000,
  followUpLabel: "4h",
  touches: null,
  onBreach: { alert: true, alertTo: "owner", reroute: false, managers: {} },
};

describe("SLA compliance per rep", () => {
  const sla = FOUR_HOURS;

  it("counts met, breached (raised, overdue, or on a clock a reroute replaced), open and closed clocks", () => {
    const clocks = [
      ...CLOCKS,
      clock("p8", "005P", "2026-11-14T20:00:00.000Z", null), // due at midnight; it is 22:00: open
      clock("p9", "005P", "2026-11-01T00:00:00.000Z", null), // never touched, recycled before its due time: closed
    ];
    const people = new Map([...PEOPLE, ["p8", { owner: "priya.raman@acme.com", territory: "na-east" }], ["p9", { owner: "priya.raman@acme.com", territory: "na-east" }]]);
    const r = slaReport(
      {
        clocks,
        breaches: [{ personId: "p7", handoffAt: "2026-10-25T00:00:00.000Z", ownerId: "005K", ownerEmail: "kevin.tran@acme.com" }],
        // When each person first moved after their handoff; p8 has not (still owed).
        decisions: new Map([
          ["p1\u00002026-10-02T10:00:00.000Z", "2026-10-04T09:00:00.000Z"],
          ["p2\u00002026-11-01T01:00:00.000Z", "2026-11-04T00:00:00.000Z"],
          ["p4\u00002026-10-20T01:00:00.000Z", "2026-10-21T00:00:00.000Z"],
          ["p9\u00002026-11-01T00:00:00.000Z", "2026-11-01T02:00:00.000Z"],
        ]),
        people,
      },
      Q4,
      sla,
      new Date("2026-11-14T22:00:00.000Z"),
    );
    expect(r.reps).toEqual([
      { owner: "kevin.tran@acme.com", territory: "na-west", handoffs: 2, met: 0, breached: 2, open: 0, closed: 0, compliance: 0, followUpHours: { median: 24, p90: 24 }, touches: 1 },
      { owner: "lea.muller@acme.com", territory: "emea", handoffs: 2, met: 2, breached: 0, open: 0, closed: 0, compliance: 1, followUpHours: { median: 1.75, p90: 2 }, touches: 2 },
      { owner: "priya.raman@acme.com", territory: "na-east", handoffs: 2, met: 0, breached: 0, open: 1, closed: 1, compliance: null, followUpHours: { median: null, p90: null }, touches: 0 },
    ]);
    expect(r).toMatchObject({ handoffs: 6, met: 2, breached: 2, open: 1, closed: 1, compliance: 0.5, followUpHours: { median: 2, p90: 24 } });
  });
});

describe("SLA compliance over handoffs a later one replaced", () => {
  it("counts a rerouted clock for the rep who missed it and the new clock for the rep it went to", () => {
    const missed = { ...clock("r1", "005K", "2026-11-02T09:00:00.000Z", null), breachedAt: "2026-11-02T13:00:00.000Z", replaced: true };
    const rerouted = clock("r1", "005P", "2026-11-02T13:05:00.000Z", "2026-11-02T14:00:00.000Z");
    // Met, then recycled, qualified again after the cool-down and handed to the same rep.
    const first = { ...clock("r2", "005P", "2026-10-05T09:00:00.000Z", "2026-10-05T10:00:00.000Z"), replaced: true };
    const second = clock("r2", "005P", "2026-11-20T09:00:00.000Z", null);
    const r = slaReport(
      {
        clocks: [missed, first, rerouted, second],
        breaches: [{ personId: "r1", handoffAt: missed.handoffAt, ownerId: "005K", ownerEmail: "kevin.tran@acme.com" }],
        decisions: new Map([["r2\u00002026-10-05T09:00:00.000Z", "2026-10-10T00:00:00.000Z"]]),
        people: new Map([
          ["r1", { owner: "priya.raman@acme.com", territory: "na-east" }],
          ["r2", { owner: "priya.raman@acme.com", territory: "na-east" }],
        ]),
      },
      Q4,
      FOUR_HOURS,
      new Date("2026-11-20T10:00:00.000Z"),
    );
    expect(r.reps.map((row) => [row.owner, row.handoffs, row.met, row.breached, row.open])).toEqual([
      ["priya.raman@acme.com", 3, 2, 0, 1],
      ["kevin.tran@acme.com", 1, 0, 1, 0],
    ]);
    expect(r).toMatchObject({ handoffs: 4, met: 2, breached: 1, open: 1 });
  });
});

describe("SLA compliance once the rep decided", () => {
  const sla: SlaDefinition = { ...FOUR_HOURS, touches: { expected: 3, withinMs: 5 * 24 * 3_600_000 } };

  it("counts a clock touched on time, then decided before the other touches, as met; touched late as breached; untouched as closed", () => {
    const handoff = "2026-11-10T09:00:00.000Z";
    const touched = (personId: string, firstTouchAt: string | null, touches: number) => ({
      ...clock(personId, "005L", handoff, firstTouchAt),
      touches,
    });
    const r = slaReport(
      {
        clocks: [
          touched("c1", "2026-11-10T09:11:00.000Z", 1), // called at once, converted the same day
          touched("c2", "2026-11-10T10:00:00.000Z", 2), // two touches, then recycled
          touched("c3", null, 0), // closed by a verdict before any touch
          touched("c4", "2026-11-10T16:00:00.000Z", 1), // first touch 7 h in: late, then converted
          touched("c5", "2026-11-10T09:30:00.000Z", 1), // still an MQL, one touch of three: open
          touched("c6", null, 0),
          touched("c7", null, 0),
          touched("c8", null, 0),
        ],
        breaches: [],
        decisions: new Map([
          ["c1", "2026-11-10T15:00:00.000Z"],
          ["c2", "2026-11-11T09:00:00.000Z"],
          ["c3", "2026-11-10T12:00:00.000Z"],
          ["c4", "2026-11-11T10:00:00.000Z"],
          // Qualified before the due time without a touch: closed, not open.
          ["c6", "2026-11-10T11:00:00.000Z"],
          // Recycled before the due time (an MQL again in the cool-down since): the old clock is closed.
          ["c7", "2026-11-10T11:30:00.000Z"],
          // Nothing by the due time, converted after it: the follow-up was missed.
          ["c8", "2026-11-10T15:00:00.000Z"],
        ].map(([id, at]) => [`${id}\u0000${handoff}`, at!] as const)),
        people: new Map(["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"].map((id) => [id, { owner: "léa.müller@acme.com", territory: "emea" }])),
      },
      Q4,
      sla,
      new Date("2026-11-12T09:00:00.000Z"),
    );
    expect(r).toMatchObject({ handoffs: 8, met: 2, breached: 2, open: 1, closed: 3 });
  });
});

describe("periods and territories", () => {
  it("resolves the ISO week, month and quarter holding now, in UTC, and given dates", () => {
    const now = new Date("2026-11-15T12:00:00.000Z"); // a Sunday
    expect(resolvePeriod({ period: "week" }, now)).toMatchObject({ since: "2026-11-09T00:00:00.000Z", until: "2026-11-16T00:00:00.000Z" });
    expect(resolvePeriod({ period: "month" }, now)).toMatchObject({ since: "2026-11-01T00:00:00.000Z", until: "2026-12-01T00:00:00.000Z" });
    expect(resolvePeriod({ since: "2026-10-01" }, now)).toEqual({ since: "2026-10-01T00:00:00.000Z", until: "2026-11-15T12:00:00.000Z", kind: "custom" });
    expect(resolvePeriod({}, now)).toEqual({ since: null, until: "2026-11-15T12:00:00.000Z", kind: "all" });
    // Before given dates, the previous period is as long a stretch just before them.
    expect(previousPeriod({ since: "2026-10-11T00:00:00.000Z", until: "2026-10-21T00:00:00.000Z", kind: "custom" })).toEqual({
      since: "2026-10-01T00:00:00.000Z",
      until: "2026-10-11T00:00:00.000Z",
      kind: "custom",
    });
    expect(() => resolvePeriod({ since: "last tuesday" }, now)).toThrow(/--since must be a date/);
    // A day past its month's end is refused, not rolled into the next month; a leap day is a day.
    expect(() => resolvePeriod({ since: "2026-02-30" }, now)).toThrow("--since: 2026-02-30 is not a day of the calendar");
    expect(() => resolvePeriod({ since: "2026-10-01", until: "2026-11-31T12:00:00Z" }, now)).toThrow("--until: 2026-11-31 is not a day");
    expect(resolvePeriod({ since: "2024-02-29", until: "2024-03-01T00:30:00+01:00" }, now)).toMatchObject({
      since: "2024-02-29T00:00:00.000Z",
      until: "2024-02-29T23:30:00.000Z",
    });
    expect(() => resolvePeriod({ since: "2026-12-01", until: "2026-11-01" }, now)).toThrow(/must be before --until/);
    // --since alone, after now: the message names no --until the user did not give.
    expect(() => resolvePeriod({ since: "2099-01-05" }, now)).toThrow(
      `--since (2099-01-05T00:00:00.000Z) is in the future: a report ends now (${now.toISOString()}) unless --until says otherwise`,
    );
  });

  it("names a rep's territory by their first queue, a rule assigning them, or the fallback", () => {
    const routing: RoutingDefinition = {
      queues: { emea: ["lea.muller@acme.com"], "na-west": ["kevin.tran@acme.com"] },
      rules: [{ id: "strategic-accounts", description: "", when: {}, assign: { rep: "elena.fischer@acme.com" } }],
      fallback: "sam.fallback@acme.com",
      keepAccountOwner: true,
    };
    expect(territoryOf("Lea.Muller@acme.com", routing)).toBe("emea");
    expect(territoryOf("elena.fischer@acme.com", routing)).toBe("strategic-accounts");
    expect(territoryOf("sam.fallback@acme.com", routing)).toBe("fallback");
    expect(territoryOf("nobody@acme.com", routing)).toBeNull();
  });
});

describe("the timeline of given dates", () => {
  it("starts at the first event in the period, not at a far-off --since", () => {
    const r = funnelReport(INPUT, { since: "2000-01-01T00:00:00.000Z", until: "2026-10-10T00:00:00.000Z", kind: "custom" }, {
      groupBy: null,
      settings: DEFAULT_REPORT_SETTINGS,
      now: MID_Q4,
    });
    // From p6's MQL on 2026-08-01 to 2026-10-10: 70 days, so ISO weeks, the first starting on the event.
    expect(r.timeline[0]!.since).toBe("2026-08-01T00:00:00.000Z");
    expect(r.timeline[1]!.since).toBe("2026-08-03T00:00:00.000Z");
    expect(r.timeline.at(-1)!.until).toBe("2026-10-10T00:00:00.000Z");
    expect(r.timeline.reduce((n, p) => n + p.mqls, 0)).toBe(r.mqls);
  });
});

describe("a text table", () => {
  it("pads to the widest cell by characters, accents included, past the rows a call can spread", () => {
    // 250,000 rows: Math.max over them as spread arguments overflows the stack, as an SLA board of a big
    // portal would.
    const rows = Array.from({ length: 250_000 }, (_, i) => [i === 123_456 ? "Zoë Ångström-Müller" : `rep ${i % 7}`, String(i)]);
    const lines = textTable(["OWNER", "N"], rows, new Set([1])).split("\n");
    expect(lines).toHaveLength(250_002);
    expect(lines[0]).toBe(`OWNER${" ".repeat(14)}       N`);
    expect(lines[1]).toBe(`rep 0${" ".repeat(14)}       0`);
    expect(lines[123_457]).toBe("Zoë Ångström-Müller  123456");
    expect(lines.at(-2)).toBe(`rep 1${" ".repeat(14)}  249999`);
  });
});

describe("conversion rates are cohorts of people", () => {
  // Hélène and Éric lost a deal before the quarter and were given a new Opportunity in it; Zoë's deal,
  // opened last quarter, is won in this one; Bruno and Chloé are the quarter's own MQLs.
  const LYON = { source: "OFFLINE", campaign: "Salon Agrégé Lyon" };
  const REOPENED: ReportEvent[] = [
    ev("hélène", "lead", "mql", "2026-06-02T09:00:00.000Z", "qualified: 70 points", LYON),
    ev("hélène", "mql", "sal", "2026-06-03T09:00:00.000Z", "disposition qualified: Qualified", LYON),
    ev("hélène", "sal", "opportunity", "2026-06-10T09:00:00.000Z", "conversion: Lead 00QH1 converted with opportunity 006H1", LYON),
    ev("éric", "lead", "mql", "2026-07-06T09:00:00.000Z", "qualified: 64 points", LYON),
    ev("éric", "mql", "opportunity", "2026-07-08T09:00:00.000Z", "conversion: Lead 00QE1 converted with opportunity 006E1", LYON),
    ev("zoë", "lead", "mql", "2026-07-20T09:00:00.000Z", "qualified: 81 points", WEBINAR),
    ev("zoë", "mql", "opportunity", "2026-07-21T09:00:00.000Z", "conversion: Lead 00QZ1 converted with opportunity 006Z1", WEBINAR),
    ev("hélène", "opportunity", "lost", "2026-08-28T09:00:00.000Z", "opportunity: Opportunity lost: Extension Lyon (budget gelé)", LYON),
    ev("éric", "opportunity", "lost", "2026-09-15T09:00:00.000Z", "opportunity: Opportunity lost: Pilote Grenoble", LYON),
    ev("bruno", "lead", "mql", "2026-10-05T09:00:00.000Z", "qualified: 66 points", WEBINAR),
    ev("chloé", "lead", "mql", "2026-10-06T09:00:00.000Z", "qualified: 59 points", WEBINAR_RETYPED),
    ev("bruno", "mql", "sal", "2026-10-07T09:00:00.000Z", "disposition qualified: Qualified", WEBINAR),
    ev("chloé", "mql", "sal", "2026-10-08T09:00:00.000Z", "disposition qualified: Working - Contacted", WEBINAR_RETYPED),
    ev("hélène", "lost", "opportunity", "2026-10-12T09:00:00.000Z", "conversion: Opportunity 006H2 Renouvellement Lyon", LYON),
    ev("éric", "lost", "opportunity", "2026-10-19T09:00:00.000Z", "conversion: Opportunity 006E2 Pilote Grenoble bis", LYON),
    ev("bruno", "sal", "opportunity", "2026-10-26T09:00:00.000Z", "conversion: Lead 00QB1 converted with opportunity 006B1", WEBINAR),
    ev("zoë", "opportunity", "won", "2026-11-03T09:00:00.000Z", "opportunity: Opportunity won: Licences Zoë, 8,400.00", { ...WEBINAR, amount: 8_400 }),
    ev("hélène", "opportunity", "won", "2026-11-20T09:00:00.000Z", "opportunity: Opportunity won: Renouvellement Lyon, 12,500.00", { ...LYON, amount: 12_500 }),
  ];

  it("counts a next stage only for people who reached the stage before it in the period, so no rate passes 100%", () => {
    const r = funnelReport({ events: REOPENED, clocks: [], people: new Map() }, Q4, { groupBy: "campaign", settings: DEFAULT_REPORT_SETTINGS, now: MID_Q4 });
    // The counts are moves, as before: two SALs, three opportunities (two re-opened), two wins.
    expect([r.mqls, r.sals, r.opportunities, r.won]).toEqual([2, 2, 3, 2]);
    expect(r.conversions).toEqual({
      mqlToSal: { people: 2, reached: 2 },
      // Of Bruno and Chloé, accepted this quarter, Bruno has an opportunity.
      salToOpportunity: { people: 2, reached: 1 },
      // Of Hélène, Éric and Bruno, whose opportunities opened this quarter, Hélène won; Zoë's opened in Q3.
      opportunityToWon: { people: 3, reached: 1 },
    });
    expect(r.rates).toEqual({ mqlToSal: 1, salToOpportunity: 0.5, opportunityToWon: 0.3333 });
    const lyon = r.groups.find((g) => g.label === "Salon Agrégé Lyon")!;
    expect([lyon.sals, lyon.opportunities, lyon.rates.salToOpportunity, lyon.rates.opportunityToWon]).toEqual([0, 2, null, 0.5]);
    for (const rates of [r.rates, ...r.groups.map((g) => g.rates), ...r.timeline.map((p) => p.rates)])
      for (const rate of Object.values(rates)) expect(rate === null || rate <= 1).toBe(true);
  });

  it("gives a campaign's MQL to won over its MQLs who went on to win", () => {
    const r = campaignReport({ events: REOPENED, clocks: [], people: new Map() }, Q4, DEFAULT_REPORT_SETTINGS);
    // The webinar's Q4 MQLs (Bruno, Chloé) won nothing; Zoë's win is from a Q3 MQL.
    const webinar = r.campaigns.find((c) => c.campaign === "Webinaire Été 2026")!;
    expect([webinar.mqls, webinar.won, webinar.rates.mqlToWon, webinar.conversions.mqlToWon]).toEqual([2, 1, 0, { people: 2, reached: 0 }]);
  });
});

describe("a rate as a percent", () => {
  it("rounds the fraction once, halves away from zero, where the double it makes falls just short of the half", () => {
    // 23 / 80 × 100 is 28.749999… as a double; 15 / 19 rounded to 0.7895 first read 79.0%.
    expect([percentOf(23, 80), percentOf(201, 400), percentOf(15, 19), percentOf(0, 7), percentOf(3, 0)]).toEqual(["28.8%", "50.3%", "78.9%", "0.0%", "-"]);
    // From 23 of 80 to 1 of 8: −16.25 points.
    expect([shiftPoints({ people: 80, reached: 23 }, { people: 8, reached: 1 }), shiftPoints({ people: 8, reached: 1 }, { people: 19, reached: 15 })]).toEqual(["-16.3", "+66.4"]);
  });
});

describe("verdicts after a lost store", () => {
  it("counts a restored move's verdict once: the one its record's status gave it, and a restored opportunity's acceptance", () => {
    const restored = "restored: the contact's leadloop_status (the state store knew no stage for this person)";
    const events = [
      ev("anaïs", "lead", "mql", "2026-10-02T09:00:00.000Z", "restored: the contact's leadloop_mql_date (the state store knew no stage for this person)"),
      ev("anaïs", "mql", "opportunity", "2026-10-09T09:00:00.000Z", restored),
      ev("bruno", "lead", "mql", "2026-10-03T09:00:00.000Z", "restored: the contact's leadloop_mql_date (the state store knew no stage for this person)"),
      ev("bruno", "mql", "recycled", "2026-10-05T09:00:00.000Z", "restored: disposition recycle: Closed - Not Converted"),
      // Océane's status is a working one: her restored trash names no verdict and counts none.
      ev("océane", "lead", "trash", "2026-10-06T09:00:00.000Z", restored),
    ];
    expect(funnelFigures(events, [], Q4).dispositions).toEqual({ qualified: 1, recycle: 1, trash: 0, unreachable: 0 });
  });
});
