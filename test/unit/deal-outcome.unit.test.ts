// What a closed deal writes on its contact beside the won or lost stage: the reason naming the outcome
// and the deal, the close date kept within the person's moves, and the lead status blanked.
import { type ClosedDeal, outcomeDate, outcomeReason, outcomeValues } from "../../src/core/funnel/deal-outcome.js";

const won: ClosedDeal = {
  outcome: "won",
  noun: "Opportunity",
  id: "006000000000042AAA",
  name: "Études Générales – Pilote Île-de-France",
  amount: 12000.5,
  lossReason: null,
  closeDate: "2026-11-30",
  closedAt: "2026-12-02T09:15:03.000Z",
};

describe("a closed deal's reason on the contact", () => {
  it("names a win's deal and amount, written as the funnel report writes revenue", () => {
    expect(outcomeReason(won)).toBe("Opportunity won: Études Générales – Pilote Île-de-France, 12,000.50");
    expect(outcomeReason({ ...won, amount: 1234567.891 })).toMatch(/, 1,234,567\.89$/);
    expect(outcomeReason({ ...won, amount: null })).toBe("Opportunity won: Études Générales – Pilote Île-de-France");
  });

  it("names a loss's deal and the CRM's loss reason where it has one, never an amount", () => {
    const lost: ClosedDeal = { ...won, outcome: "lost", noun: "Deal", amount: 9000, lossReason: "  Budget gelé jusqu'à l'été " };
    expect(outcomeReason(lost)).toBe("Deal lost: Études Générales – Pilote Île-de-France (Budget gelé jusqu'à l'été)");
    expect(outcomeReason({ ...lost, lossReason: " " })).toBe("Deal lost: Études Générales – Pilote Île-de-France");
  });

  it("names a deal without a name by its id", () => {
    expect(outcomeReason({ ...won, name: "  ", amount: 800 })).toBe("Opportunity won: Opportunity 006000000000042AAA, 800.00");
  });
});

describe("a closed deal's disposition date", () => {
  it("is the close date (a date-only one at midnight UTC) when it falls between the person's last move and the close", () => {
    expect(outcomeDate(won, "2026-11-12T16:40:00.000Z")).toBe("2026-11-30T00:00:00.000Z");
    expect(outcomeDate({ ...won, closeDate: "2026-12-01T17:05:00Z" }, undefined)).toBe("2026-12-01T17:05:00.000Z");
  });

  it("is the time the deal was closed for a close date before the person's last move, in the future, or unreadable", () => {
    // Converted on the 30th at 10:00 and closed the same day: the date's midnight is before the conversion.
    expect(outcomeDate(won, "2026-11-30T10:00:00.000Z")).toBe(won.closedAt);
    expect(outcomeDate({ ...won, closeDate: "2027-03-31" }, undefined)).toBe(won.closedAt);
    expect(outcomeDate({ ...won, closeDate: null }, undefined)).toBe(won.closedAt);
    expect(outcomeDate({ ...won, closeDate: "fin novembre" }, undefined)).toBe(won.closedAt);
  });
});

it("blanks the contact's lead status beside the reason and the date", () => {
  expect(outcomeValues(won, undefined)).toEqual({
    leadloop_disposition_reason: "Opportunity won: Études Générales – Pilote Île-de-France, 12,000.50",
    leadloop_disposition_date: "2026-11-30T00:00:00.000Z",
    hs_lead_status: null,
  });
});
