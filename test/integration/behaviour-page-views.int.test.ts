// Page views below Enterprise, through the CLI against a seeded Professional portal: a run keeps one
// `page_view` activity for the views a contact's page-view count added since the last run read it, dated
// at its last visit and naming its last page (ARCHITECTURE.md "Behaviour on every tier"). What the last
// read showed is the contact's behaviour mark: a mark that kept any other number than the page-view count
// would count the views wrong, and a run with no new view would add one.
import { jest } from "@jest/globals";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { PRICING_PAGE, siteUrl } from "../../src/sandbox/seed/vocab/web.js";
import type { CachedActivity } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { openSandboxWorld, type SandboxWorld, syncWorld } from "../support/sandbox-world.js";

// Three whole CLI runs over 60 contacts.
jest.setTimeout(600_000);

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

describe("page views told by a Professional portal's contact properties", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 31, now: new Date(), contacts: 60 }), "pro-page-views", "salesforce", "professional");
  });
  afterAll(async () => world.close());

  async function pageViewsOf(contactId: string): Promise<CachedActivity[]> {
    const store = await openSqliteStore(world.storePath);
    try {
      const since = new Date(Date.now() - 400 * DAY_MS).toISOString();
      return (await store.listBehaviour([`contact:${contactId}`], since)).filter((a) => a.kind === "page_view");
    } finally {
      await store.close();
    }
  }

  it("keeps the views added since the last read as one activity per run, counted from the page-view count", async () => {
    expect((await syncWorld(world)).code).toBe(0);
    // Someone who had visited before, on more pages than visits (so the two counts tell apart).
    const person = world.hubspot.data
      .listObjects("contacts")
      .find((c) => Number(c.properties.hs_analytics_num_page_views ?? "0") > Number(c.properties.hs_analytics_num_visits ?? "0"))!;
    expect(person).toBeDefined();
    const viewsBefore = Number(person.properties.hs_analytics_num_page_views);
    const held = await pageViewsOf(person.id);

    // Each page-view activity is one contact's, and so is the Salesforce task a handoff logs it as (keyed
    // leadloop:activity:<id>, an External ID): it sits on the Lead or Contact of the contact whose views it tells.
    const owners = new Map<string, string[]>();
    for (const c of world.hubspot.data.listObjects("contacts"))
      for (const a of await pageViewsOf(c.id)) owners.set(a.id, [...(owners.get(a.id) ?? []), c.id]);
    expect([...owners].filter(([, contacts]) => contacts.length > 1)).toEqual([]);
    const tasks = world.salesforce.data.store
      .all("Task")
      .filter((t) => String(t.Leadloop_Activity_Key__c ?? "").startsWith("leadloop:activity:page-views:"));
    expect(tasks.length).toBeGreaterThan(1);
    for (const t of tasks) {
      const [contact] = owners.get(String(t.Leadloop_Activity_Key__c).slice("leadloop:activity:".length)) ?? [];
      const who = world.salesforce.data.store.find(String(t.WhoId))?.record;
      expect([t.Leadloop_Activity_Key__c, who?.Email?.toString().toLowerCase()]).toEqual([
        t.Leadloop_Activity_Key__c,
        world.hubspot.data.getObject("contacts", contact!)?.properties.email?.toLowerCase(),
      ]);
    }
    expect(held.map((a) => a.id)).toEqual([`page-views:${person.id}:${viewsBefore}`]);

    // One visit of three pages, the pricing page last.
    const visitAt = Date.now() - 10 * MINUTE_MS;
    for (const [i, path] of ["/", "/customers", PRICING_PAGE.path].entries()) {
      recordActivity(world.hubspot.data, {
        contactId: person.id,
        kind: "pageView",
        occurredAt: new Date(visitAt + i * MINUTE_MS),
        properties: { hs_url: siteUrl(path), hs_title: path },
      });
    }
    expect((await syncWorld(world)).code).toBe(0);
    const added = (await pageViewsOf(person.id)).filter((a) => !held.some((h) => h.id === a.id));
    expect(added).toEqual([
      {
        ownerKey: `contact:${person.id}`,
        id: `page-views:${person.id}:${viewsBefore + 3}`,
        kind: "page_view",
        // Dated at the visit, which its first page began.
        occurredAt: new Date(visitAt).toISOString(),
        occurredMs: visitAt,
        properties: { hs_page_view_count: "3", hs_url: siteUrl(PRICING_PAGE.path) },
        source: "properties",
      },
    ]);

    // A run that sees no new view keeps no new activity; the next view is counted alone.
    expect((await syncWorld(world)).code).toBe(0);
    expect((await pageViewsOf(person.id)).map((a) => a.id)).toEqual([...held.map((a) => a.id), `page-views:${person.id}:${viewsBefore + 3}`]);
    recordActivity(world.hubspot.data, {
      contactId: person.id,
      kind: "pageView",
      occurredAt: new Date(Date.now() - MINUTE_MS),
      properties: { hs_url: siteUrl("/demo"), hs_title: "Demo" },
    });
    expect((await syncWorld(world)).code).toBe(0);
    const last = (await pageViewsOf(person.id)).at(-1)!;
    expect([last.id, last.properties]).toEqual([`page-views:${person.id}:${viewsBefore + 4}`, { hs_page_view_count: "1", hs_url: siteUrl("/demo") }]);
  });
});
