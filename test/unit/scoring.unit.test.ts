import { parseQualification } from "../../src/config/qualification-file.js";
import { compileDefinition } from "../../src/core/scoring/compile.js";
import type { ActivityKind, ScoredActivity } from "../../src/core/scoring/definition.js";
import { type ScoreInput, scorePerson } from "../../src/core/scoring/score.js";
import { activityTaskBody } from "../../src/core/scoring/activity-task-text.js";
import { significantActivities } from "../../src/core/scoring/significant.js";
import { activitySummary, SUMMARY_MAX_LENGTH } from "../../src/core/scoring/summary.js";
import { scoreMoved } from "../../src/core/scoring/visible-change.js";

// A small definition whose numbers are easy to check by hand: half-life 10 days.
const DEFINITION = parseQualification(
  `version: 1
thresholds: { mql: 50, behaviour: 20, fitMinimum: 10 }
decay: { halfLifeDays: 10 }
requiredForHandoff: [email, lastname, company]
fit:
  - id: senior-title
    description: Senior title
    points: 20
    when: { field: jobtitle, matches: "vp|head of|director|chief|c[eomr]o|président" }
  - id: mid-size
    description: 50 to 1,000 employees
    points: 10
    when: { of: company, field: numberofemployees, range: { min: 50, max: 1000 } }
  - id: served-market
    description: Country we sell in
    points: 5
    required: true
    when: { field: country, in: [Deutschland, France, United States, Österreich] }
behaviour:
  - id: pricing
    description: Visited the pricing page
    points: 10
    activity: page_view
    match: { url: "/pricing" }
    cap: 25
  - id: demo
    description: Requested a demo
    points: 30
    activity: form_submission
    match: { form: demo }
  - id: email-click
    description: Clicked an email
    points: 4
    activity: email_click
    withinDays: 14
  - id: frequent
    description: 3 visits in 7 days
    points: 8
    activity: page_view
    countAtLeast: 3
    inDays: 7
negative:
  - id: free-mail
    description: Free-mail address
    points: -10
    when: { field: email, domainIn: [gmail.com, gmx.de] }
  - id: competitor
    description: Works for a competitor
    disqualify: true
    when: { field: email, domainIn: [rival.io] }
  - id: unsubscribed
    description: Unsubscribed
    points: -5
    when: { field: hs_email_optout, equals: true }
customers:
  threshold: 30
  rules:
    - id: upsell-exec
      description: Executive at a customer
      points: 15
      when: { field: jobtitle, matches: "chief|vp" }
`,
  "test-qualification.yaml",
);

const NOW = new Date("2026-11-30T00:00:00.000Z");
const DAY = 86_400_000;

/** An ISO time `days` (may be fractional) before NOW. */
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

let seq = 0;
function activity(
  kind: ActivityKind,
  daysAgo: number,
  properties: Record<string, string> = {},
): ScoredActivity {
  seq++;
  return { id: `act-${seq}`, kind, occurredAt: ago(daysAgo), properties };
}
const pricingView = (daysAgo: number) =>
  activity("page_view", daysAgo, { hs_url: "https://www.example.com/pricing?plan=pro", hs_title: "Pricing" });
const blogView = (daysAgo: number) =>
  activity("page_view", daysAgo, {
    hs_url: "https://www.example.com/blog/lead-scoring",
    hs_title: "Lead scoring",
  });
const demoForm = (daysAgo: number) =>
  activity("form_submission", daysAgo, {
    hs_title: "Request a Demo",
    hs_url: "https://www.example.com/demo",
  });
const emailClick = (daysAgo: number) =>
  activity("email_click", daysAgo, {
    hs_email_subject: "Ihre Einladung",
    hs_url: "https://example.com/webinar",
  });

/** Fits every fit rule: 20 (senior-title) + 10 (mid-size) + 5 (served-market) = 35. */
const ZOE = {
  email: "Zoe.Mueller@Acme-Analytics.de",
  firstname: "Zoë",
  lastname: "Müller",
  jobtitle: "Head of Marketing",
  company: "Acme Analytics GmbH",
  country: " deutschland ",
  hs_email_optout: "false",
};
const ACME = { name: "Acme Analytics GmbH", domain: "acme-analytics.de", numberofemployees: "250" };

const score = (input: Partial<ScoreInput>) =>
  scorePerson({ person: ZOE, company: ACME, activities: [], now: NOW, ...input }, DEFINITION);
const behaviourOf = (activities: ScoredActivity[]) =>
  scorePerson({ person: {}, activities, now: NOW }, DEFINITION).behaviour;

describe("fit rules", () => {
  it("add the points of every rule that holds, case and accents ignored", () => {
    // 20 + 10 + 5 = 35; no activities.
    const s = score({});
    expect([s.total, s.fit, s.behaviour]).toEqual([35, 35, 0]);
    expect(s.reasons.map((r) => [r.ruleId, r.kind, r.points])).toEqual([
      ["senior-title", "fit", 20],
      ["mid-size", "fit", 10],
      ["served-market", "fit", 5],
    ]);
    expect(s.reasons[0]!.detail).toBe('Senior title (jobtitle "Head of Marketing")');
    expect(s.reasons[1]!.detail).toBe('50 to 1,000 employees (company.numberofemployees "250")');
  });

  it("read titles without accents, sizes from bands, and skip a blank or missing company", () => {
    // "PRÉSIDENT" is found by /président/i; the band "51-200" counts as 51: 20 + 10 + 5 = 35.
    const s = score({
      person: { ...ZOE, jobtitle: "PRÉSIDENT Directeur Général", country: "österreich" },
      company: { numberofemployees: "51-200" },
    });
    expect(s.fit).toBe(35);
    // No company at all: 20 + 5 = 25.
    expect(score({ company: undefined }).fit).toBe(25);
    // 1,200 employees is over the range: 20 + 5 = 25.
    expect(score({ company: { numberofemployees: "1,200" } }).fit).toBe(25);
  });
});

describe("behaviour rules", () => {
  it("decay by half-life: exactly one half-life old is worth half", () => {
    expect(behaviourOf([pricingView(0)])).toBe(10);
    expect(behaviourOf([pricingView(10)])).toBe(5); // 10 × 0.5
    expect(behaviourOf([pricingView(20)])).toBe(2.5); // 10 × 0.25
    expect(behaviourOf([pricingView(5)])).toBe(7.1); // 10 × 2^-0.5 = 7.071 → 7.1
    expect(behaviourOf([demoForm(30)])).toBe(3.8); // 30 × 0.125 = 3.75 → 3.8 (half away from zero)
  });

  it("cap a rule's points after decay", () => {
    // 10 + 10 + 10 + 10 × 0.5 = 35 → capped at 25 (the 3 same-day views also make a burst: + 8) = 33.
    const s = scorePerson(
      { person: {}, activities: [pricingView(0), pricingView(0), pricingView(0), pricingView(10)], now: NOW },
      DEFINITION,
    );
    expect(s.behaviour).toBe(33);
    const pricing = s.reasons.find((r) => r.ruleId === "pricing")!;
    expect(pricing.points).toBe(25);
    expect(pricing.detail).toBe(
      "Visited the pricing page: 4 page views, latest 2026-11-30; 40 before decay; capped at 25",
    );
    // Under the cap: 10 × 0.5 + 10 × 0.25 = 7.5.
    expect(behaviourOf([pricingView(10), pricingView(20)])).toBe(7.5);
  });

  it("match event properties without their accents too, as the definition's header promises", () => {
    // The demo rule's pattern is "demo": a French landing page's form title carries an accent.
    const french = activity("form_submission", 0, { hs_title: "Demander une DÉMO gratuite", hs_url: "https://www.example.fr/essai" });
    expect(behaviourOf([french])).toBe(30);
    const reason = scorePerson({ person: {}, activities: [french], now: NOW }, DEFINITION).reasons.find((r) => r.ruleId === "demo");
    expect(reason?.points).toBe(30);
    // A title that only looks alike stays unmatched.
    expect(behaviourOf([activity("form_submission", 0, { hs_title: "Démarrer", hs_url: "https://www.example.fr/start" })])).toBe(0);
  });

  it("count only activities inside a rule's recency window", () => {
    // 13 days: 4 × 2^-1.3 = 4 × 0.40613 = 1.6245 → 1.6; 15 days is outside withinDays 14.
    expect(behaviourOf([emailClick(13), emailClick(15)])).toBe(1.6);
    expect(behaviourOf([emailClick(15)])).toBe(0);
  });

  it("pay a burst rule once, for the newest 3 visits within 7 days", () => {
    // Visits 6, 3 and 1 days ago: the burst closes 1 day ago: 8 × 2^-0.1 = 7.464 → 7.5.
    expect(behaviourOf([blogView(6), blogView(3), blogView(1)])).toBe(7.5);
    // Four visits in the burst still pay once: closes 0.5 days ago: 8 × 2^-0.05 = 7.727 → 7.7.
    expect(behaviourOf([blogView(6), blogView(3), blogView(1), blogView(0.5)])).toBe(7.7);
    // Only an old burst (20, 18, 16 days ago): 8 × 2^-1.6 = 2.639 → 2.6; the two recent visits are no burst.
    expect(behaviourOf([blogView(20), blogView(18), blogView(16), blogView(2), blogView(1)])).toBe(2.6);
    // 0, 4 and 8 days ago span 8 days: no 3 of them within 7 days, no points.
    expect(behaviourOf([blogView(0), blogView(4), blogView(8)])).toBe(0);
    const s = scorePerson(
      { person: {}, activities: [blogView(6), blogView(3), blogView(1)], now: NOW },
      DEFINITION,
    );
    expect(s.reasons).toEqual([
      {
        ruleId: "frequent",
        kind: "behaviour",
        points: 7.5,
        detail: "3 visits in 7 days: 3 page views within 7 days up to 2026-11-29; 8 before decay",
      },
    ]);
  });

  it("ignore activities after now and unreadable dates, and report the newest activity", () => {
    const future = { ...pricingView(0), id: "future", occurredAt: "2026-12-05T10:00:00.000Z" };
    const broken = { ...pricingView(0), id: "broken", occurredAt: "yesterday" };
    const other = activity("other", 3, { hs_url: "/pricing" });
    const s = scorePerson(
      { person: {}, activities: [future, broken, other, pricingView(10)], now: NOW },
      DEFINITION,
    );
    expect(s.behaviour).toBe(5);
    expect(s.lastActivityAt).toBe(ago(3));
  });
});

describe("MQL", () => {
  it("qualifies on total, fit minimum and complete fields; reasons explain every point, most first", () => {
    // Fit 35 (20 + 10 + 5); behaviour: demo today 30 + pricing 10 days ago 10 × 0.5 = 5 → 35; total 70 ≥ 50.
    const s = score({ activities: [pricingView(10), demoForm(0)] });
    expect(s).toMatchObject({ total: 70, fit: 35, behaviour: 35, qualified: true, nearQualified: null });
    // 5-point tie: fit before behaviour.
    expect(s.reasons.map((r) => `${r.ruleId}:${r.points}`)).toEqual([
      "demo:30",
      "senior-title:20",
      "mid-size:10",
      "served-market:5",
      "pricing:5",
    ]);
    expect(s.reasons.reduce((sum, r) => sum + r.points, 0)).toBe(s.total);
    expect(s.upsell).toBe(false);
  });

  it("is not reached below the threshold", () => {
    // 35 + 10 × 0.5 = 40 < 50.
    const s = score({ activities: [pricingView(10)] });
    expect([s.total, s.qualified]).toEqual([40, false]);
  });

  it("needs the fit minimum however high the behaviour", () => {
    // Fit: served-market 5 < fitMinimum 10. Behaviour: demo 30 + pricing 3 × 10 = 30 capped 25 + burst 8 = 63.
    const s = score({
      person: { ...ZOE, jobtitle: "Analyst" },
      company: {},
      activities: [demoForm(0), pricingView(0), pricingView(0), pricingView(0)],
    });
    expect([s.fit, s.behaviour, s.total, s.qualified, s.nearQualified]).toEqual([5, 63, 68, false, null]);
  });
});

describe("a written score's decay", () => {
  // README "Qualification, routing and SLA": decay alone rewrites a score written to a CRM record as any move does, by a
  // point or more or across a threshold, and not for a fraction of a point.
  const demoSeen = (daysAgo: number) => String(score({ activities: [demoForm(daysAgo)] }).total);

  it("is written when it takes the score across the MQL threshold, by less than a point", () => {
    // 35 + 30 × 0.5^(9.8 / 10) ≈ 50.2, then 0.4 days later 35 + 30 × 0.5^(10.2 / 10) ≈ 49.8: under 50.
    const [written, now] = [demoSeen(9.8), demoSeen(10.2)];
    expect(Number(written)).toBeGreaterThanOrEqual(50);
    expect(Number(now)).toBeLessThan(50);
    expect(Number(written) - Number(now)).toBeLessThan(1);
    expect(scoreMoved(written, now, [DEFINITION.thresholds.mql])).toBe(true);
  });

  it("is not written for a fraction of a point across no threshold, and is for a point or more", () => {
    // About 61.1, then 0.4 days later about 60.4, both above 50; four days later about 57.5.
    expect(scoreMoved(demoSeen(2), demoSeen(2.4), [DEFINITION.thresholds.mql])).toBe(false);
    expect(scoreMoved(demoSeen(2), demoSeen(6), [DEFINITION.thresholds.mql])).toBe(true);
  });
});

describe("negative rules", () => {
  it("take points away and say why", () => {
    // Fit 35 − 10 (free-mail) − 5 (unsubscribed) = 20; behaviour 35; total 55 ≥ 50.
    const s = score({
      person: { ...ZOE, email: "zoe.mueller@GMX.de", hs_email_optout: "TRUE" },
      activities: [pricingView(10), demoForm(0)],
    });
    expect([s.fit, s.total, s.qualified]).toEqual([20, 55, true]);
    expect(s.reasons.slice(-2)).toEqual([
      {
        ruleId: "unsubscribed",
        kind: "negative",
        points: -5,
        detail: 'Unsubscribed (hs_email_optout "TRUE")',
      },
      {
        ruleId: "free-mail",
        kind: "negative",
        points: -10,
        detail: "Free-mail address (email domain gmx.de)",
      },
    ]);
  });

  it("disqualify whatever the score, with a zero-point reason", () => {
    const s = score({ person: { ...ZOE, email: "ana@sales.Rival.io" }, activities: [demoForm(0)] });
    expect([s.total, s.qualified, s.disqualifiedBy, s.nearQualified]).toEqual([
      65,
      false,
      "competitor",
      null,
    ]);
    expect(s.reasons).toContainEqual({
      ruleId: "competitor",
      kind: "negative",
      points: 0,
      detail: "Works for a competitor (email domain sales.rival.io); disqualifies",
    });
  });
});

describe("near-qualified", () => {
  const interested = [pricingView(10), demoForm(0)]; // behaviour 35 ≥ 20

  it("names the one missing required field", () => {
    const s = score({ person: { ...ZOE, lastname: "  " }, activities: interested });
    expect([s.qualified, s.nearQualified]).toEqual([false, { missing: "lastname" }]);
  });

  it("names the one required fit rule that does not hold", () => {
    const s = score({ person: { ...ZOE, country: "Brasil" }, activities: interested });
    expect(s.nearQualified).toEqual({ missing: "served-market" });
  });

  it("is not flagged when two things are missing, or behaviour is under its threshold", () => {
    expect(
      score({ person: { ...ZOE, lastname: null, company: "" }, activities: interested }).nearQualified,
    ).toBeNull();
    expect(
      score({ person: { ...ZOE, lastname: null, country: null }, activities: interested }).nearQualified,
    ).toBeNull();
    // Behaviour 10 × 0.5 = 5 < 20.
    expect(
      score({ person: { ...ZOE, lastname: null }, activities: [pricingView(10)] }).nearQualified,
    ).toBeNull();
  });

  it("is not flagged when the missing item is not all that keeps them out: score or fit under its threshold", () => {
    const analyst = { ...ZOE, lastname: null, jobtitle: "Analyst" };
    // Fit 15 (mid-size, served market) + behaviour 30 (demo) = 45 < 50: a last name would not make an MQL.
    expect(score({ person: analyst, activities: [demoForm(0)] })).toMatchObject({ total: 45, nearQualified: null });
    // A score of 68, but fit 5 (served market only) under the fit minimum of 10.
    const keen = [demoForm(0), pricingView(0), pricingView(1), pricingView(2)];
    expect(
      score({ person: analyst, company: { ...ACME, numberofemployees: null }, activities: keen }),
    ).toMatchObject({ fit: 5, nearQualified: null });
    // With the size that makes its fit, the last name is all that is missing.
    expect(score({ person: analyst, activities: keen }).nearQualified).toEqual({ missing: "lastname" });
  });
});

describe("customers", () => {
  it("raise an upsell signal instead of an MQL, judged by the cross-sell rules", () => {
    // Fit: upsell-exec 15 (prospect fit rules do not apply); behaviour demo 30; total 45 ≥ 30.
    const s = score({
      person: { ...ZOE, jobtitle: "Chief Revenue Officer" },
      activities: [demoForm(0)],
      isCustomer: true,
    });
    expect([s.fit, s.total, s.qualified, s.upsell]).toEqual([15, 45, false, true]);
    expect(s.reasons.map((r) => r.ruleId)).toEqual(["demo", "upsell-exec"]);
  });

  it("raise none without a matching cross-sell rule or under the threshold", () => {
    // Total 30 but no cross-sell rule holds.
    expect(
      score({ person: { ...ZOE, jobtitle: "Analyst" }, activities: [demoForm(0)], isCustomer: true }).upsell,
    ).toBe(false);
    // 15 + 10 × 0.5 = 20 < 30.
    expect(
      score({ person: { ...ZOE, jobtitle: "VP Sales" }, activities: [pricingView(10)], isCustomer: true })
        .upsell,
    ).toBe(false);
  });
});

describe("a customer's behaviour counts from the time they became one", () => {
  // Zoé became a customer 2 days ago (2026-11-28): the cross-sell fit (upsell-exec) is 15, threshold 30.
  const since = ago(2);
  const cro = { ...ZOE, jobtitle: "Chief Revenue Officer" };
  it.each([
    // What led to the purchase (a demo and a pricing visit 3 days ago, 32.5 counted as they were) no more.
    ["the behaviour that led to the purchase", true, since, [demoForm(3), pricingView(3)], 0, false],
    // A new demo request today counts in full; the old one still not: 30.
    ["a new demo request today", true, since, [demoForm(3), demoForm(0)], 30, true],
    // A request dated at the very time of the win is after it: 30 × 2^-0.2 = 26.1.
    ["a demo request at the time of the win", true, since, [demoForm(2)], 26.1, true],
    // Visits either side of the win: one after it, 10 × 2^-0.1 = 9.3, and no burst of 3 after it.
    ["visits either side of the win", true, since, [pricingView(4), pricingView(3), pricingView(1)], 9.3, false],
    // A customer account's person: leadloop saw no win, so all behaviour counts, 30 × 2^-0.3 = 24.4.
    ["a customer with no known date", true, null, [demoForm(3)], 24.4, true],
    ["a customer whose date is no date", true, "bientôt", [demoForm(3)], 24.4, true],
    // Not a customer (the date is of a win the funnel since left): scored as any prospect, no upsell.
    ["a person who is not a customer", false, since, [demoForm(3)], 24.4, false],
  ] as const)("%s", (_name, isCustomer, customerSince, activities, behaviour, upsell) => {
    const s = score({ person: cro, activities: [...activities], isCustomer, customerSince });
    expect([s.behaviour, s.upsell]).toEqual([behaviour, upsell]);
  });

  it("says so in the reasons, and the newest activity is still the newest, counted or not", () => {
    const s = score({ person: cro, activities: [demoForm(3), demoForm(0)], isCustomer: true, customerSince: since });
    expect(s.reasons.map((r) => [r.points, r.detail])).toEqual([
      [30, "Requested a demo since becoming a customer on 2026-11-28: 1 form submission, latest 2026-11-30"],
      [15, 'Executive at a customer (jobtitle "Chief Revenue Officer")'],
    ]);
    const before = score({ person: cro, activities: [pricingView(3)], isCustomer: true, customerSince: since });
    expect([before.reasons.map((r) => r.ruleId), before.lastActivityAt]).toEqual([["upsell-exec"], ago(3)]);
  });
});

describe("determinism", () => {
  it("gives the same score whatever the activity order, and compiled or not", () => {
    const activities = [
      pricingView(10),
      demoForm(0),
      blogView(1),
      blogView(2),
      emailClick(3),
      pricingView(2),
    ];
    const first = score({ activities });
    const reversed = score({ activities: [...activities].reverse() });
    const compiled = scorePerson(
      { person: ZOE, company: ACME, activities, now: NOW },
      compileDefinition(DEFINITION),
    );
    expect(reversed).toEqual(first);
    expect(compiled).toEqual(first);
    expect(Math.round(first.reasons.reduce((sum, r) => sum + r.points * 10, 0))).toBe(first.total * 10);
  });
});

describe("significant activities", () => {
  it("lists activities that earn behaviour points, newest first, keyed by activity id", () => {
    const a = pricingView(10);
    const b = demoForm(0);
    const c = blogView(1); // only a burst rule could score it
    const d = emailClick(20); // outside the 14-day window
    const e = { ...demoForm(0), id: "later", occurredAt: "2026-12-01T00:00:00.000Z" };
    const found = significantActivities([a, b, c, d, e], DEFINITION, NOW);
    expect(found.map((f) => [f.key, f.ruleId])).toEqual([
      [b.id, "demo"],
      [a.id, "pricing"],
    ]);
    // Without now, no recency applies.
    expect(significantActivities([d], DEFINITION).map((f) => f.key)).toEqual([d.id]);
  });

  it("makes one entry of repeats of a rule and subject (the newest, counted), and keeps the newest few", () => {
    const views = [pricingView(9), pricingView(2), pricingView(5)];
    const shouted = { ...pricingView(1), properties: { hs_url: "https://www.example.com/pricing", hs_title: "PRICING" } };
    const forms = [demoForm(3), { ...demoForm(4), properties: { hs_title: "Demo gratuite — Réservez", hs_url: "https://www.example.com/fr/demo" } }];
    const found = significantActivities([...views, shouted, ...forms], DEFINITION, NOW);
    expect(found.map((f) => [f.ruleId, f.title, f.repeats, f.key])).toEqual([
      ["pricing", "PRICING", 4, shouted.id],
      ["demo", "Request a Demo", 1, forms[0]!.id],
      ["demo", "Demo gratuite — Réservez", 1, forms[1]!.id],
    ]);
    expect(found[0]!.firstAt).toBe(views[0]!.occurredAt);
    expect(significantActivities([...views, shouted, ...forms], DEFINITION, NOW, 2).map((f) => f.title)).toEqual([
      "PRICING",
      "Request a Demo",
    ]);
  });

  it("titles a form submission below Enterprise by its form, read from the forms API or told by the contact's properties alike", () => {
    const fromApi = { ...demoForm(3), id: "form:9c1d", properties: { hs_form_name: "Demo request — Zoë’s team", hs_url: "https://www.example.com/fr/demo?utm=é" } };
    const told = { ...demoForm(1), id: "form:10041:1796249958106", properties: { hs_form_name: "Demo request — Zoë’s team", hs_form_id: "f-1" } };
    const found = significantActivities([fromApi, told], DEFINITION, NOW);
    expect(found.map((f) => [f.ruleId, f.title, f.repeats, f.key])).toEqual([["demo", "Demo request — Zoë’s team", 2, told.id]]);
  });
});

describe("the completed task of a significant activity", () => {
  const taskBody = (activities: ScoredActivity[]) => activityTaskBody(significantActivities(activities, DEFINITION, NOW)[0]!);

  it("says what the person did in words, when, and how often, not the event's raw properties", () => {
    const views = [pricingView(9), pricingView(2)];
    expect(taskBody(views)).toBe(`Page: Pricing\nAddress: https://www.example.com/pricing?plan=pro\nWhen: ${ago(2).slice(0, 16).replace("T", " ")} UTC (2 times since ${ago(9).slice(0, 10)})`);
    const click = activity("email_click", 1, {
      hs_email_campaign_id: "118420371",
      hs_email_campaign_name: "Newsletter 2026-11",
      hs_email_subject: "Ce mois-ci : la RevOps",
      hs_link_href: "https://www.example.com/blog/décroissance",
    });
    expect(taskBody([click])).toBe(
      `Email: Ce mois-ci : la RevOps (Newsletter 2026-11)\nLink: https://www.example.com/blog/décroissance\nWhen: ${ago(1).slice(0, 16).replace("T", " ")} UTC`,
    );
  });

  it("cuts a very long value whole characters at a time, marked with an ellipsis", () => {
    const title = `Démo ${"é🙂".repeat(400)}`;
    const body = taskBody([{ ...demoForm(1), properties: { hs_title: `Request a demo — ${title}`, hs_form_id: "9e8d7c6b" } }]);
    const form = body.split("\n")[0]!;
    // 500 UTF-16 units at most, as the CRMs count a field's length (core/text/within.ts): an emoji is two.
    expect(form.slice("Form: ".length).length).toBeLessThanOrEqual(500);
    expect(form.slice("Form: ".length).length).toBeGreaterThanOrEqual(498);
    expect(form.endsWith("…")).toBe(true);
    expect(form).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no half of an emoji left at the cut
    expect(body).not.toContain("9e8d7c6b");
  });
});

describe("activity summary", () => {
  it("writes one dated line per kind of interest, newest first", () => {
    const text = activitySummary(
      [
        pricingView(10),
        blogView(1),
        demoForm(0.5),
        activity("form_submission", 4, { hs_title: "Download: État du marketing B2B 2026" }),
        emailClick(3),
        activity("email_open", 3),
        activity("email_open", 6),
        activity("cta_click", 2, { hs_element_text: "Get the guide" }),
      ],
      NOW,
      5,
    );
    expect(text).toBe(
      [
        "Last visits: 2026-11-29 Lead scoring (/blog/lead-scoring); 2026-11-20 Pricing (/pricing?plan=pro)",
        "Forms: 2026-11-29 Request a Demo (/demo)",
        "Offers: 2026-11-26 Download: État du marketing B2B 2026",
        "Email clicks: 2026-11-27 Ihre Einladung (https://example.com/webinar)",
        "CTA clicks: 2026-11-28 Get the guide",
        "Email opens: 2, latest 2026-11-27",
      ].join("\n"),
    );
  });

  it("reads an activity's time from occurredMs, as the behaviour cache gives it, as it reads its text", () => {
    const activities = [
      pricingView(10),
      blogView(1),
      demoForm(0.5),
      emailClick(3),
      activity("email_open", 3),
      activity("email_open", 6),
      activity("cta_click", 2, { hs_element_text: "Get the guide" }),
    ];
    const withMs = activities.map((a) => ({ ...a, occurredMs: Date.parse(a.occurredAt) }));
    expect(activitySummary(withMs, NOW, 5)).toBe(activitySummary(activities, NOW, 5));
    expect(scorePerson({ person: ZOE, company: ACME, activities: withMs, now: NOW }, DEFINITION)).toEqual(
      scorePerson({ person: ZOE, company: ACME, activities, now: NOW }, DEFINITION),
    );
  });

  it("limits entries per line, cuts long values and stays under the size limit", () => {
    const long = "Très long titre ".repeat(30);
    const many = Array.from({ length: 2000 }, (_, i) =>
      activity("page_view", i / 100, {
        hs_title: long,
        hs_url: `https://example.com/${"x".repeat(300)}/${i}`,
      }),
    );
    const limited = activitySummary(many, NOW, 3);
    expect(limited.split("; ")).toHaveLength(4);
    expect(limited).toMatch(/… 1997 more$/);
    expect(limited.split("; ")[0]!.length).toBeLessThan(200);
    const all = activitySummary(many, NOW, 5000);
    expect(all.length).toBeLessThanOrEqual(SUMMARY_MAX_LENGTH);
    expect(all.endsWith("…")).toBe(true);
    expect(activitySummary([], NOW, 5)).toBe("No activity yet.");
  });
});

describe("fields a definition reads", () => {
  it("are the ones its fit, customer and negative conditions and required fields name, by record", () => {
    const definition = parseQualification(
      `version: 1
thresholds: { mql: 60, behaviour: 30 }
requiredForHandoff: [email, firstname, Company_Legal_Name__c]
fit:
  - id: seniority
    description: Senior
    points: 10
    when: { field: hs_seniority, in: [vp, director] }
  - id: size
    description: Size band or headcount
    points: 15
    when:
      any:
        - { of: company, field: numberofemployees, range: { min: 50, max: 5000 } }
        - { field: numemployees, range: { min: 50 } }
  - id: revenue
    description: Revenue known
    points: 5
    when: { not: { field: annualrevenue, present: false } }
negative:
  - id: competitor
    description: Competitor
    disqualify: true
    when: { of: company, field: domain, domainIn: [rivalcrm.com] }
customers:
  threshold: 40
  rules:
    - id: growing
      description: Growing customer
      points: 10
      when: { of: company, field: hs_num_child_companies, greaterThan: 2 }
behaviour: []
`,
      "fields.yaml",
    );
    expect(compileDefinition(definition).fields).toEqual({
      person: ["hs_seniority", "numemployees", "annualrevenue", "email", "firstname", "Company_Legal_Name__c"],
      company: ["numberofemployees", "hs_num_child_companies", "domain"],
    });
  });

  it("score a band from HubSpot's contact numemployees by its lower bound", () => {
    const definition = parseQualification(
      `version: 1
thresholds: { mql: 60, behaviour: 30 }
requiredForHandoff: [email]
fit:
  - id: core
    description: 50 to 5,000
    points: 15
    when: { field: numemployees, range: { min: 50, max: 5000 } }
behaviour: []
`,
      "bands.yaml",
    );
    const fitOf = (numemployees: string) =>
      scorePerson(
        { person: { email: "a@b.example", numemployees }, activities: [], isCustomer: false, now: new Date() },
        definition,
      ).fit;
    expect([fitOf("25-50"), fitOf("50-100"), fitOf("1000+"), fitOf(" 1,200 ")]).toEqual([0, 15, 15, 15]);
  });
});
