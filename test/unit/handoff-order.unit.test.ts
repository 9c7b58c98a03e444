// The one order MQLs are handed off in: by MQL date to the second, then by contact id, numeric ids as numbers.
import { byHandoffOrder } from "../../src/core/funnel/handoff-order.js";

describe("byHandoffOrder", () => {
  it("puts the earlier MQL first, and MQLs of one second by contact id as a number", () => {
    const mqls = [
      { personId: "1000", mqlAt: "2026-03-02T09:15:07.912Z" },
      { personId: "951", mqlAt: "2026-03-02T09:15:07.004Z" },
      { personId: "12", mqlAt: "2026-03-02T09:15:08.000Z" },
      { personId: "4021", mqlAt: "2026-03-01T17:40:00.500Z" },
    ];
    expect([...mqls].sort(byHandoffOrder).map((m) => m.personId)).toEqual(["4021", "951", "1000", "12"]);
    // The record keeps the second only (Salesforce): the same order from what it shows.
    const shown = mqls.map((m) => ({ ...m, mqlAt: `${m.mqlAt.slice(0, 19)}Z` }));
    expect([...shown].sort(byHandoffOrder).map((m) => m.personId)).toEqual(["4021", "951", "1000", "12"]);
  });
});
