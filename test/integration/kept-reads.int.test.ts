// The qualification and the contact sync read the same contacts; when they would read the same window
// (a first load, or a run after a clean one) the contacts are listed once and the contact sync takes
// the qualification's pages from the store (ARCHITECTURE.md "Every phase reads its change stream").
import { jest } from "@jest/globals";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import type { SyncResult } from "../../src/sync/engine.js";
import { funnelFor, pricingAndDemo } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

jest.setTimeout(300_000);

/** Past the HubSpot emulator's search index lag (5 s), well inside HubSpot's 30 s look-back. */
const PAST_SEARCH_LAG = 6_000;
const PEOPLE = 230;
const FIRST_NAMES = ["Zoé", "André", "Łucja", "Mårten", "Chloé", "José", "Renée", "Søren", "Ana", "Jürgen"];

describe("the contacts' change read", () => {
  let loop: LoopHarness;
  let ahead = 0;
  const start = Date.parse("2026-11-02T08:00:00.000Z");
  const now = () => new Date(start + ahead);
  const mqls: string[] = [];

  async function run(): Promise<{ result: SyncResult; hubspot: ObservedCall[] }> {
    const hubspot: ObservedCall[] = [];
    const stop = loop.hubspot.calls.observe((c) => hubspot.push(c));
    try {
      const result = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
      expect(result.summary.status).toBe("succeeded");
      return { result, hubspot };
    } finally {
      stop();
    }
  }

  /**
   * Pages of the contacts' change stream: searches by id (a first load's whole list) or on the modified
   * date, not the searches by email or id list that match and look up records.
   */
  function contactPages(calls: readonly ObservedCall[]): number {
    const streamed = new Set(["lastmodifieddate", "hs_lastmodifieddate"]);
    return calls.filter((c) => {
      if (c.path !== "/crm/v3/objects/contacts/search") return false;
      const filters = (c.body as { filterGroups: { filters: { propertyName: string; operator: string }[] }[] }).filterGroups.flatMap((g) => g.filters);
      const keyset = filters.length === 1 && filters[0]!.propertyName === "hs_object_id" && filters[0]!.operator === "GT";
      return keyset || filters.every((f) => streamed.has(f.propertyName));
    }).length;
  }

  beforeAll(async () => {
    loop = await startLoop({ now, hubspotLookbackMs: 30_000 });
    const companies = Array.from({ length: 7 }, (_, n) =>
      loop.hubspot.data.createObject("companies", {
        name: `Société ${n}`,
        domain: `exemple-${n}.fr`,
        industry: "COMPUTER_SOFTWARE",
        numberofemployees: String(120 + n * 40),
        country: "France",
      }),
    );
    for (let i = 0; i < PEOPLE; i++) {
      const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
      const email = `${first.normalize("NFD").replace(/[^\x20-\x7e]/g, "").toLowerCase()}.k${i}@exemple-${i % 7}.fr`;
      const contact = loop.hubspot.data.createObject("contacts", {
        email: i % 4 === 0 ? email.toUpperCase() : email,
        firstname: first,
        lastname: i % 10 === 5 ? "" : `Nom${i}`,
        jobtitle: i % 10 === 0 ? "Directrice Marketing" : i % 3 === 0 ? "Stagiaire" : "",
        company: `Société ${i % 7}`,
        country: "France",
      });
      loop.hubspot.data.associate("contacts", contact.id, "companies", companies[i % 7]!.id);
      if (i % 10 === 0) {
        pricingAndDemo(loop, contact.id);
        mqls.push(email);
      }
    }
  });
  afterAll(async () => loop.close());

  it("lists the contacts once on a first load, and still qualifies and syncs every one", async () => {
    // Past the lag: a first load lists through search too (search-lag.int.test.ts has one inside it).
    ahead += PAST_SEARCH_LAG;
    const first = await run();
    // 230 contacts, 200 a page: two pages, read by the qualification alone.
    expect(contactPages(first.hubspot)).toBe(Math.ceil(PEOPLE / 200));
    expect(first.result.summary.read.hubspot).toBeGreaterThanOrEqual(PEOPLE);
    // The contact sync synced what it took: every MQL has its Lead, carrying the contact's id.
    const leads = loop.salesforce.data.list("Lead");
    for (const email of mqls) {
      const lead = leads.filter((l) => String(l.Email ?? "").toLowerCase() === email);
      expect(lead).toHaveLength(1);
      expect(lead[0]!.HubSpot_Contact_Id__c).toBeTruthy();
    }
    // Nothing of the read stays in the store.
    expect(await loop.store.takeKeptReadPages(`${first.result.summary.runId}:hubspot:contacts`, 10)).toEqual([]);
  });

  it("reads the window once when the run before ended clean, and syncs a change made in it", async () => {
    ahead += PAST_SEARCH_LAG;
    await run();
    const lead = loop.salesforce.data.list("Lead").find((l) => String(l.Email ?? "").toLowerCase() === mqls[2]);
    loop.hubspot.data.updateObject("contacts", String(lead!.HubSpot_Contact_Id__c), { jobtitle: "Responsable Achats" });
    ahead += PAST_SEARCH_LAG;
    const inside = await run();
    // The window holds the contacts the runs before wrote: each page of it is asked for once (two
    // streams reading it would ask for each page twice, with the same filters and paging token).
    // (The two streams ask for different properties; the page is its filters, order and paging token.)
    const searches = inside.hubspot
      .filter((c) => c.path === "/crm/v3/objects/contacts/search")
      .map((c) => {
        const { filterGroups, sorts, after } = c.body as { filterGroups: unknown; sorts?: unknown; after?: unknown };
        return JSON.stringify([filterGroups, sorts ?? null, after ?? null]);
      });
    expect(contactPages(inside.hubspot)).toBeGreaterThan(1);
    expect(new Set(searches).size).toBe(searches.length);
    expect(loop.salesforce.data.get("Lead", String(lead!.Id))?.Title).toBe("Responsable Achats");
  });
});
