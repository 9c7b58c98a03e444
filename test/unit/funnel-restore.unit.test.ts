// The moves that bring back a person a lost state store forgot, from what their contact carries.
import { awaitsItsDeal, earlierQualifications, isRestored, restoredDealCause, restoredMoves } from "../../src/core/funnel/restore.js";
import { STAGES } from "../../src/core/funnel/stages.js";

const now = "2026-11-20T09:00:00.000Z";
const mqlAt = "2026-10-02T14:31:07.000Z";
const verdictAt = "2026-10-09T08:12:44.000Z";
const path = (moves: ReturnType<typeof restoredMoves>) => moves.map((m) => `${m.fromStage}→${m.toStage}@${m.at}`);

describe("restoredMoves", () => {
  it("gives an MQL its step at the MQL date, then the verdict's stage at the verdict's date", () => {
    expect(path(restoredMoves("mql", { mqlAt, stageAt: mqlAt, now }))).toEqual([`lead→mql@${mqlAt}`]);
    expect(path(restoredMoves("recycled", { mqlAt, stageAt: verdictAt, now }))).toEqual([
      `lead→mql@${mqlAt}`,
      `mql→recycled@${verdictAt}`,
    ]);
  });

  it("reaches won or lost through opportunity, as the table asks", () => {
    expect(restoredMoves("won", { mqlAt, stageAt: verdictAt, now }).map((m) => [m.fromStage, m.toStage, m.kind])).toEqual([
      ["lead", "mql", "score"],
      ["mql", "opportunity", "conversion"],
      ["opportunity", "won", "opportunity"],
    ]);
  });

  it("restores a rep's own record (no MQL date) without an MQL step", () => {
    expect(restoredMoves("sal", { mqlAt: null, stageAt: verdictAt, now }).map((m) => m.toStage)).toEqual(["sal"]);
    expect(restoredMoves("lost", { mqlAt: null, stageAt: verdictAt, now }).map((m) => m.toStage)).toEqual(["opportunity", "lost"]);
    expect(path(restoredMoves("mql", { mqlAt: null, stageAt: now, now }))).toEqual([`lead→mql@${now}`]);
  });

  it("never dates a move before the one before it", () => {
    const earlier = "2026-09-01T00:00:00.000Z";
    expect(restoredMoves("trash", { mqlAt, stageAt: earlier, now }).map((m) => m.at)).toEqual([mqlAt, mqlAt]);
  });

  it("restores every stage beyond lead with moves the table allows, and nothing for lead", () => {
    expect(restoredMoves("lead", { mqlAt, stageAt: mqlAt, now })).toEqual([]);
    for (const stage of STAGES.filter((s) => s !== "lead"))
      for (const dated of [mqlAt, null]) expect(restoredMoves(stage, { mqlAt: dated, stageAt: verdictAt, now }).at(-1)!.toStage).toBe(stage);
  });
});

describe("restoredDealCause", () => {
  it("names the won deal a restored win took its amount from, still as a restored move", () => {
    const restoredWin = "restored: the contact's leadloop_status (the state store knew no stage for this person)";
    const fromDeal = restoredDealCause("opportunity: Opportunity 006000000000042AAA won");
    expect(fromDeal).toBe("restored: from opportunity: Opportunity 006000000000042AAA won");
    expect(isRestored(fromDeal)).toBe(true);
    expect(awaitsItsDeal(restoredWin)).toBe(true);
    expect(awaitsItsDeal(fromDeal)).toBe(false);
    expect(awaitsItsDeal("opportunity: Opportunity 006000000000042AAA won")).toBe(false);
  });
});

describe("earlierQualifications", () => {
  const first = "2026-08-03T10:15:00.123Z";
  const latest = "2026-10-02T14:31:07.000Z";
  it("gives each MQL date before the latest once, with the status's stages between its mql runs", () => {
    // Newest first, as the history answers; the CRM's copy of the latest to the second (+0000) is no MQL.
    const dates = [latest, "2026-10-02T14:31:07.000+0000", "1785752100123", first, null];
    const statuses = [
      { value: "mql", at: "2026-10-02T14:31:09.000Z" },
      { value: "recycled", at: "2026-08-20T16:02:00.000Z" },
      { value: "SAL", at: "2026-08-05T09:00:00.000Z" },
      { value: "mql", at: "2026-08-03T10:15:02.000Z" },
      { value: "mql", at: "2026-08-03T10:15:01.000Z" },
    ];
    const earlier = earlierQualifications(latest, dates, statuses);
    expect(earlier).toEqual([
      { mqlAt: first, after: [{ stage: "sal", at: "2026-08-05T09:00:00.000Z" }, { stage: "recycled", at: "2026-08-20T16:02:00.000Z" }] },
    ]);
    expect(path(restoredMoves("mql", { mqlAt: latest, stageAt: latest, now }, earlier))).toEqual([
      `lead→mql@${first}`,
      "mql→sal@2026-08-05T09:00:00.000Z",
      "sal→recycled@2026-08-20T16:02:00.000Z",
      `recycled→mql@${latest}`,
    ]);
  });

  it("recycles the person at the next MQL date where the status history does not place the stages", () => {
    const earlier = earlierQualifications(latest, [latest, first], []);
    expect(earlier).toEqual([{ mqlAt: first, after: [] }]);
    expect(path(restoredMoves("recycled", { mqlAt: latest, stageAt: verdictAt, now }, earlier))).toEqual([
      `lead→mql@${first}`,
      `mql→recycled@${latest}`,
      `recycled→mql@${latest}`,
      `mql→recycled@${verdictAt}`,
    ]);
    expect(earlierQualifications(latest, [latest], [{ value: "mql", at: latest }])).toEqual([]);
  });

  it("takes a stage for a rep's verdict only where the disposition date was written with it", () => {
    const trashedAt = "2026-08-10T11:00:00.000Z";
    const recycledAt = "2026-09-01T08:30:00.000Z";
    const statuses = [
      { value: "mql", at: latest },
      { value: "recycled", at: recycledAt },
      { value: "Trash", at: trashedAt },
      { value: "mql", at: first },
    ];
    // The trash wrote its date; the admin's requalify to recycled blanked it (no verdict of a rep's).
    const dispositionDates = [
      { value: null, at: recycledAt },
      { value: "2026-08-10T10:59:58.000Z", at: trashedAt },
    ];
    const earlier = earlierQualifications(latest, [latest, first], statuses, dispositionDates);
    expect(earlier).toEqual([
      { mqlAt: first, after: [{ stage: "trash", at: trashedAt, verdict: "trash" }, { stage: "recycled", at: recycledAt }] },
    ]);
    expect(restoredMoves("mql", { mqlAt: latest, stageAt: latest, now }, earlier).map((m) => `${m.toStage}:${m.kind}:${m.verdict ?? "-"}`)).toEqual([
      "mql:score:-",
      "trash:disposition:trash",
      "recycled:requalify:-",
      "mql:score:-",
    ]);
  });

  it("plays an admin's requalify after a trash, and leaves out a history the table cannot play", () => {
    const trashedAt = "2026-08-10T11:00:00.000Z";
    const requalifiedAt = "2026-09-01T08:30:00.000Z";
    const trashed = [{ mqlAt: first, after: [{ stage: "trash" as const, at: trashedAt }, { stage: "lead" as const, at: requalifiedAt }] }];
    expect(restoredMoves("mql", { mqlAt: latest, stageAt: latest, now }, trashed).map((m) => `${m.fromStage}→${m.toStage}:${m.kind}`)).toEqual([
      "lead→mql:score",
      "mql→trash:disposition",
      "trash→lead:requalify",
      "lead→mql:score",
    ]);
    // The requalify's `lead` went out in one write with the next MQL's `mql` (the run that qualified her
    // again), so the history shows none: she goes back to lead as requalify sends her, not to recycled.
    const unseen = [{ mqlAt: first, after: [{ stage: "trash" as const, at: trashedAt }] }];
    expect(path(restoredMoves("mql", { mqlAt: latest, stageAt: latest, now }, unseen))).toEqual([
      `lead→mql@${first}`,
      `mql→trash@${trashedAt}`,
      `trash→lead@${latest}`,
      `lead→mql@${latest}`,
    ]);
    // Won is final: an MQL date after a win restores as the latest alone.
    const won = [{ mqlAt: first, after: [{ stage: "opportunity" as const, at: trashedAt }, { stage: "won" as const, at: requalifiedAt }] }];
    expect(path(restoredMoves("mql", { mqlAt: latest, stageAt: latest, now }, won))).toEqual([`lead→mql@${latest}`]);
  });
});
