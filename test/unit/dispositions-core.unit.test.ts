import {
  DISPOSITION_REASON_MAX_LENGTH,
  readStatus,
  marketingLeadStatusFor,
  reopenStatus,
  verdictReason,
} from "../../src/core/funnel/dispositions.js";
import { lifecycleNeedsClear } from "../../src/core/funnel/lifecycle-values.js";
import {
  coolDownOver,
  hasBehaviourAfter,
  heldText,
  returnedToNurtureAt,
  splitHeldMoves,
} from "../../src/core/funnel/recycle.js";
import { alternation } from "../../src/core/write-loop.js";

const definition = {
  dispositions: {
    salesforce: [
      { status: "Open - Not Contacted", disposition: "none", reason: "" },
      { status: "Working - Contacted", disposition: "working", reason: "Rep is on it" },
      { status: "Closed - Not Converted", disposition: "recycle", reason: "Not now" },
      { status: "Closed - Unqualified", disposition: "trash", reason: "Not a fit" },
    ],
    hubspot: [{ status: "NEW", disposition: "none", reason: "" }],
  },
} as const;

describe("reading a lead status", () => {
  it("tells no verdict yet, a verdict, working and an unknown status apart", () => {
    expect(readStatus("open - not contacted", definition, "salesforce").kind).toBe("none");
    expect(readStatus("  Working - Contacted ", definition, "salesforce")).toMatchObject({
      kind: "verdict",
      entry: { disposition: "working" },
    });
    expect(readStatus("Closed - Unqualified", definition, "salesforce")).toMatchObject({
      kind: "verdict",
      entry: { disposition: "trash", reason: "Not a fit" },
    });
    // A status an admin added without telling the definition is reported, never taken as "no verdict".
    expect(readStatus("Nurture – Ré-engager", definition, "salesforce")).toEqual({
      kind: "unknown",
      status: "Nurture – Ré-engager",
    });
    expect(readStatus("", definition, "salesforce").kind).toBe("blank");
    expect(readStatus(null, definition, "salesforce").kind).toBe("blank");
    expect(readStatus("NEW", definition, "salesforce").kind).toBe("unknown");
  });

  it("gives the marketing lead status of where a person stands; recycled is BAD_TIMING, never UNQUALIFIED; OPEN_DEAL only with a deal", () => {
    expect(marketingLeadStatusFor("recycled")).toBe("BAD_TIMING");
    expect(marketingLeadStatusFor("trash")).toBe("UNQUALIFIED");
    expect(marketingLeadStatusFor("unreachable")).toBe("ATTEMPTED_TO_CONTACT");
    expect(marketingLeadStatusFor("working")).toBe("IN_PROGRESS");
    expect(marketingLeadStatusFor("sal")).toBe("CONNECTED");
    expect(marketingLeadStatusFor("opportunity")).toBe("OPEN_DEAL");
    expect(marketingLeadStatusFor("won")).toBeNull();
    expect(reopenStatus(definition, "salesforce")).toBe("Open - Not Contacted");
    expect(reopenStatus(definition, "hubspot")).toBe("NEW");
  });
});

describe("a verdict's reason", () => {
  it("is the rep's words, trimmed; blank, the map's reason", () => {
    expect(verdictReason("  Budget gelé jusqu'en Q3 — relancer en septembre\n", "Not now")).toBe(
      "Budget gelé jusqu'en Q3 — relancer en septembre",
    );
    expect(verdictReason(" \t ", "Not now")).toBe("Not now");
    expect(verdictReason("", "Not now")).toBe("Not now");
    expect(verdictReason(null, "Not now")).toBe("Not now");
    expect(verdictReason(undefined, "Not now")).toBe("Not now");
  });

  it("is cut to what the contact property holds, never splitting a character", () => {
    const fits = "é".repeat(DISPOSITION_REASON_MAX_LENGTH);
    expect(verdictReason(fits, "Not now")).toBe(fits);
    // An emoji is two UTF-16 units: the cut counts characters, so none is cut in half.
    const long = "📞".repeat(DISPOSITION_REASON_MAX_LENGTH + 3);
    const cut = verdictReason(long, "Not now");
    // HubSpot counts UTF-16 units: an emoji is two, so 32,767 of them and the "…" fit.
    expect(cut.length).toBeLessThanOrEqual(DISPOSITION_REASON_MAX_LENGTH);
    expect(cut).toBe(`${"📞".repeat(DISPOSITION_REASON_MAX_LENGTH / 2 - 1)}…`);
  });
});

describe("lifecycle stage moves", () => {
  it("needs a clear only to move back", () => {
    expect(lifecycleNeedsClear("marketingqualifiedlead", "lead")).toBe(true);
    expect(lifecycleNeedsClear("other", "lead")).toBe(true);
    expect(lifecycleNeedsClear("salesqualifiedlead", "other")).toBe(false);
    expect(lifecycleNeedsClear("lead", "marketingqualifiedlead")).toBe(false);
    expect(lifecycleNeedsClear("lead", "lead")).toBe(false);
    expect(lifecycleNeedsClear(null, "lead")).toBe(false);
    expect(lifecycleNeedsClear("", "lead")).toBe(false);
    // A portal's own stage has no known place in the order: cleared to be sure.
    expect(lifecycleNeedsClear("1048576", "lead")).toBe(true);
  });
});

describe("recycle", () => {
  const events = [
    { toStage: "mql", at: "2026-10-01T09:00:00.000Z", cause: "qualified: 72.5 points (pricing-page)" },
    { toStage: "recycled", at: "2026-10-05T14:30:00.000Z", cause: "disposition: Closed - Not Converted" },
    { toStage: "mql", at: "2026-11-10T08:00:00.000Z", cause: "qualified: 64 points (pricing-page)" },
    { toStage: "unreachable", at: "2026-11-12T16:00:00.000Z", cause: "disposition: Closed - Unreachable" },
  ];

  it("finds the latest return to nurture", () => {
    expect(returnedToNurtureAt(events)).toBe("2026-11-12T16:00:00.000Z");
    expect(returnedToNurtureAt(events.slice(0, 1))).toBeNull();
  });

  it("re-qualifies only on behaviour dated after the verdict", () => {
    const verdictAt = "2026-10-05T14:30:00.000Z";
    expect(hasBehaviourAfter([{ occurredAt: "2026-10-04T10:00:00.000Z" }], verdictAt)).toBe(false);
    expect(hasBehaviourAfter([{ occurredAt: verdictAt }], verdictAt)).toBe(false);
    expect(hasBehaviourAfter([{ occurredAt: "2026-10-05T14:30:01.000Z" }], verdictAt)).toBe(true);
  });

  it("holds the handoff until the cool-down is over", () => {
    const policy = { coolDownDays: 30 };
    const verdictAt = "2026-10-05T14:30:00.000Z";
    expect(coolDownOver(verdictAt, new Date("2026-11-04T14:29:59Z"), policy)).toBe(false);
    expect(coolDownOver(verdictAt, new Date("2026-11-04T14:30:00Z"), policy)).toBe(true);
    expect(coolDownOver(null, new Date("2026-10-05T14:30:00Z"), policy)).toBe(true);
    expect(coolDownOver(verdictAt, new Date(verdictAt), { coolDownDays: 0 })).toBe(true);
  });

  // A held MQL's lapse at the hold's end (handoff-phase.ts) is no verdict, and neither it nor the MQL it
  // ends is a move the report counts; a held MQL handed off before a later lapse still counts.
  it("a lapse is no return to nurture, and the report counts neither it nor the held MQL it ends", () => {
    const until = new Date("2026-11-04T14:30:00Z");
    const move = (personId: string, toStage: string, at: string, cause: string) => ({ personId, toStage, at, cause });
    const held = `qualified: 64 points (pricing-page); ${heldText(until)}`;
    const lapse = `${heldText(until)}, then below the threshold: 55 < 60`;
    const ana = [
      move("ana", "mql", "2026-10-01T09:00:00.000Z", "qualified: 72.5 points (pricing-page)"),
      move("ana", "recycled", "2026-10-05T14:30:00.000Z", "disposition: Closed - Not Converted"),
      move("ana", "mql", "2026-10-20T08:00:00.000Z", held),
      move("ana", "recycled", "2026-11-05T06:00:00.000Z", lapse),
    ];
    expect(returnedToNurtureAt(ana)).toBe("2026-10-05T14:30:00.000Z");
    // Zoé's hold ended in a handoff; her next one, after another verdict, in a lapse.
    const zoe = [
      move("zoé", "mql", "2026-11-04T14:30:00.000Z", held),
      move("zoé", "recycled", "2026-11-20T10:00:00.000Z", "disposition: Closed - Not Converted"),
      move("zoé", "mql", "2026-11-25T10:00:00.000Z", held),
      move("zoé", "recycled", "2026-12-21T10:00:00.000Z", lapse),
    ];
    const still = move("søren", "mql", "2026-10-22T08:00:00.000Z", held);
    const { given, held: shown } = splitHeldMoves([...ana, ...zoe, still], [{ personId: "zoé", handoffAt: "2026-11-04T14:30:00.000Z" }]);
    expect(given).toEqual([ana[0], ana[1], zoe[0], zoe[1]]);
    expect(shown).toEqual([still]);
  });
});

describe("write loops", () => {
  it("holds the value that would come back a third time", () => {
    expect(alternation(["recycled", "mql", "recycled", "mql"], "recycled")).toEqual(["recycled", "mql"]);
    expect(alternation(["mql", "recycled", "mql"], "recycled")).toBeNull();
  });

  it("folds repeats (two phases agreeing) and ignores a write that changes nothing", () => {
    expect(alternation(["recycled", "recycled", "mql", "recycled", "recycled", "mql"], "recycled")).toEqual([
      "recycled",
      "mql",
    ]);
    expect(alternation(["recycled", "mql", "recycled", "mql"], "mql")).toBeNull();
  });

  it("sees no loop in three different values or in a blank that comes and goes once", () => {
    expect(alternation(["lead", "mql", "sal", "mql"], "lead")).toBeNull();
    expect(alternation([null, "lead", null], "lead")).toBeNull();
    expect(alternation([null, "lead", null, "lead"], null)).toEqual([null, "lead"]);
  });
});
