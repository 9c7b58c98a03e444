// A rep's digest from plain rows: who is listed, in which order, what falls in the window, and the
// period keys that make a second digest in the same day or week replace the first.
import { buildDigests, type DigestLeadInput, periodKey, periodStart } from "../../src/core/digest/digest.js";
import { renderDigests } from "../../src/core/digest/render.js";

const NOW = new Date("2026-12-01T09:30:00Z");
const SINCE = "2026-11-30T09:30:00.000Z";

function lead(over: Partial<DigestLeadInput>): DigestLeadInput {
  return {
    personId: "p1",
    email: "ines.garcia@nordwind.example",
    name: "Inés García",
    score: 80,
    ownerEmail: "helene.dubois@acme.com",
    ownerId: "005A",
    handedOffAt: "2026-11-29T10:00:00.000Z",
    crmType: "Lead",
    crmId: "00Q1",
    activities: [],
    moves: [],
    ...over,
  };
}

describe("buildDigests", () => {
  const digests = buildDigests(
    [
      lead({
        personId: "p1",
        score: 62,
        activities: [
          { id: "a1", kind: "page_view", occurredAt: "2026-11-30T08:00:00Z", properties: { hs_url: "https://x.example/old", hs_title: "Before the window" } },
          { id: "a2", kind: "page_view", occurredAt: "2026-12-01T08:00:00Z", properties: { hs_url: "https://x.example/pricing", hs_title: "Pricing" } },
        ],
      }),
      lead({ personId: "p2", email: "zoe@b.example", name: "Zoë  Brandt", score: 91 }),
      // With HubSpot as the CRM the record is the contact itself.
      lead({ personId: "p3", email: "kim@c.example", name: null, score: 75, ownerEmail: "ana.lopez@acme.com", crmType: "contacts", crmId: "10172" }),
    ],
    () => SINCE,
    NOW,
  );

  it("groups by rep (by email), highest score first, and keeps only the window's behaviour", () => {
    expect(digests.map((d) => [d.ownerEmail, d.leads.map((l) => [l.personId, l.score])])).toEqual([
      ["ana.lopez@acme.com", [["p3", 75]]],
      ["helene.dubois@acme.com", [["p2", 91], ["p1", 62]]],
    ]);
    const ines = digests[1]!.leads[1]!;
    expect(ines.activityCount).toBe(1);
    expect(ines.behaviour).toEqual(["Last visits: 2026-12-01 Pricing (/pricing)"]);
  });

  it("renders text, Markdown and HTML with accents intact and HTML escaped", () => {
    const text = renderDigests(digests, "text");
    expect(text).toContain("helene.dubois@acme.com: 2 active leads since 2026-11-30 09:30 UTC");
    expect(text).toContain("Zoë Brandt <zoe@b.example>");
    expect(text).toContain("nothing new since the last digest");
    // A record reads as one record of its type, whichever CRM holds it.
    expect(text).toContain("(handed off 2026-11-29, Lead 00Q1)");
    expect(text).toContain("(handed off 2026-11-29, contact 10172)");
    expect(renderDigests(digests, "markdown")).toContain("Handed off 2026-11-29 · contact 10172");
    expect(renderDigests(digests, "markdown")).toContain("### 91 · Zoë Brandt \\<zoe@b.example\\>");
    expect(renderDigests(digests, "html")).toContain("Zoë Brandt &lt;zoe@b.example&gt;");
  });
});

describe("periods", () => {
  it.each([
    ["2026-12-01T09:30:00Z", "2026-12-01", "2026-W49"],
    ["2027-01-01T12:00:00Z", "2027-01-01", "2026-W53"], // a Friday: ISO week 53 of 2026
    ["2025-12-29T00:00:00Z", "2025-12-29", "2026-W01"], // a Monday in 2026's first ISO week
  ])("%s is day %s and week %s", (at, day, week) => {
    expect(periodKey("day", new Date(at))).toBe(day);
    expect(periodKey("week", new Date(at))).toBe(week);
  });

  it("a first digest looks one period back", () => {
    expect(periodStart("day", NOW)).toBe("2026-11-30T09:30:00.000Z");
    expect(periodStart("week", NOW)).toBe("2026-11-24T09:30:00.000Z");
  });
});
