// First-load matching reads each side once: the Salesforce Contacts and Leads are read into the store's
// match index (one paged query each) instead of `IN` queries per page of HubSpot contacts; the people the
// org already has are linked, not created again, and a Lead a rep creates while the first load runs is
// still found before a page would create its person. The companies the contact pair brings in after its
// read (the funnel's inclusion rule) are still the first load's: they match from the Account index too.
import { jest } from "@jest/globals";
import { classOf } from "../../src/bench/call-tally.js";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { funnelFor, seedPeopleBringingCompanies, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

// A first load of 2,050 contacts into an emulated org: minutes on a loaded machine.
jest.setTimeout(600_000);

const FIRST_NAMES = ["Zoé", "André", "Łucja", "Mårten", "Chloé", "José", "Renée", "Søren", "Ana", "Jürgen"];

describe("a first load's match reads the Salesforce side once", () => {
  let t = Date.parse("2026-11-02T08:00:00.000Z");
  let loop: LoopHarness;
  const seen: ObservedCall[] = [];
  beforeEach(async () => {
    loop = await startLoop({ now: () => new Date(t) });
    seen.length = 0;
    loop.salesforce.calls.observe((call) => seen.push(call));
  });
  afterEach(async () => loop.close());

  /** `count` contacts, emails in mixed case; every seventh already a Salesforce Contact or Lead. */
  function seedPeople(count = 250): { existing: Map<string, string> } {
    const existing = new Map<string, string>();
    for (let i = 0; i < count; i++) {
      const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
      const email = `${first.normalize("NFD").replace(/[^\x20-\x7e]/g, "").toLowerCase()}.n${i}@exemple-${i % 9}.fr`;
      loop.hubspot.data.createObject("contacts", {
        email: i % 4 === 0 ? email.toUpperCase() : email,
        firstname: first,
        lastname: `Nom${i}`,
        company: `Société ${i % 9}`,
      });
      if (i % 7 === 0) {
        const object = i % 2 === 0 ? "Contact" : "Lead";
        const fields: Record<string, unknown> = { FirstName: first, LastName: `Nom${i}`, Email: email.replace(/^./, (c) => c.toUpperCase()) };
        if (object === "Lead") fields.Company = `Société ${i % 9}`;
        existing.set(email, `${object}:${loop.salesforce.data.insert(object, fields)}`);
      }
    }
    // A minute on, past HubSpot's search index lag: a first load lists the contacts through search.
    t += 60_000;
    return { existing };
  }

  function salesforcePeople(): { object: string; id: string; email: string }[] {
    return ["Contact", "Lead"].flatMap((object) =>
      loop.salesforce.data
        .list(object)
        .map((r) => ({ object, id: String(r.Id), email: String(r.Email ?? "").trim().toLowerCase() })),
    );
  }

  it("makes no match query per page, and links the people Salesforce has instead of creating them", async () => {
    const { existing } = seedPeople();
    const progress: { phase: string; read: number }[] = [];
    const run = await loop.sync({ onProgress: (e) => progress.push(e) });
    expect(run.summary.status).toBe("succeeded");
    // The whole reads show as progress (the daemon's /healthz counts a run that reports none as stalled).
    const read = (phase: string) => progress.filter((e) => e.phase === phase).reduce((sum, e) => sum + e.read, 0);
    expect(read("salesforce Contact, read whole for matching")).toBe(18);
    expect(read("salesforce Lead, read whole for matching")).toBe(18);
    expect(seen.filter((c) => classOf(c) === "match")).toEqual([]);
    const people = salesforcePeople();
    // Everyone is in Salesforce once: the 36 it had are linked, the others created.
    const byEmail = new Map<string, string[]>();
    for (const p of people) byEmail.set(p.email, [...(byEmail.get(p.email) ?? []), `${p.object}:${p.id}`]);
    expect(byEmail.size).toBe(250);
    expect([...byEmail.values()].every((ids) => ids.length === 1)).toBe(true);
    for (const [email, ref] of existing) expect(byEmail.get(email)).toEqual([ref]);
  });

  it("reads no HubSpot contact again for the people it linked: their stamps wait in the outbox for the drain", async () => {
    const { existing } = seedPeople();
    const contactReads: string[][] = [];
    loop.hubspot.calls.observe((call) => {
      if (call.endpoint === "POST /crm/v3/objects/:objectType/batch/read" && call.path.includes("/contacts/"))
        contactReads.push(((call.body as { inputs?: { id: string }[] }).inputs ?? []).map((i) => i.id));
    });
    const run = await loop.sync();
    expect(run.summary.status).toBe("succeeded");
    // The CRM pass read the 36 linked Leads and Contacts back without their stamps: no change for that
    // alone, since the drain is to write them, so no read of their contacts by id.
    expect(contactReads).toEqual([]);
    const contactIdOf = new Map(
      loop.hubspot.data.listObjects("contacts").map((c) => [String(c.properties.email).toLowerCase(), c.id] as const),
    );
    for (const [email, ref] of existing) {
      const [object, id] = ref.split(":") as [string, string];
      expect({ email, stamp: loop.salesforce.data.get(object, id)?.HubSpot_Contact_Id__c }).toEqual({
        email,
        stamp: contactIdOf.get(email),
      });
    }
    const again = await loop.sync();
    expect(again.summary.status).toBe("succeeded");
    expect({ created: again.summary.created, updated: again.summary.updated }).toEqual({
      created: { hubspot: 0, salesforce: 0 },
      updated: { hubspot: 0, salesforce: 0 },
    });
  });

  it("finds a Lead a rep creates after the index was read, before the page that would create the person", async () => {
    // More than a page (2,000 records) of contacts: the late one comes in the second.
    seedPeople(2_050);
    const late = "soren.late@exemple-9.fr";
    loop.hubspot.data.createObject("contacts", { email: late, firstname: "Søren", lastname: "Tard", company: "Société 9" });
    let repLead: string | null = null;
    let leadsIndexed = false;
    // After the index read of Leads (a query without an IN list), a rep creates the person's Lead, and the
    // first load runs on for a minute before it reads its next page of HubSpot contacts.
    loop.salesforce.calls.observe((call) => {
      if (/FROM Lead\b/i.test(call.query.get("q") ?? "") && classOf(call) !== "match") leadsIndexed = true;
    });
    loop.hubspot.calls.observe(() => {
      if (!leadsIndexed || repLead !== null) return;
      repLead = loop.salesforce.data.insert("Lead", { LastName: "Tard", Company: "Société 9", Email: late.toUpperCase() });
      t += 60_000;
    });
    const run = await loop.sync();
    expect(run.summary.status).toBe("succeeded");
    expect(repLead).not.toBeNull();
    const leads = salesforcePeople().filter((p) => p.email === late);
    expect(leads.map((p) => p.id)).toEqual([repLead]);
    expect(seen.filter((c) => classOf(c) === "match")).toEqual([]);
  });
});

describe("a later run's match among duplicate Leads", () => {
  let t = Date.parse("2026-11-02T08:00:00.000Z");
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop({ now: () => new Date(t) });
  });
  afterEach(async () => loop.close());

  // Two Leads saved in one second with one key: the newest-first rule cannot choose, so the oldest id does
  // (the match query asks for Id order, and the candidates tie on it), and the other is left as it is.
  it("takes the oldest of two Leads modified in the same second and leaves the other alone", async () => {
    loop.hubspot.data.createObject("contacts", { email: "anna.first@exemple-1.fr", firstname: "Anna", lastname: "Premier", company: "Société 1" });
    t += 60_000;
    expect((await loop.sync()).summary.status).toBe("succeeded");

    // An import made the same person twice, in one second; then she signs up in HubSpot.
    const at = new Date(t);
    const older = loop.salesforce.data.insert("Lead", { FirstName: "Zoë", LastName: "Ångström", Company: "Nordlys AB", Email: "Zoe.Angstrom@Nordlys.se" }, at);
    const newer = loop.salesforce.data.insert("Lead", { FirstName: "Zoë", LastName: "Ångström", Company: "Nordlys AB", Email: "ZOE.ANGSTROM@NORDLYS.SE" }, at);
    loop.hubspot.data.createObject("contacts", { email: "zoe.angstrom@nordlys.se", firstname: "Zoë", lastname: "Ångström", company: "Nordlys AB", jobtitle: "Head of Sales" });
    t += 60_000;
    expect((await loop.sync()).summary.status).toBe("succeeded");

    const stamp = (id: string) => loop.salesforce.data.get("Lead", id)?.HubSpot_Contact_Id__c ?? null;
    const zoe = loop.hubspot.data.listObjects("contacts").find((c) => c.properties.email === "zoe.angstrom@nordlys.se")!;
    expect({ older: stamp(older), newer: stamp(newer) }).toEqual({ older: zoe.id, newer: null });
    expect(loop.salesforce.data.get("Lead", older)?.Title).toBe("Head of Sales");
  });
});

describe("a first load's companies brought in by the contact pair", () => {
  let loop: LoopHarness;
  const seen: ObservedCall[] = [];
  beforeEach(async () => {
    loop = await startLoop();
    seedReps(loop);
    seen.length = 0;
    loop.salesforce.calls.observe((call) => seen.push(call));
  });
  afterEach(async () => loop.close());

  it("match from one read of the Accounts, and the Accounts the org has are linked, not created again", async () => {
    // Every fifth company is an Account already, its website written as people write it.
    const existing = new Map<string, string>();
    const companyIds = seedPeopleBringingCompanies(loop, 120, (i, companyId, domain) => {
      if (i % 5 !== 0) return;
      const website = [`https://www.${domain}/`, `HTTP://${domain.toUpperCase()}`, `www.${domain}`][i % 3]!;
      existing.set(companyId, loop.salesforce.data.insert("Account", { Name: `Coopérative n°${i}`, Website: website }));
    });

    const run = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    expect(run.summary.status).toBe("succeeded");

    const accountMatches = seen.filter((c) => classOf(c) === "match" && /FROM Account\b/i.test(c.query.get("q") ?? ""));
    expect(accountMatches.map((c) => c.query.get("q"))).toEqual([]);
    const links = await loop.store.findLinksByMarketingIds("company", companyIds);
    expect(links.size).toBe(120);
    for (const [companyId, accountId] of existing) expect(links.get(companyId)?.crmId).toBe(accountId);
    expect(loop.salesforce.data.list("Account")).toHaveLength(120);
  });
});
