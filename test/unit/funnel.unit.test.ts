import { DISPOSITIONS, dispositionFor, stageForDisposition } from "../../src/core/funnel/dispositions.js";
import { lifecycleFor } from "../../src/core/funnel/lifecycle-values.js";
import { canMove, leadloopStatusFor, move, nextStages, STAGES } from "../../src/core/funnel/stages.js";

const score = { kind: "score", detail: "score 72 ≥ 60" } as const;
const disposition = { kind: "disposition", detail: "Working - Contacted" } as const;

describe("funnel transitions", () => {
  it("follow the funnel forward", () => {
    expect(move("lead", "mql", score)).toEqual({ ok: true });
    expect(move("mql", "sal", disposition)).toEqual({ ok: true });
    expect(move("sal", "opportunity", { kind: "conversion", detail: "006Ax000001" })).toEqual({ ok: true });
    expect(move("opportunity", "won", { kind: "opportunity", detail: "Closed Won" })).toEqual({ ok: true });
    expect(move("opportunity", "lost", { kind: "opportunity", detail: "Closed Lost" })).toEqual({ ok: true });
  });

  it("let a conversion without an Opportunity accept a person wherever the qualified verdict may", () => {
    const conversion = { kind: "conversion", detail: "Lead 00Q000000000001 converted" } as const;
    for (const from of ["lead", "mql", "recycled", "unreachable"] as const) {
      expect(move(from, "sal", conversion)).toEqual({ ok: true });
      expect(move(from, "sal", disposition)).toEqual({ ok: true });
    }
    // Sales changing its mind on a lead it trashed: its acceptance or conversion is the way out besides requalify.
    expect(move("trash", "sal", conversion)).toEqual({ ok: true });
    expect(move("trash", "sal", disposition)).toEqual({ ok: true });
    expect(move("trash", "opportunity", conversion)).toEqual({ ok: true });
  });

  it("recycle back to nurture and re-qualify from there by score", () => {
    expect(move("sal", "recycled", disposition)).toEqual({ ok: true });
    expect(move("lost", "recycled", { kind: "opportunity", detail: "lost" })).toEqual({ ok: true });
    expect(move("recycled", "mql", score)).toEqual({ ok: true });
  });

  it("refuse moves the table does not hold, saying where one can go", () => {
    expect(move("lead", "won", score)).toEqual({
      ok: false,
      message:
        "cannot move from lead to won; from lead a person can move to mql, sal, opportunity, recycled, trash, unreachable",
    });
    expect(move("won", "mql", score)).toEqual({
      ok: false,
      message: "cannot move from won to mql; won is final",
    });
    expect(move("mql", "mql", score)).toEqual({ ok: false, message: "already in stage mql" });
    expect(canMove("sal", "lead")).toBe(false);
  });

  it("refuse a move made for the wrong cause", () => {
    // A score cannot make a sales-accepted lead; only the rep's disposition can.
    expect(move("mql", "sal", score)).toEqual({
      ok: false,
      message: "moving from mql to sal needs a disposition or conversion cause, not score",
    });
  });

  it("leave trash back to nurture only by an explicit re-qualification, never by score", () => {
    expect(canMove("trash", "mql")).toBe(false);
    expect(move("trash", "mql", score).ok).toBe(false);
    expect(move("trash", "recycled", score)).toEqual({
      ok: false,
      message: "moving from trash to recycled needs a requalify cause, not score",
    });
    expect(move("trash", "recycled", { kind: "requalify", detail: "admin: wrong rep verdict" })).toEqual({
      ok: true,
    });
    expect(move("trash", "recycled", disposition).ok).toBe(false);
    expect(move("trash", "sal", score).ok).toBe(false);
    expect(nextStages("trash")).toEqual(["lead", "sal", "opportunity", "recycled"]);
  });

  it("has a move out of every stage except won", () => {
    expect(STAGES.filter((s) => nextStages(s).length === 0)).toEqual(["won"]);
  });
});

describe("dispositions", () => {
  const definition = {
    dispositions: {
      salesforce: [
        { status: "Working - Contacted", disposition: "qualified", reason: "Rep is working it" },
        { status: "Closed - Not Converted", disposition: "recycle", reason: "Not ready" },
        { status: "Unqualified", disposition: "trash", reason: "Not a fit" },
      ],
      hubspot: [
        { status: "ATTEMPTED_TO_CONTACT", disposition: "unreachable", reason: "No answer" },
        { status: "UNQUALIFIED", disposition: "trash", reason: "Not a fit (HubSpot)" },
      ],
    },
  } as const;

  it("lead each to its stage", () => {
    expect(DISPOSITIONS.map((d) => [d, stageForDisposition(d)])).toEqual([
      ["qualified", "sal"],
      ["recycle", "recycled"],
      ["trash", "trash"],
      ["unreachable", "unreachable"],
      // Only a touch: no stage move.
      ["working", null],
    ]);
  });

  it("are read from a lead status, ignoring case and spaces, per CRM or from any", () => {
    expect(dispositionFor(" closed - not converted ", definition, "salesforce")).toEqual({
      status: "Closed - Not Converted",
      disposition: "recycle",
      reason: "Not ready",
    });
    expect(dispositionFor("UNQUALIFIED", definition, "hubspot")?.reason).toBe("Not a fit (HubSpot)");
    expect(dispositionFor("ATTEMPTED_TO_CONTACT", definition)?.disposition).toBe("unreachable");
    expect(dispositionFor("ATTEMPTED_TO_CONTACT", definition, "salesforce")).toBeNull();
    expect(dispositionFor("Open - Not Contacted", definition)).toBeNull();
    expect(dispositionFor(null, definition)).toBeNull();
    expect(dispositionFor("", definition)).toBeNull();
  });
});

describe("values written to the marketing contact", () => {
  it("give each stage a lifecycle stage and a leadloop status", () => {
    expect(STAGES.map((s) => [s, lifecycleFor(s), leadloopStatusFor(s)])).toEqual([
      ["lead", "lead", "lead"],
      ["mql", "marketingqualifiedlead", "mql"],
      ["sal", "salesqualifiedlead", "sal"],
      ["opportunity", "opportunity", "opportunity"],
      ["won", "customer", "won"],
      ["lost", "other", "lost"],
      ["recycled", "lead", "recycled"],
      ["trash", "other", "trash"],
      // Back to nurture, as recycled people are.
      ["unreachable", "lead", "unreachable"],
    ]);
  });
});
