// What a held MQL's lapse names (core/scoring/unmet.ts): the first condition of the MQL definition a
// person scored as of the handoff's run fails, in the definition's numbers and ids.
import { parseQualification } from "../../src/config/qualification-file.js";
import { compileDefinition } from "../../src/core/scoring/compile.js";
import type { ScoredActivity } from "../../src/core/scoring/definition.js";
import { scorePerson } from "../../src/core/scoring/score.js";
import { unmetCondition } from "../../src/core/scoring/unmet.js";

const DEFINITION = compileDefinition(
  parseQualification(
    `version: 1
thresholds: { mql: 50, behaviour: 20, fitMinimum: 10 }
decay: { halfLifeDays: 10 }
requiredForHandoff: [email, lastname, company]
fit:
  - id: senior-title
    description: Senior title
    points: 20
    when: { field: jobtitle, matches: "vp|head of|director|directrice|chief" }
behaviour:
  - id: demo
    description: Requested a demo
    points: 40
    activity: form_submission
    match: { form: demo }
negative:
  - id: competitor
    description: Works for a competitor
    disqualify: true
    when: { field: email, domainIn: [rival.io] }
`,
    "test-qualification.yaml",
  ),
);
const NOW = new Date("2027-01-16T09:30:00.000Z");
const demo = (daysAgo: number): ScoredActivity => ({
  id: `demo-${daysAgo}`,
  kind: "form_submission",
  occurredAt: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
  properties: { hs_title: "Request a Demo", hs_url: "https://www.example.com/demo" },
});
const ANAIS = {
  email: "Anais.Berenger@SGO-Optique.fr",
  firstname: "Anaïs",
  lastname: "Bérenger-Duval",
  jobtitle: "Directrice Commerciale",
  company: "Société Générale d'Optique",
};
const unmet = (person: Record<string, string | null>, activities: ScoredActivity[]) => {
  const score = scorePerson({ person, activities, now: NOW }, DEFINITION);
  expect(score.qualified).toBe(false);
  return unmetCondition(score, DEFINITION.definition.thresholds);
};

describe("why a scored person is no MQL", () => {
  it("names the threshold, the fit minimum, a disqualifying rule and a missing required field", () => {
    // 20 of fit and a demo 10 days old (40 halved once: 20).
    expect(unmet(ANAIS, [demo(10)])).toBe("below the threshold: 40 < 50");
    expect(unmet({ ...ANAIS, jobtitle: "Stagiaire" }, [demo(0), demo(1)])).toMatch(/^a fit below the minimum: 0 < 10$/);
    expect(unmet({ ...ANAIS, email: "anais@rival.io" }, [demo(0)])).toBe("disqualified by competitor");
    expect(unmet({ ...ANAIS, company: "  " }, [demo(0)])).toBe("missing company, which a handoff requires");
    expect(unmet({ ...ANAIS, company: null, lastname: null }, [demo(0)])).toBe(
      "a customer, or missing more than one field or fit rule a handoff requires",
    );
  });
});
