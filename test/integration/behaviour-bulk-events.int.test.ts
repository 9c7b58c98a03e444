// Behaviour on an Enterprise portal read in bulk, through the CLI against seeded emulators and the default
// configuration: a first load lists every contact's events a page of 1,000 at a time instead of one read
// per contact, scores the same people as reading each contact's events does, and later runs read the few
// contacts with new behaviour one by one from where the bulk read left off.
import { jest } from "@jest/globals";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { playPeople } from "../../src/sandbox/play-people.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { mqlEmails, openSandboxWorld, type SandboxWorld, syncWorld } from "../support/sandbox-world.js";

// Whole CLI runs over seeded worlds of 200 and 1,000 contacts: minutes on a loaded machine, not seconds.
jest.setTimeout(900_000);

const EVENTS = "GET /events/v3/events";

function eventsCalls(world: SandboxWorld): number {
  return world.hubspot.calls.byEndpoint()[EVENTS] ?? 0;
}

function eventsPerContact(world: SandboxWorld): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of world.hubspot.data.listEvents()) counts.set(e.objectId, (counts.get(e.objectId) ?? 0) + 1);
  return counts;
}

/** Everyone the store scored, by email: score, fit and behaviour points. */
async function scoresByEmail(world: SandboxWorld): Promise<Map<string, { score: number; behaviour: number }>> {
  const store = await openSqliteStore(world.storePath);
  try {
    const rows = await store.listPersonScores();
    return new Map(rows.map((r) => [(r.email ?? r.personId).toLowerCase(), { score: r.score, behaviour: r.behaviour }]));
  } finally {
    await store.close();
  }
}

describe("a first load on an Enterprise portal reads events in bulk", () => {
  const now = new Date();
  const seed = generateSeed({ seed: 42, now, contacts: 200 });
  let bulk: SandboxWorld;
  let oneByOne: SandboxWorld;

  beforeAll(async () => {
    bulk = await openSandboxWorld(seed, "bulk-events", "salesforce", "enterprise");
    oneByOne = await openSandboxWorld(seed, "per-contact-events", "salesforce", "enterprise");
    // A store that has qualified before (its cursor at the epoch, so this run still reads every contact)
    // but never read events in bulk is no first load: it reads each contact's events one by one.
    const store = await openSqliteStore(oneByOne.storePath);
    const epoch = new Date(0).toISOString();
    await store.commitBatch({
      runId: "test",
      cursors: [{ system: "hubspot", object: "contacts#qualification", value: epoch, lastId: null }],
      at: epoch,
    });
    await store.close();
  });
  afterAll(async () => {
    await bulk.close();
    await oneByOne.close();
  });

  it("scores the same people with a few pages of every contact's events as with a read per contact", async () => {
    const events = bulk.hubspot.data.listEvents().length;
    expect(events).toBeGreaterThan(1000); // more than a page: the bulk read pages
    const a = await syncWorld(bulk);
    const b = await syncWorld(oneByOne);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    // The probe, then the pages of every contact's events; no read per contact.
    expect(eventsCalls(bulk)).toBeLessThanOrEqual(1 + Math.ceil(events / 1000));
    // One read per contact with behaviour.
    expect(eventsCalls(oneByOne)).toBeGreaterThanOrEqual(1 + 100);

    const mqls = await mqlEmails(bulk);
    expect(mqls.length).toBeGreaterThanOrEqual(3);
    expect(await mqlEmails(oneByOne)).toEqual(mqls);
    const scored = await scoresByEmail(bulk);
    const perContact = await scoresByEmail(oneByOne);
    expect([...perContact.keys()].sort()).toEqual([...scored.keys()].sort());
    expect([...scored.values()].some((s) => s.behaviour > 0)).toBe(true);
    for (const [email, s] of scored) {
      // The same events; only decay between the two runs' instants (seconds apart) may move a point.
      expect(Math.abs(perContact.get(email)!.behaviour - s.behaviour)).toBeLessThanOrEqual(1);
      expect(Math.abs(perContact.get(email)!.score - s.score)).toBeLessThanOrEqual(1);
    }
  });

  it("reads the few contacts with new behaviour one by one afterwards, and their new events count", async () => {
    const before = await mqlEmails(bulk);
    const countsBefore = eventsPerContact(bulk);
    playPeople(42, 2, bulk, new Date());
    const acted = [...eventsPerContact(bulk)].filter(([id, n]) => n !== countsBefore.get(id)).length;
    expect(acted).toBeGreaterThan(0);
    playPeople(42, 2, oneByOne, new Date());
    bulk.hubspot.calls.reset();
    expect((await syncWorld(bulk)).code).toBe(0);
    expect((await syncWorld(oneByOne)).code).toBe(0);
    const calls = eventsCalls(bulk);
    expect(calls).toBeGreaterThan(0);
    // One read per contact who acted, at most: no bulk read for a handful of contacts.
    expect(calls).toBeLessThanOrEqual(acted);
    const after = await mqlEmails(bulk);
    expect(after.length).toBeGreaterThan(before.length);
    expect(await mqlEmails(oneByOne)).toEqual(after);
  });
});

describe("a first load of 1,000 contacts on an Enterprise portal", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 7, now: new Date(), contacts: 1000 }), "ent-1000", "salesforce", "enterprise");
  });
  afterAll(async () => world.close());

  it("makes one events call per 1,000 events of the window, not one per contact", async () => {
    const events = world.hubspot.data.listEvents().length;
    const contacts = world.hubspot.data.listObjects("contacts").length;
    expect((await syncWorld(world)).code).toBe(0);
    const calls = eventsCalls(world);
    expect(calls).toBeLessThanOrEqual(1 + Math.ceil(events / 1000));
    expect(calls).toBeLessThanOrEqual(contacts / 50);

    // 150 people visit the pricing page: the first load's bulk read measured what a page of every
    // contact's events costs, so this run reads them in bulk at once rather than one call per visitor.
    const visitors = world.hubspot.data.listObjects("contacts").slice(0, 150);
    for (const [i, c] of visitors.entries()) {
      await world.hubspot.control.call("POST", `/contacts/${c.id}/page-views`, {
        url: `https://www.example.com/pricing?ref=${i}`,
        title: "Tarifs — Pricing",
        occurredAt: new Date().toISOString(),
      });
    }
    world.hubspot.calls.reset();
    let bulkPages = 0;
    const stop = world.hubspot.calls.observe((call) => {
      if (call.endpoint === EVENTS && !call.query.has("objectId")) bulkPages++;
    });
    expect((await syncWorld(world)).code).toBe(0);
    stop();
    const next = eventsCalls(world);
    expect(bulkPages).toBeGreaterThan(0);
    expect(next - bulkPages).toBeLessThanOrEqual(10);
    expect(next).toBeLessThanOrEqual(visitors.length / 10);
  });
});

describe("a run whose acted contacts fall in different steps of its scoring", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 11, now: new Date(), contacts: 200 }), "ent-steps", "salesforce", "enterprise");
  });
  afterAll(async () => world.close());

  it("decides the bulk read on every contact of the group, so none is read alone first", async () => {
    expect((await syncWorld(world)).code).toBe(0);
    // Ordered as the change stream reads them (modified date, then id): one visitor, then 30 contacts whose
    // job title alone changed (scored again, no behaviour to read), then two more visitors. The scoring
    // takes 20 contacts a step, so the first visitor is scored steps before the other two.
    const contacts = world.hubspot.data
      .listObjects("contacts")
      .map((c) => c.id)
      .sort((a, b) => Number(a) - Number(b));
    const [first, ...rest] = contacts;
    const retitled = rest.slice(0, 30);
    const later = rest.slice(-2);
    const visit = (contactId: string, i: number) =>
      recordActivity(world.hubspot.data, {
        contactId,
        kind: "pageView",
        properties: { hs_url: `https://www.example.com/fr/tarifs?réf=${i}`, hs_title: "Tarifs — Édition Entreprise" },
      });
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    visit(first!, 0);
    await tick();
    for (const [i, id] of retitled.entries()) {
      world.hubspot.data.updateObject("contacts", id, { jobtitle: i % 2 ? "Directrice Générale Adjointe" : "  head of GROWTH " });
    }
    await tick();
    for (const [i, id] of later.entries()) visit(id, i + 1);

    world.hubspot.calls.reset();
    let perContact = 0;
    const stop = world.hubspot.calls.observe((call) => {
      if (call.endpoint === EVENTS && call.query.has("objectId")) perContact++;
    });
    expect((await syncWorld(world)).code).toBe(0);
    stop();
    // Three contacts to read cost more one by one than the bulk read of the hour since the first load's
    // (one call): the bulk read alone, not a read of the first visitor and then the bulk read.
    expect(perContact).toBe(0);
    expect(eventsCalls(world)).toBe(1);
  });
});
