import type { RoutablePerson, RouteContext, RoutingDefinition } from "../../src/core/routing/definition.js";
import { explainRoute, formatRouteExplanation } from "../../src/core/routing/explain.js";
import { pickFromQueue, planRoute, type QueueDecision } from "../../src/core/routing/plan.js";
import type { RouteDecision } from "../../src/core/routing/walk.js";

const DEFINITION: RoutingDefinition = {
  queues: {
    "na-east": [
      "jordan.miller@acme-sales.com",
      "priya.raman@acme-sales.com",
      "marcus.oconnor@acme-sales.com",
    ],
    "na-west": ["sofia.hernandez@acme-sales.com", "kevin.tran@acme-sales.com"],
    emea: ["lea.muller@acme-sales.com", "francois.lefevre@acme-sales.com"],
    dormant: ["gone.rep@acme-sales.com"],
  },
  rules: [
    {
      id: "strategic",
      description: "5,000+ employees",
      when: { employees: { min: 5000 } },
      assign: { rep: "elena.fischer@acme-sales.com" },
    },
    {
      id: "healthcare-dach",
      description: "Healthcare in DACH",
      when: { country: ["DE", "AT", "CH"], industry: ["Hospital & Health Care"] },
      assign: { rep: "jürgen.weiß@acme-sales.com" },
    },
    {
      id: "mid-market-fr",
      description: "French mid-market",
      when: { country: ["FR"], employees: { min: 200, max: 999 } },
      assign: { rep: "anaïs.dupont@acme-sales.com" },
    },
    {
      id: "quebec",
      description: "Québec has its own queue, which nobody staffs right now",
      when: { country: ["CA"], state: ["Québec"] },
      assign: { queue: "dormant" },
    },
    {
      id: "na-west",
      description: "US West",
      when: { country: ["US", "CA"], state: ["CA", "WA", "OR", "BC"] },
      assign: { queue: "na-west" },
    },
    {
      id: "na-east",
      description: "Rest of North America",
      when: { country: ["US", "CA"] },
      assign: { queue: "na-east" },
    },
    {
      id: "emea",
      description: "Europe",
      when: { country: ["DE", "AT", "CH", "FR", "ES"] },
      assign: { queue: "emea" },
    },
  ],
  fallback: "sales-desk@acme-sales.com",
  keepAccountOwner: true,
};

const ALL_REPS = [
  ...Object.values(DEFINITION.queues).flat(),
  "elena.fischer@acme-sales.com",
  "jürgen.weiß@acme-sales.com",
  "anaïs.dupont@acme-sales.com",
  "sales-desk@acme-sales.com",
].filter((email) => email !== "gone.rep@acme-sales.com");

const active = (...without: string[]): RouteContext => ({
  activeReps: new Set(ALL_REPS.filter((e) => !without.includes(e))),
});

function person(fields: Partial<RoutablePerson>): RoutablePerson {
  return {
    email: "Ana.Lopez@Globex.example",
    country: null,
    state: null,
    employees: null,
    industry: null,
    ...fields,
  };
}

function repOf(decision: RouteDecision): string {
  if (decision.kind !== "rep") throw new Error(`expected a rep decision, got ${decision.kind}`);
  return decision.rep;
}

function queueOf(decision: RouteDecision): QueueDecision {
  if (decision.kind !== "queue") throw new Error(`expected a queue decision, got ${decision.kind}`);
  return decision;
}

describe("planRoute: territory rules", () => {
  it.each([
    ["an ISO alpha-2 code", "FR"],
    ["an alpha-3 code", "fra"],
    ["an English name", "france"],
    ["a native name in capitals", "FRANCE"],
  ])("matches a country given as %s", (_kind, country) => {
    const d = planRoute(person({ country, employees: "450" }), active(), DEFINITION);
    expect(repOf(d)).toBe("anaïs.dupont@acme-sales.com");
    expect(d.kind === "rep" && d.ruleId).toBe("mid-market-fr");
  });

  it("matches countries with or without accents and in other languages", () => {
    for (const country of ["Österreich", "Osterreich", "Deutschland", "Schweiz", "Suisse"]) {
      const d = planRoute(person({ country, industry: "HOSPITAL_HEALTH_CARE" }), active(), DEFINITION);
      expect(repOf(d)).toBe("jürgen.weiß@acme-sales.com");
    }
  });

  it("matches a state by code or by name, ignoring case and accents", () => {
    for (const state of ["CA", "california", "  California ", "Washington"]) {
      const d = queueOf(planRoute(person({ country: "United States", state }), active(), DEFINITION));
      expect(d.queue).toBe("na-west");
    }
    expect(queueOf(planRoute(person({ country: "US", state: "New York" }), active(), DEFINITION)).queue).toBe(
      "na-east",
    );
    expect(
      queueOf(planRoute(person({ country: "Canada", state: "British Columbia" }), active(), DEFINITION))
        .queue,
    ).toBe("na-west");
  });

  it("checks employee ranges inclusively and reads counts with separators", () => {
    const at = (employees: string | null) =>
      planRoute(person({ country: "FR", employees }), active(), DEFINITION);
    expect(repOf(at("200"))).toBe("anaïs.dupont@acme-sales.com");
    expect(repOf(at("999"))).toBe("anaïs.dupont@acme-sales.com");
    expect(queueOf(at("199")).queue).toBe("emea");
    expect(queueOf(at("1000")).queue).toBe("emea");
    expect(repOf(at("5,000"))).toBe("elena.fischer@acme-sales.com");
    // A band is not a count, and a blank says nothing: neither matches a range.
    expect(queueOf(at("201-500")).queue).toBe("emea");
    expect(queueOf(at(null)).queue).toBe("emea");
  });

  it("matches industry as HubSpot (enum) or a CRM (label) writes it", () => {
    for (const industry of ["HOSPITAL_HEALTH_CARE", "Hospital & Health Care", "hospital and health care"]) {
      expect(repOf(planRoute(person({ country: "DE", industry }), active(), DEFINITION))).toBe(
        "jürgen.weiß@acme-sales.com",
      );
    }
    expect(
      queueOf(planRoute(person({ country: "DE", industry: "Banking" }), active(), DEFINITION)).queue,
    ).toBe("emea");
  });

  it("takes the first matching rule in order", () => {
    // A large German hospital group matches strategic, healthcare-dach and emea: the first one wins.
    const d = planRoute(
      person({ country: "DE", employees: "12000", industry: "HOSPITAL_HEALTH_CARE" }),
      active(),
      DEFINITION,
    );
    expect(d).toMatchObject({ kind: "rep", rep: "elena.fischer@acme-sales.com", ruleId: "strategic" });
  });

  it("passes over a matched rule whose rep is not active, and says so", () => {
    const d = planRoute(
      person({ country: "Deutschland", industry: "HOSPITAL_HEALTH_CARE" }),
      active("jürgen.weiß@acme-sales.com"),
      DEFINITION,
    );
    const q = queueOf(d);
    expect(q.ruleId).toBe("emea");
    expect(q.explanation).toContain(
      "rule healthcare-dach matched but rep jürgen.weiß@acme-sales.com is not an active rep",
    );
  });

  it("passes over a queue with no active member, and gives only active members", () => {
    const d = queueOf(planRoute(person({ country: "CA", state: "Quebec" }), active(), DEFINITION));
    expect(d.ruleId).toBe("na-east");
    expect(d.explanation).toContain("queue dormant has no active member (of 1)");

    const partly = queueOf(
      planRoute(person({ country: "US", state: "NY" }), active("priya.raman@acme-sales.com"), DEFINITION),
    );
    expect(partly.members).toEqual(["jordan.miller@acme-sales.com", "marcus.oconnor@acme-sales.com"]);
  });

  it("compares rep emails ignoring case", () => {
    const context: RouteContext = { activeReps: new Set(ALL_REPS.map((e) => e.toUpperCase().toLowerCase())) };
    expect(repOf(planRoute(person({ employees: "8000" }), context, DEFINITION))).toBe(
      "elena.fischer@acme-sales.com",
    );
  });
});

describe("planRoute: account owner, fallback, unroutable", () => {
  it("keeps the account's owner when they are an active rep, whatever the territory", () => {
    const d = planRoute(
      person({ country: "FR", employees: "450" }),
      { ...active(), accountOwnerEmail: "  Kevin.Tran@ACME-sales.com " },
      DEFINITION,
    );
    expect(d).toMatchObject({ kind: "rep", rep: "kevin.tran@acme-sales.com", ruleId: "account-owner" });
  });

  it("gives a new lead at an owned account to the account owner first, saying which account and how it was found", () => {
    const account = {
      name: "Nordwind Logistik GmbH",
      matchedBy: "email domain nordwind-logistik.de",
      ownerEmail: "Kevin.Tran@ACME-sales.com",
    };
    // The territory rule (French mid-market) would give her to Anaïs; the account's owner comes first.
    const lead = person({ email: "Léa.Schäfer@Nordwind-Logistik.de", country: "FR", employees: "450" });
    const d = planRoute(lead, { ...active(), account }, DEFINITION);
    expect(d).toMatchObject({ kind: "rep", rep: "kevin.tran@acme-sales.com", ruleId: "account-owner" });
    const explanation = explainRoute(lead, { ...active(), account }, DEFINITION);
    expect(formatRouteExplanation(explanation)[0]).toBe(
      "✔ account-owner — accounts already owned keep their owner: the account Nordwind Logistik GmbH (email domain nordwind-logistik.de) is owned by kevin.tran@acme-sales.com → rep kevin.tran@acme-sales.com",
    );
    expect(explanation.steps.find((s) => s.ruleId === "mid-market-fr")!.outcome).toBe("not-reached");
  });

  it("says the account was found but has no owner, and routes by territory", () => {
    const account = { name: "Globex", matchedBy: "company domain globex.example", ownerEmail: null };
    const explanation = explainRoute(
      person({ country: "FR", employees: "450" }),
      { ...active(), account, accountOwnerEmail: "ignored@acme-sales.com" },
      DEFINITION,
    );
    expect(explanation.steps[0]).toMatchObject({
      outcome: "no-match",
      detail: "the account Globex (company domain globex.example) has no owner",
    });
    expect(explanation.decision).toMatchObject({ kind: "rep", rep: "anaïs.dupont@acme-sales.com" });
  });

  it("keeps a rep's own record with its rep when the account has no active owner, but not the integration user's", () => {
    const lead = person({ country: "FR", employees: "450" });
    const kept = explainRoute(
      lead,
      { ...active(), account: null, recordOwnerEmail: "Lea.Muller@acme-sales.com" },
      DEFINITION,
    );
    expect(kept.decision).toMatchObject({ kind: "rep", rep: "lea.muller@acme-sales.com", ruleId: "account-owner" });
    expect(kept.steps[0]!.detail).toBe(
      "no account found for this person; the record is already owned by rep lea.muller@acme-sales.com → rep lea.muller@acme-sales.com",
    );
    const integration = planRoute(
      lead,
      { ...active(), recordOwnerEmail: "leadloop-integration@acme.example" },
      DEFINITION,
    );
    expect(repOf(integration)).toBe("anaïs.dupont@acme-sales.com");
  });

  it("routes by territory when the account owner is not active", () => {
    const d = planRoute(
      person({ country: "FR", employees: "450" }),
      { ...active(), accountOwnerEmail: "former.employee@acme-sales.com" },
      DEFINITION,
    );
    expect(repOf(d)).toBe("anaïs.dupont@acme-sales.com");
    expect(d.kind === "rep" && d.explanation).toMatch(
      /^the account is owned by former\.employee@acme-sales\.com, who is not an active rep; /,
    );
  });

  it("ignores the account owner when keepAccountOwner is off", () => {
    const d = planRoute(
      person({ country: "FR", employees: "450" }),
      { ...active(), accountOwnerEmail: "kevin.tran@acme-sales.com" },
      { ...DEFINITION, keepAccountOwner: false },
    );
    expect(repOf(d)).toBe("anaïs.dupont@acme-sales.com");
  });

  it("falls back to the single point of contact when nothing matches", () => {
    for (const country of ["Brasil", "México", null, "Atlantis"]) {
      const d = planRoute(person({ country }), active(), DEFINITION);
      expect(d).toMatchObject({ kind: "rep", rep: "sales-desk@acme-sales.com", ruleId: "fallback" });
    }
  });

  it("is unroutable, with a message, when the fallback is not active either", () => {
    const d = planRoute(person({ country: "Brasil" }), active("sales-desk@acme-sales.com"), DEFINITION);
    expect(d).toEqual({
      kind: "unroutable",
      message: "no rule matched and the fallback rep sales-desk@acme-sales.com is not an active rep",
      explanation: "no rule matched and the fallback rep sales-desk@acme-sales.com is not an active rep",
    });
  });

  it("keeps fall-through notes in an unroutable explanation", () => {
    const d = planRoute(
      person({ country: "AT", industry: "Hospital and Health Care" }),
      { activeReps: new Set() },
      DEFINITION,
    );
    expect(d.kind).toBe("unroutable");
    expect(d.explanation.split("; ")).toEqual([
      "rule healthcare-dach matched but rep jürgen.weiß@acme-sales.com is not an active rep",
      "rule emea matched but queue emea has no active member (of 2)",
      "no rule matched and the fallback rep sales-desk@acme-sales.com is not an active rep",
    ]);
  });
});

describe("pickFromQueue: round-robin", () => {
  const eastLead = person({ country: "US", state: "Massachusetts" });

  it("gives every member the same number of leads over whole rounds", () => {
    const counts = new Map<string, number>();
    const members = DEFINITION.queues["na-east"]!;
    for (let turn = 0; turn < members.length * 4; turn++) {
      const d = queueOf(planRoute(eastLead, active(), DEFINITION));
      const { rep, ruleId } = pickFromQueue(d, turn % d.members.length);
      expect(ruleId).toBe("na-east");
      counts.set(rep, (counts.get(rep) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([4, 4, 4]);
  });

  it("continues the rotation across a restart when the turn counter continues", () => {
    // The store keeps the pointer; a restart only means the next turn comes from the store, not from 0.
    const d = queueOf(planRoute(eastLead, active(), DEFINITION));
    const before = [0, 1].map((t) => pickFromQueue(d, t).rep);
    const afterRestart = [2, 0, 1, 2].map((t) => pickFromQueue(d, t).rep);
    const all = [...before, ...afterRestart];
    expect(all).toEqual([
      "jordan.miller@acme-sales.com",
      "priya.raman@acme-sales.com",
      "marcus.oconnor@acme-sales.com",
      "jordan.miller@acme-sales.com",
      "priya.raman@acme-sales.com",
      "marcus.oconnor@acme-sales.com",
    ]);
  });

  it("indexes active members only, so an inactive rep's turns go to the others", () => {
    const d = queueOf(planRoute(eastLead, active("priya.raman@acme-sales.com"), DEFINITION));
    const reps = [0, 1, 0, 1].map((t) => pickFromQueue(d, t).rep);
    expect(reps).toEqual([
      "jordan.miller@acme-sales.com",
      "marcus.oconnor@acme-sales.com",
      "jordan.miller@acme-sales.com",
      "marcus.oconnor@acme-sales.com",
    ]);
  });

  it("wraps a turn beyond the member list and explains the pick", () => {
    const d = queueOf(planRoute(eastLead, active(), DEFINITION));
    const picked = pickFromQueue(d, 7);
    expect(picked.rep).toBe("priya.raman@acme-sales.com");
    expect(picked.explanation).toBe(
      'rule na-east: country "US" (US) is in [US, CA] → queue na-east (round-robin turn 2 of 3 → rep priya.raman@acme-sales.com)',
    );
  });
});

describe("explainRoute", () => {
  it("reports every step with why it matched or not, and the decision", () => {
    const explanation = explainRoute(
      person({ country: "Côte d’Ivoire", employees: "320" }),
      { ...active(), accountOwnerEmail: null },
      DEFINITION,
    );
    expect(explanation.steps.map((s) => [s.ruleId, s.outcome])).toEqual([
      ["account-owner", "no-match"],
      ["strategic", "no-match"],
      ["healthcare-dach", "no-match"],
      ["mid-market-fr", "no-match"],
      ["quebec", "no-match"],
      ["na-west", "no-match"],
      ["na-east", "no-match"],
      ["emea", "no-match"],
      ["fallback", "chosen"],
    ]);
    expect(explanation.decision).toMatchObject({ kind: "rep", rep: "sales-desk@acme-sales.com" });
    const midMarket = explanation.steps.find((s) => s.ruleId === "mid-market-fr")!;
    expect(midMarket.detail).toBe('rule mid-market-fr: country "Côte d’Ivoire" (CI) is not in [FR]');
    expect(midMarket.conditions).toEqual([
      { condition: "country", holds: false, detail: 'country "Côte d’Ivoire" (CI) is not in [FR]' },
      { condition: "employees", holds: true, detail: "employees 320 is within 200–999" },
    ]);
  });

  it("goes on past the deciding rule, saying what later rules would have done", () => {
    const explanation = explainRoute(person({ country: "Canada", state: "Québec" }), active(), DEFINITION);
    expect(explanation.steps.map((s) => [s.ruleId, s.outcome])).toEqual([
      ["account-owner", "no-match"],
      ["strategic", "no-match"],
      ["healthcare-dach", "no-match"],
      ["mid-market-fr", "no-match"],
      ["quebec", "queue-empty"],
      ["na-west", "no-match"],
      ["na-east", "chosen"],
      ["emea", "not-reached"],
      ["fallback", "not-reached"],
    ]);
    expect(explanation.decision).toEqual(
      planRoute(person({ country: "Canada", state: "Québec" }), active(), DEFINITION),
    );
    expect(formatRouteExplanation(explanation)).toEqual([
      "✘ account-owner — accounts already owned keep their owner: no account found for this person",
      "✘ strategic — 5,000+ employees: rule strategic: employees is blank",
      '✘ healthcare-dach — Healthcare in DACH: rule healthcare-dach: country "Canada" (CA) is not in [DE, AT, CH], industry is blank',
      '✘ mid-market-fr — French mid-market: rule mid-market-fr: country "Canada" (CA) is not in [FR], employees is blank',
      "↷ quebec — Québec has its own queue, which nobody staffs right now: rule quebec matched but queue dormant has no active member (of 1)",
      '✘ na-west — US West: rule na-west: state "Québec" is not in [CA, WA, OR, BC]',
      '✔ na-east — Rest of North America: rule na-east: country "Canada" (CA) is in [US, CA] → queue na-east',
      '· emea — Europe: not reached (would not apply): rule emea: country "Canada" (CA) is not in [DE, AT, CH, FR, ES]',
      "· fallback — single point of contact when no rule matches: not reached (would apply): no rule matched → fallback rep sales-desk@acme-sales.com",
      "→ queue na-east, round-robin among jordan.miller@acme-sales.com, priya.raman@acme-sales.com, marcus.oconnor@acme-sales.com",
    ]);
  });

  it("matches planRoute's decision for every kind of outcome", () => {
    const cases: [RoutablePerson, RouteContext][] = [
      [person({ employees: "9000" }), active()],
      [person({ country: "ES" }), active()],
      [person({ country: "BR" }), active()],
      [person({ country: "BR" }), active("sales-desk@acme-sales.com")],
      [
        person({ country: "FR", employees: "300" }),
        { ...active(), accountOwnerEmail: "lea.muller@acme-sales.com" },
      ],
    ];
    for (const [p, c] of cases)
      expect(explainRoute(p, c, DEFINITION).decision).toEqual(planRoute(p, c, DEFINITION));
  });
});
