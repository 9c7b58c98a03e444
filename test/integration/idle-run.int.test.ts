// What a run costs when nothing happened (ARCHITECTURE.md "One run", issue 11: "a no-op run writes 0 and
// an idle run makes at most a handful of calls"), measured from the emulators' own call counters on the
// sandbox's seeded world with the default look-backs (HubSpot 30 s, Salesforce 5 min). Time moves on
// one clock for both systems and leadloop, so a run can follow the last write by more than the
// look-backs without waiting for them. A new process's idle run also counts its preparation's reads of
// the property lists (at most 7 HubSpot calls and 2 Salesforce a run, 3 more HubSpot in a new `sync` whose
// store keeps none yet: kept-descriptions-cli has a cron's later runs read none).
import { jest } from "@jest/globals";
import { parseRouting } from "../../src/config/routing-file.js";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { loadSeed } from "../../src/sandbox/load-seed.js";
import { sandboxRoutingText } from "../../src/sandbox/sandbox-routing.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import type { SyncResult } from "../../src/sync/engine.js";
import { funnelFor } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

// A seeded world of 150 people synced five times: a minute or two on a loaded machine.
jest.setTimeout(300_000);

const MINUTE = 60_000;
/** Past both look-backs (Salesforce's 5 minutes) by a minute. */
const PAST_LOOKBACKS = 6 * MINUTE;
/** Past the HubSpot emulator's search index lag (5 s), well inside the look-backs. */
const PAST_SEARCH_LAG = 6_000;

interface RunCalls {
  result: SyncResult;
  hubspot: ObservedCall[];
  salesforce: ObservedCall[];
}

describe("a run with nothing to do", () => {
  let loop: LoopHarness;
  let funnel: FunnelSetup;
  let ahead = 0;
  const now = () => new Date(Date.now() + ahead);

  /** One run with every call both emulators answered during it, and during `before` (a restart). */
  async function run(before?: () => Promise<void>): Promise<RunCalls> {
    const hubspot: ObservedCall[] = [];
    const salesforce: ObservedCall[] = [];
    const stops = [loop.hubspot.calls.observe((c) => hubspot.push(c)), loop.salesforce.calls.observe((c) => salesforce.push(c))];
    try {
      await before?.();
      const result = await loop.sync({ funnel });
      expect(result.summary.status).toBe("succeeded");
      return { result, hubspot, salesforce };
    } finally {
      for (const stop of stops) stop();
    }
  }

  /** Contacts whose companies (or deals) the run read through the associations API more than once. */
  function readTwice(calls: readonly ObservedCall[], toObject: string): string[] {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const c of calls) {
      if (c.path !== `/crm/v4/associations/contacts/${toObject}/batch/read`) continue;
      for (const input of (c.body as { inputs: { id: string }[] }).inputs) {
        if (seen.has(input.id)) twice.add(input.id);
        seen.add(input.id);
      }
    }
    return [...twice];
  }

  /** Records of `object` the run read by id (batch read) more than once. */
  function readByIdTwice(calls: readonly ObservedCall[], object: string): string[] {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const c of calls) {
      if (c.path !== `/crm/v3/objects/${object}/batch/read`) continue;
      for (const input of (c.body as { inputs: { id: string }[] }).inputs) {
        if (seen.has(input.id)) twice.add(input.id);
        seen.add(input.id);
      }
    }
    return [...twice];
  }

  /** Change reads of `object`: SOQL on SystemModstamp, or a HubSpot search on the modified date alone. */
  function changeReads(calls: readonly ObservedCall[], object: string): number {
    return calls.filter((c) => {
      if (c.path.endsWith("/query")) return new RegExp(`FROM ${object} WHERE SystemModstamp >=`).test(c.query.get("q") ?? "");
      if (c.path !== `/crm/v3/objects/${object}/search`) return false;
      const filters = (c.body as { filterGroups: { filters: { propertyName: string }[] }[] }).filterGroups.flatMap((g) => g.filters);
      return filters.every((f) => f.propertyName === "lastmodifieddate" || f.propertyName === "hs_lastmodifieddate");
    }).length;
  }

  /** HubSpot's merge reads: a search for primaries that name merged ids. */
  function mergeReads(calls: readonly ObservedCall[], object: string): number {
    return calls.filter((c) => {
      if (c.path !== `/crm/v3/objects/${object}/search`) return false;
      const filters = (c.body as { filterGroups: { filters: { propertyName: string }[] }[] }).filterGroups.flatMap((g) => g.filters);
      return filters.some((f) => f.propertyName === "hs_merged_object_ids");
    }).length;
  }

  beforeAll(async () => {
    loop = await startLoop({ now, hubspotLookbackMs: 30_000 });
    const seed = generateSeed({ seed: 42, now: now(), contacts: 150 });
    loadSeed(seed, loop);
    funnel = { ...funnelFor(loop, "salesforce"), routing: parseRouting(sandboxRoutingText(seed), "routing.yaml") };
  });
  afterAll(async () => {
    await loop.close();
  });

  it("reads each person's companies and deals once per run, though three steps ask for them", async () => {
    const first = await run();
    expect(first.result.summary.created.salesforce).toBeGreaterThan(0);
    // The people the funnel qualified or linked: their companies are asked for before and after the
    // contact pair, their deals by the deal pair.
    expect(first.hubspot.some((c) => c.path === "/crm/v4/associations/contacts/companies/batch/read")).toBe(true);
    expect(readTwice(first.hubspot, "companies")).toEqual([]);
    expect(readTwice(first.hubspot, "deals")).toEqual([]);
    ahead += PAST_SEARCH_LAG;
    // The next run asks only for the people the run before linked after its own asks (its handoff's Leads):
    // those its asks covered are not asked about again (inclusion.ts, the `#inclusion` cursors).
    const settle = await run();
    expect(settle.hubspot.some((c) => c.path === "/crm/v4/associations/contacts/companies/batch/read")).toBe(true);
    expect(readTwice(settle.hubspot, "companies")).toEqual([]);
  });

  it("writes nothing and makes a handful of calls once nothing leadloop wrote is inside its windows", async () => {
    // The first jump: this run still re-reads, from before the jump, what the runs before it wrote.
    ahead += PAST_LOOKBACKS;
    const quiet = await run();
    expect(quiet.result.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(quiet.result.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
    // It re-reads every contact the first load wrote; the qualification scores them with their
    // companies, each read once, not once per group of contacts.
    expect(quiet.result.summary.read.hubspot).toBeGreaterThan(150);
    expect(quiet.hubspot.some((c) => c.path === "/crm/v3/objects/companies/batch/read")).toBe(true);
    expect(readByIdTwice(quiet.hubspot, "companies")).toEqual([]);
    ahead += PAST_LOOKBACKS;
    const idle = await run();
    const { summary } = idle.result;
    expect(summary.read).toEqual({ hubspot: 0, salesforce: 0 });
    expect(summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
    // One change read per stream, the removals (HubSpot's archived lists and merges); no reads by id,
    // associations, matches or behaviour.
    const endpoints = (calls: readonly ObservedCall[]) => [...new Set(calls.map((c) => c.endpoint))].sort();
    expect(endpoints(idle.hubspot)).toEqual(["GET /crm/v3/objects/:objectType", "POST /crm/v3/objects/:objectType/search"]);
    // The contact sync takes the qualification's empty read of the same window instead of asking again.
    expect(changeReads(idle.hubspot, "contacts")).toBe(1);
    // Nor does it look for merged contacts: a merge modifies its primary, and no contact changed. The
    // companies' removals come before their changes are read, so their merge read stays.
    expect(mergeReads(idle.hubspot, "contacts")).toBe(0);
    expect(mergeReads(idle.hubspot, "companies")).toBe(1);
    expect(idle.hubspot.length).toBeLessThanOrEqual(7);
    // Salesforce is asked once, through the composite resource, for every mapped object's changes (with
    // how far getUpdated covers them) and deletions; the pairs, conversions, dispositions, deals and
    // removals take its answers. Only the SLA's touches, read up to the phase's own start, are asked on
    // their own: their query and its coverage, in one composite call too.
    expect(endpoints(idle.salesforce)).toEqual(["POST /services/data/:version/composite"]);
    const subrequests = idle.salesforce.map((c) => (c.body as { compositeRequest: { url: string }[] }).compositeRequest.map((r) => decodeURIComponent(r.url)));
    expect(subrequests[1]).toEqual([expect.stringMatching(/\/sobjects\/Task\/updated\?/), expect.stringMatching(/\/query\?q=SELECT .* FROM Task WHERE SystemModstamp >=/)]);
    const probe = idle.salesforce.find((c) => c.endpoint.endsWith("/composite"))!;
    const urls = (probe.body as { compositeRequest: { url: string }[] }).compositeRequest.map((r) => decodeURIComponent(r.url));
    for (const object of ["Lead", "Contact", "Account", "Opportunity"]) {
      expect(urls.some((u) => u.includes(`FROM ${object} WHERE SystemModstamp >=`))).toBe(true);
      expect(urls.some((u) => u.includes(`/sobjects/${object}/deleted?`))).toBe(true);
      expect(urls.some((u) => u.includes(`/sobjects/${object}/updated?`))).toBe(true);
    }
    expect(idle.salesforce.length).toBeLessThanOrEqual(2);
  });

  it("asks no describe in a new process's idle run, as each `leadloop sync` cron starts is", async () => {
    // New adapters, so no describe is kept from the runs before: the dispositions and the conversions ask
    // the Lead's describe whether the org has the disposition reason field only when they read Salesforce.
    // The new process prepares first (cli/preparation.ts): leadloop's properties all exist, so it reads
    // the property lists of contacts, companies, deals and tasks (the harness keys tasks too; a `sync`
    // with Salesforce as the CRM reads three) and creates none; its run counts those reads.
    ahead += PAST_LOOKBACKS;
    const idle = await run(async () => {
      await loop.restart();
      funnel = { ...funnelFor(loop, "salesforce"), routing: funnel.routing };
    });
    expect(idle.result.summary.read).toEqual({ hubspot: 0, salesforce: 0 });
    const preparing = idle.hubspot.filter((c) => c.path.startsWith("/crm/v3/properties/"));
    expect(preparing.map((c) => c.endpoint)).toEqual(Array(4).fill("GET /crm/v3/properties/:objectType"));
    expect(idle.hubspot.length - preparing.length).toBeLessThanOrEqual(7);
    const asked = idle.salesforce.flatMap((c) =>
      c.endpoint.endsWith("/composite") ? (c.body as { compositeRequest: { url: string }[] }).compositeRequest.map((r) => r.url) : [c.path],
    );
    expect(asked.filter((u) => u.endsWith("/describe"))).toEqual([]);
    // A new process fetches its session with its first call (one OAuth token request), then asks as above.
    const token = idle.salesforce.filter((c) => c.endpoint.includes("/oauth2/token"));
    expect(token).toHaveLength(1);
    expect(idle.salesforce.length - token.length).toBeLessThanOrEqual(2);
    // The run says the same: Salesforce does not count a token request against the org's API limit, so
    // neither do the run's API calls (what an admin compares with the org's usage); it is counted apart.
    expect(idle.result.summary.apiCalls).toEqual({ hubspot: idle.hubspot.length, salesforce: idle.salesforce.length - token.length });
    expect(idle.result.summary.authCalls).toEqual({ hubspot: 0, salesforce: 1 });
  });

  it("still syncs a change made after a read it skipped", async () => {
    // A Lead leadloop created for a seeded MQL (it carries the contact's id), and a marketer who retitles
    // the contact a minute after the idle run: the qualification reads it, and the contact sync, whose
    // cursor is the qualification's, takes the pages that read kept instead of asking again.
    const lead = loop.salesforce.data.list("Lead").find((l) => typeof l.HubSpot_Contact_Id__c === "string" && l.HubSpot_Contact_Id__c !== "");
    expect(lead).toBeDefined();
    ahead += MINUTE;
    loop.hubspot.data.updateObject("contacts", String(lead!.HubSpot_Contact_Id__c), { jobtitle: "Directrice Générale Adjointe" });
    ahead += PAST_SEARCH_LAG;
    const next = await run();
    expect(changeReads(next.hubspot, "contacts")).toBe(1);
    expect(next.result.summary.updated.salesforce).toBeGreaterThanOrEqual(1);
    expect(loop.salesforce.data.get("Lead", String(lead!.Id))?.Title).toBe("Directrice Générale Adjointe");
  });

  it("reads a Salesforce object the opening probe finds changed, and follows a deletion it finds", async () => {
    // Past the look-backs again, then a rep edits one linked Lead's company and deletes another Lead.
    ahead += PAST_LOOKBACKS;
    await run();
    ahead += PAST_LOOKBACKS;
    const leads = loop.salesforce.data.list("Lead").filter((l) => typeof l.HubSpot_Contact_Id__c === "string" && l.HubSpot_Contact_Id__c !== "");
    expect(leads.length).toBeGreaterThanOrEqual(2);
    const [edited, deleted] = [leads[0]!, leads[1]!];
    loop.salesforce.data.update("Lead", String(edited.Id), { Company: "Société Générale d'Électricité" });
    loop.salesforce.data.delete("Lead", String(deleted.Id));
    ahead += MINUTE;
    const next = await run();
    // The probe found the Lead changes and deletions: the Lead streams read them themselves.
    expect(changeReads(next.salesforce, "Lead")).toBeGreaterThanOrEqual(1);
    expect(next.salesforce.some((c) => c.endpoint.endsWith("/sobjects/:type/deleted") && c.path.includes("/Lead/"))).toBe(true);
    // Contacts, Accounts and Opportunities did not change: they are not read again.
    expect(changeReads(next.salesforce, "Account")).toBe(0);
    expect(next.result.summary.relinked).toBeGreaterThanOrEqual(1);
    const contactId = String(edited.HubSpot_Contact_Id__c);
    expect(loop.hubspot.data.getObject("contacts", contactId)?.properties.company).toBe("Société Générale d'Électricité");
  });

  it("follows two contacts merged after an idle run to the record HubSpot made of them", async () => {
    ahead += PAST_LOOKBACKS;
    await run();
    ahead += PAST_LOOKBACKS;
    const linked = loop.hubspot.data
      .listObjects("contacts")
      .filter((c) => loop.salesforce.data.list("Lead").some((l) => l.HubSpot_Contact_Id__c === c.id));
    expect(linked.length).toBeGreaterThanOrEqual(2);
    const [survivor, merged] = [linked[0]!, linked[1]!];
    const mergedLink = await loop.store.findLinkByMarketing("contact", merged.id);
    expect(mergedLink).toBeDefined();
    // A marketer merges two linked contacts; nothing else changed since the last run.
    ahead += MINUTE;
    const result = loop.hubspot.data.mergeContacts(survivor.id, merged.id);
    ahead += PAST_SEARCH_LAG;
    const next = await run();
    expect(mergeReads(next.hubspot, "contacts")).toBe(1);
    expect(next.result.summary.relinked).toBeGreaterThanOrEqual(1);
    expect(await loop.store.findLinkByMarketing("contact", merged.id)).toBeUndefined();
    expect(await loop.store.findLinkByMarketing("contact", survivor.id)).toBeUndefined();
    expect(await loop.store.findLinkByMarketing("contact", result.id)).toBeDefined();
  });
});
