// The inclusion rule's asks (inclusion.ts `newlyIncludedPages`) start where the last covered one ended (its
// `#inclusion` cursor): the run after a first load does not read again the associations of every person
// the first load linked or qualified, yet a person linked later, or linked by a run stopped before its
// company ask, still brings her company to the CRM.
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { funnelFor, seedPeopleBringingCompanies, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

const PEOPLE = 24;

let loop: LoopHarness;
/** The people whose associations HubSpot was asked for, per association read (`contacts/companies` …). */
let associationReads: { path: string; people: number }[];
beforeEach(async () => {
  loop = await startLoop();
  seedReps(loop);
  associationReads = [];
  loop.hubspot.calls.observe((call: ObservedCall) => {
    if (call.endpoint.startsWith("POST /crm/v4/associations/") && call.path.includes("/contacts/"))
      associationReads.push({ path: call.path, people: (call.body as { inputs: unknown[] }).inputs.length });
  });
});
afterEach(async () => loop.close());

/** A person HubSpot holds with a company of her own, and her Lead in the org: the contact pair links them. */
function personWithCompany(name: { first: string; last: string }, domain: string): string {
  const hs = loop.hubspot.data;
  const company = hs.createObject("companies", { name: `Société ${name.last} & Fils`, domain });
  const email = `${name.first.normalize("NFD").replace(/[^\x20-\x7e]/g, "").toLowerCase()}@${domain}`;
  const person = hs.createObject("contacts", { email, firstname: name.first, lastname: name.last, jobtitle: "" });
  hs.associate("contacts", person.id, "companies", company.id);
  loop.salesforce.data.insert("Lead", {
    FirstName: name.first,
    LastName: name.last,
    Company: `SOCIÉTÉ ${name.last.toUpperCase()}`,
    Email: email.toUpperCase(),
    Status: "Working - Contacted",
  });
  return company.id;
}

describe("the inclusion rule's asks", () => {
  it("leave the people a first load covered alone in the next run, and bring in those linked since", async () => {
    const companyIds = seedPeopleBringingCompanies(loop, PEOPLE);
    const funnel = funnelFor(loop, "salesforce");
    expect((await loop.sync({ funnel })).summary.status).toBe("succeeded");
    expect((await loop.store.findLinksByMarketingIds("company", companyIds)).size).toBe(PEOPLE);
    await tick();

    // Between the runs a rep enters a Lead for a contact HubSpot already holds: the next run links her.
    const later = personWithCompany({ first: "Maëlle", last: "Le Goff-Çelik" }, "le-goff-celik.bzh");
    associationReads = [];
    expect((await loop.sync({ funnel })).summary.status).toBe("succeeded");
    // Only she is asked about: the first load's 24 people were covered by its own asks.
    expect(associationReads.map((r) => r.people)).toEqual(associationReads.map(() => 1));
    expect(associationReads.length).toBeGreaterThan(0);
    expect((await loop.store.findLinksByMarketingIds("company", [later])).size).toBe(1);
    expect(loop.salesforce.data.list("Account")).toHaveLength(PEOPLE + 1);

    await tick();
    associationReads = [];
    expect((await loop.sync({ funnel })).summary.status).toBe("succeeded");
    expect(associationReads).toEqual([]);
  });

  it("of a run stopped after its contact pair linked people, before their companies, are the next run's", async () => {
    const companyIds = seedPeopleBringingCompanies(loop, PEOPLE);
    const funnel = funnelFor(loop, "salesforce");
    const stop = new AbortController();
    // The Lead side of the contact pair has linked everyone; the Contacts' read comes next.
    const onProgress = (p: { phase: string }) => {
      if (p.phase === "salesforce Contact") stop.abort();
    };
    const stopped = await loop.sync({ funnel, signal: stop.signal, onProgress });
    expect(stopped.summary.status).not.toBe("succeeded");
    expect((await loop.store.listLinkedSince("contact", null)).length).toBe(PEOPLE);
    expect((await loop.store.findLinksByMarketingIds("company", companyIds)).size).toBe(0);
    await tick();

    expect((await loop.sync({ funnel })).summary.status).toBe("succeeded");
    expect((await loop.store.findLinksByMarketingIds("company", companyIds)).size).toBe(PEOPLE);
    expect(loop.salesforce.data.list("Account")).toHaveLength(PEOPLE);
  });
});
