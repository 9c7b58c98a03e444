// Runs inside the look-backs re-read the contacts the runs before them read or wrote; a contact that is
// not linked and matched no Salesforce record by its email is not queried for again while its email stays
// (ARCHITECTURE.md "Match misses"), unless this run would create it: then it is matched first, so a
// Lead a rep made meanwhile is linked, not duplicated.
import { jest } from "@jest/globals";
import { classOf } from "../../src/bench/call-tally.js";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import type { SyncResult } from "../../src/sync/engine.js";
import { funnelFor, pricingAndDemo } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

jest.setTimeout(300_000);

/** Past the HubSpot emulator's search index lag (5 s), well inside HubSpot's 30 s look-back. */
const PAST_SEARCH_LAG = 6_000;
const FIRST_NAMES = ["Zoé", "André", "Łucja", "Mårten", "Chloé", "José", "Renée", "Søren", "Ana", "Jürgen"];

describe("contacts that matched nothing", () => {
  let loop: LoopHarness;
  let ahead = 0;
  const start = Date.parse("2026-11-02T08:00:00.000Z");
  const now = () => new Date(start + ahead);
  const emails: string[] = [];
  const ids: string[] = [];

  async function run(inclusion: "mql" | "all" = "mql"): Promise<{ result: SyncResult; salesforce: ObservedCall[] }> {
    const salesforce: ObservedCall[] = [];
    const stop = loop.salesforce.calls.observe((c) => salesforce.push(c));
    try {
      const result = await loop.sync({ funnel: { ...funnelFor(loop, "salesforce"), inclusion } });
      expect(result.summary.status).toBe("succeeded");
      return { result, salesforce };
    } finally {
      stop();
    }
  }

  const matchQueries = (calls: readonly ObservedCall[]) => calls.filter((c) => classOf(c) === "match");
  const leadsWithEmail = (email: string) =>
    loop.salesforce.data.list("Lead").filter((l) => String(l.Email ?? "").toLowerCase() === email.toLowerCase());

  beforeAll(async () => {
    loop = await startLoop({ now, hubspotLookbackMs: 30_000 });
    // People without behaviour: none is an MQL, so none is created in Salesforce; some share a blank
    // company, some have upper-case emails, and two are the same person entered twice.
    for (let i = 0; i < 40; i++) {
      const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
      const email = `${first.normalize("NFD").replace(/[^\x20-\x7e]/g, "").toLowerCase()}.n${i}@exemple-${i % 7}.fr`;
      emails.push(email);
      const contact = loop.hubspot.data.createObject("contacts", {
        email: i % 4 === 0 ? email.toUpperCase() : email,
        firstname: first,
        lastname: `Nom${i}`,
        company: i % 5 === 0 ? "" : `Société ${i % 7}`,
      });
      ids.push(contact.id);
    }
    loop.hubspot.data.createObject("contacts", { email: `dup.${emails[3]}`, firstname: "Zoé", lastname: "" });
  });
  afterAll(async () => loop.close());

  it("are not queried for again by a run that re-reads them unchanged", async () => {
    // Past the search index's lag: a first load lists the contacts through search.
    ahead += PAST_SEARCH_LAG;
    const first = await run();
    expect(first.result.summary.created.salesforce).toBe(0);
    ahead += PAST_SEARCH_LAG;
    const inside = await run();
    // Every contact is read again inside the look-back, and none is matched again.
    expect(inside.result.summary.read.hubspot).toBeGreaterThanOrEqual(41);
    expect(matchQueries(inside.salesforce)).toEqual([]);
    expect(inside.result.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it("are matched again when their email changed, and only then", async () => {
    // A new job title is a new version of the contact, not a new key: nothing to ask Salesforce.
    loop.hubspot.data.updateObject("contacts", ids[8]!, { jobtitle: "Responsable Achats" });
    ahead += PAST_SEARCH_LAG;
    const retitled = await run();
    expect(matchQueries(retitled.salesforce)).toEqual([]);
    // A new email is: only that contact's key is asked for.
    emails[7] = "marten.nouvelle-adresse@exemple-2.fr";
    loop.hubspot.data.updateObject("contacts", ids[7]!, { email: "Marten.Nouvelle-Adresse@Exemple-2.FR" });
    ahead += PAST_SEARCH_LAG;
    const changed = await run();
    const queries = matchQueries(changed.salesforce);
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      const soql = (q.query.get("q") ?? "").toLowerCase();
      expect(soql).toContain("nouvelle-adresse@exemple-2.fr");
      expect(soql).not.toContain(emails[8]);
    }
  });

  it("are matched before this run creates them, so a rep's new Lead is linked, not duplicated", async () => {
    // A rep enters one of the people as a Lead, email in other case; then the marketer includes everyone.
    const email = emails[12]!;
    const repLead = loop.salesforce.data.insert("Lead", {
      FirstName: "Chloé",
      LastName: "Nom12",
      Company: "Société 5",
      Email: email.toUpperCase(),
    });
    ahead += PAST_SEARCH_LAG;
    const all = await run("all");
    expect(leadsWithEmail(email).map((l) => String(l.Id))).toEqual([repLead]);
    expect(loop.salesforce.data.get("Lead", repLead)?.HubSpot_Contact_Id__c).toBeTruthy();
    // The others are created, each once.
    for (const other of emails.filter((e) => e !== email)) expect(leadsWithEmail(other)).toHaveLength(1);
    expect(all.result.summary.created.salesforce).toBeGreaterThanOrEqual(emails.length);
  });
});

describe("contacts that matched nothing and stay out of the CRM", () => {
  let loop: LoopHarness;
  let ahead = 0;
  const start = Date.parse("2026-11-09T08:00:00.000Z");
  beforeAll(async () => {
    loop = await startLoop({ now: () => new Date(start + ahead), hubspotLookbackMs: 30_000 });
  });
  afterAll(async () => loop.close());

  it("do not fill the contact sync's groups: the run's new MQLs are created in one batch", async () => {
    // More people than a group holds (2,000) and a few pages more, none an MQL: the first run notes each
    // as a miss.
    const hs = loop.hubspot.data;
    const ids: string[] = [];
    for (let i = 0; i < 2_600; i++) {
      const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
      const email = `${first.normalize("NFD").replace(/[^\x20-\x7e]/g, "").toLowerCase()}.g${i}@exemple-${i % 11}.fr`;
      ids.push(hs.createObject("contacts", { email: i % 3 === 0 ? email.toUpperCase() : email, firstname: first, lastname: `Nom ${i}` }).id);
    }
    // The first and the last have seen the pricing page and asked for a demo, but fit nobody's profile yet.
    const mqls = [ids[0]!, ids[ids.length - 1]!];
    for (const id of mqls) pricingAndDemo(loop, id);
    ahead += PAST_SEARCH_LAG;
    const first = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    expect(first.summary.status).toBe("succeeded");
    expect(first.summary.created.salesforce).toBe(0);
    // Everyone is edited; the first and the last edited become MQLs (a fitting title, country and
    // company), so a stream of groups would hold one in its first group and the other in its second.
    const company = hs.createObject("companies", {
      name: "Société Générale d'Études",
      domain: "etudes.fr",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "420",
      country: "France",
    });
    for (const id of ids) {
      ahead += 10;
      const fit = mqls.includes(id);
      hs.updateObject(
        "contacts",
        id,
        fit ? { jobtitle: "Directrice des Opérations", country: "France", company: "Société Générale d'Études" } : { jobtitle: "Stagiaire" },
      );
      if (fit) hs.associate("contacts", id, "companies", company.id);
    }
    ahead += PAST_SEARCH_LAG;
    const leadUpserts: ObservedCall[] = [];
    const stop = loop.salesforce.calls.observe((c) => {
      if (c.endpoint.endsWith("/composite/sobjects/:type/:field") && c.path.includes("/Lead/")) leadUpserts.push(c);
    });
    const second = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    stop();
    expect(second.summary.status).toBe("succeeded");
    const created = loop.salesforce.data.list("Lead").map((l) => String(l.HubSpot_Contact_Id__c ?? ""));
    expect(created.sort()).toEqual([...mqls].sort());
    expect(leadUpserts).toHaveLength(1);
  });
});
