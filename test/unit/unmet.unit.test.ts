// What a held MQL's lapse names (core/scoring/unmet.ts): the first condition of the MQL definition a
// person scored as of the handoff's run fails, in the shipped definition's numbers and ids.
import { loadQualification } from "../../src/config/qualification-file.js";
import { compileDefinition } from "../../src/core/scoring/compile.js";
import type { ScoredActivity } from "../../src/core/scoring/definition.js";
import { scorePerson } from "../../src/core/scoring/score.js";
import { unmetCondition } from "../../src/core/scoring/unmet.js";
import { SHIPPED_CONFIG } from "../../src/sandbox/package-paths.js";
import { ANAIS } from "../support/funnel-harness.js";

const DEFINITION = compileDefinition(loadQualification(`${SHIPPED_CONFIG}/qualification.yaml`));
const NOW = new Date("2027-01-16T09:30:00.000Z");
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const demo = (daysAgo: number): ScoredActivity => ({
  id: `demo-${daysAgo}`,
  kind: "form_submission",
  occurredAt: ago(daysAgo),
  properties: { hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo" },
});
const pricing = (daysAgo: number): ScoredActivity => ({
  id: `pricing-${daysAgo}`,
  kind: "page_view",
  occurredAt: ago(daysAgo),
  properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Tarifs – Entreprise" },
});
const unmet = (person: Record<string, string | null>, activities: ScoredActivity[]) => {
  const score = scorePerson({ person, activities, now: NOW }, DEFINITION);
  expect(score.qualified).toBe(false);
  return unmetCondition(score, DEFINITION.definition.thresholds);
};

describe("why a scored person is no MQL", () => {
  it("names the threshold, the fit minimum, a disqualifying rule and a missing required field", () => {
    expect(unmet(ANAIS, [demo(60)])).toBe("below the threshold: 36.3 < 60");
    expect(unmet({ ...ANAIS, jobtitle: "Stagiaire" }, [demo(0), pricing(0), pricing(1)])).toBe("a fit below the minimum: 5 < 15");
    expect(unmet({ ...ANAIS, email: "anais.berenger@rivalcrm.com" }, [demo(0)])).toBe("disqualified by competitor");
    expect(unmet({ ...ANAIS, company: "  " }, [demo(0), pricing(0)])).toBe("missing company, which a handoff requires");
    expect(unmet({ ...ANAIS, company: null, firstname: null }, [demo(0), pricing(0)])).toBe(
      "a customer, or missing more than one field or fit rule a handoff requires",
    );
  });
});
