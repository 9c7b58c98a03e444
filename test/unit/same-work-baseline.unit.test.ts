// The same-work baseline of the bench (test/bench/README.md): a per-record connector doing the first
// load's own reads, behaviour reads, matches and writes, one record per call; figures computed by hand.
import { sameWorkBaseline } from "../../src/bench/same-work-baseline.js";

describe("the same-work baseline", () => {
  it("counts list pages and one read per record, a behaviour read per contact, a match per CRM object and a write per record and operation", () => {
    const baseline = sameWorkBaseline({
      records: {
        hubspot: { contacts: 250, companies: 40, deals: 0 },
        salesforce: { Lead: 30, Contact: 2001, Account: 0, Opportunity: 5 },
      },
      contacts: 250,
      writtenByOperation: {
        "hubspot contacts update": 250,
        "hubspot contacts clear": 3,
        "salesforce Lead create": 20,
        "salesforce Task create": 45,
        "salesforce Account update": 4,
      },
      leadloopCalls: 50,
    });
    expect(baseline.method).toBe("modelled");
    // HubSpot: contacts 3 pages + 250, companies 1 page + 40, deals nothing.
    // Salesforce: Lead 1 + 30, Contact 2 pages + 2,001, Opportunity 1 + 5.
    // Matches, in Salesforce: 250 contacts × (Contact, Lead) + 40 companies × Account.
    expect(baseline.calls).toEqual({
      hubspot: { reads: 253 + 41, behaviour: 250, match: 0, writes: 253, total: 294 + 250 + 253 },
      salesforce: { reads: 31 + 2003 + 6, behaviour: 0, match: 540, writes: 69, total: 2040 + 540 + 69 },
    });
    expect(baseline.totalCalls).toBe(797 + 2649);
    expect(baseline.ratio).toBe(68.92);
  });
});
