// The outbox goes out in full batches: the writes several phases decide for one record leave as one
// write, a drain reading the outbox page by page carries each object's partly filled batch on to the next
// page, and a run stopped while writes wait in the outbox leaves them there for the next run, which
// sends each exactly once (ARCHITECTURE.md "One write path").
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { decide } from "../../src/sync/outbox/decide.js";
import { drainOutbox } from "../../src/sync/outbox/drain.js";
import { funnelWrite } from "../../src/sync/outbox/funnel-write.js";
import type { RunContext } from "../../src/sync/run-context.js";
import { funnelFor, pricingAndDemo, REPS, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { loopRunContext } from "../support/loop-run-context.js";

const FIRST = ["Zoë", "Łukasz", "Inès", "Søren", "María José", "François", "Ayşe", "Jürgen", "Chloé", "Nuño"];
const LAST = ["Lefèvre", "Nowak", "García-Peña", "Ødegaard", "Müller", "O'Brien", "Dubois", "Çelik"];

interface InputBody {
  inputs?: { id?: string; properties?: Record<string, unknown> }[];
}
interface CollectionBody {
  records?: { attributes?: { type?: string } }[];
}

/** `count` HubSpot contacts named from `names` (accents and all) in `field`, with an address each; their ids. */
function createContacts(loop: LoopHarness, count: number, field: "firstname" | "lastname", names: readonly string[]): string[] {
  return Array.from({ length: count }, (_, i) =>
    loop.hubspot.data.createObject("contacts", {
      email: `${names[i % names.length]!.replace(/[^A-Za-z]/g, "")}.${i}@exemple-ñ.fr`.toLowerCase(),
      [field]: names[i % names.length]!,
    }).id,
  );
}

/** A marketing-side write a test decides: its phase is its key's first part. */
function marketingWrite(ctx: RunContext) {
  return (key: string, object: string, recordId: string, fields: Record<string, string>) =>
    funnelWrite(ctx, { key, phase: key.split(":")[0]!, side: "marketing", object, recordId, fields, rule: "test", personId: null });
}

/** HubSpot batch updates as sent: one entry per call, the ids and properties of its inputs. */
function hubspotUpdates(loop: LoopHarness): { calls: { id: string; properties: Record<string, unknown> }[][]; stop: () => void } {
  const calls: { id: string; properties: Record<string, unknown> }[][] = [];
  const stop = loop.hubspot.calls.observe((call: ObservedCall) => {
    if (call.endpoint !== "POST /crm/v3/objects/:objectType/batch/update") return;
    calls.push(((call.body as InputBody).inputs ?? []).map((i) => ({ id: String(i.id), properties: i.properties ?? {} })));
  });
  return { calls, stop };
}

/** The run after a stopped one succeeds and writes each of these contacts' scores exactly once. */
async function nextRunWritesEachScoreOnce(
  loop: LoopHarness,
  funnel: ReturnType<typeof funnelFor>,
  hubspot: ReturnType<typeof hubspotUpdates>,
  ids: readonly string[],
): Promise<void> {
  const next = await loop.sync({ funnel });
  hubspot.stop();
  expect(next.summary.status).toBe("succeeded");
  const scoreWrites = hubspot.calls.flat().filter((i) => ids.includes(i.id) && "leadloop_score" in i.properties);
  expect(scoreWrites.map((i) => i.id).sort()).toEqual([...ids].sort());
}

/** Salesforce sObject Collections updates (PATCH composite/sobjects) per record type. */
function salesforceUpdates(loop: LoopHarness): { byType: Map<string, number>; stop: () => void } {
  const byType = new Map<string, number>();
  const stop = loop.salesforce.calls.observe((call: ObservedCall) => {
    if (call.endpoint !== "PATCH /services/data/:version/composite/sobjects") return;
    const types = new Set(((call.body as CollectionBody).records ?? []).map((r) => r.attributes?.type ?? "?"));
    for (const type of types) byType.set(type, (byType.get(type) ?? 0) + 1);
  });
  return { byType, stop };
}

/** `n` well-fitting French and German marketers who read the pricing page and asked for a demo. */
function seedMqls(loop: LoopHarness, n: number): string[] {
  const company = loop.hubspot.data.createObject("companies", {
    name: "Atelier Ñandú",
    domain: "atelier-nandu.fr",
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "250",
    country: "France",
  });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[i % LAST.length]!;
    const contact = loop.hubspot.data.createObject("contacts", {
      email: `${first.replace(/[^A-Za-z]/g, "")}.${last.replace(/[^A-Za-z]/g, "")}.${i}@Atelier-Nandu.FR`,
      firstname: first,
      lastname: last,
      jobtitle: i % 2 === 0 ? "Directrice Marketing" : "Head of Marketing",
      company: "Atelier Ñandú",
      country: i % 3 === 0 ? "DE" : "France",
    });
    loop.hubspot.data.associate("contacts", contact.id, "companies", company.id);
    pricingAndDemo(loop, contact.id);
    ids.push(contact.id);
  }
  return ids;
}

describe("the run's writes go out in full batches", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    // 250 people of 80 names at one company: Salesforce's standard Lead rule would take the namesakes for
    // duplicates (duplicate-rules.int.test.ts); what is measured here is batching, so it matches by email.
    loop = await startLoop({ salesforce: { duplicateMatching: "email" } });
  });
  afterEach(async () => {
    await loop.close();
  });

  it("writes 250 new MQLs' contacts once (qualification and handoff together) and their Leads in 2 updates", async () => {
    const reps = seedReps(loop);
    const ids = seedMqls(loop, 250);
    const hubspot = hubspotUpdates(loop);
    const salesforce = salesforceUpdates(loop);

    const { summary } = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    hubspot.stop();
    salesforce.stop();

    expect(summary.status).toBe("succeeded");
    expect(summary.handoffs).toBe(250);
    // Qualification (score, lifecycle stage, status) and the handoff (HubSpot owner) decide for the same
    // 250 contacts: ceil(250 / 100) = 3 calls, where a drain after each phase made 6.
    const contactCalls = hubspot.calls.filter((inputs) => inputs.some((i) => ids.includes(i.id)));
    expect(contactCalls).toHaveLength(3);
    expect(contactCalls.flat().map((i) => i.id).sort()).toEqual([...ids].sort());
    const owners = new Set([REPS.emea.email, REPS.fallback.email].map((e) => reps.get(e)!.hubspot));
    for (const id of ids) {
      const contact = loop.hubspot.data.getObject("contacts", id)!.properties;
      expect(Number(contact.leadloop_score)).toBeGreaterThanOrEqual(60);
      expect(contact.lifecyclestage).toBe("marketingqualifiedlead");
      expect(owners.has(String(contact.hubspot_owner_id))).toBe(true);
    }
    // The Leads the contact sync created, updated by the handoff (owner, score, reasons): 2 calls of 200.
    expect(loop.salesforce.data.list("Lead")).toHaveLength(250);
    expect(salesforce.byType.get("Lead")).toBe(2);
    expect(await loop.store.listOutbox()).toEqual([]);
  });

  it("carries a partly filled batch from one outbox page to the next, and sends a record's writes as one", async () => {
    const contacts = createContacts(loop, 1300, "firstname", FIRST);
    const companies = Array.from({ length: 1000 }, (_, i) =>
      loop.hubspot.data.createObject("companies", { name: `Société ${LAST[i % LAST.length]} ${i}`, domain: `societe-${i}.fr` }).id,
    );
    const ctx = loopRunContext(loop, "run-pages");
    const write = marketingWrite(ctx);
    // Decided interleaved, so the drain's first page (2,000) holds 1,000 of each object and the second
    // the rest: 300 contacts, then a later phase's write to 40 of those same contacts.
    const decided = [];
    for (let i = 0; i < 1300; i++) {
      decided.push(write(`qualification:${contacts[i]}`, "contacts", contacts[i]!, { leadloop_score: String(60 + (i % 40)) }));
      if (i < 1000) decided.push(write(`stamp:${companies[i]}`, "companies", companies[i]!, { description: `Compte n° ${i}` }));
    }
    for (const id of contacts.slice(1000, 1040)) decided.push(write(`disposition:${id}`, "contacts", id, { leadloop_status: "recycled" }));
    await decide(ctx, { outbox: decided });

    const hubspot = hubspotUpdates(loop);
    const result = await drainOutbox(ctx);
    hubspot.stop();

    expect(result.refused).toBe(0);
    expect(result.accepted).toBe(decided.length);
    const contactCalls = hubspot.calls.filter((inputs) => inputs.some((i) => "leadloop_score" in i.properties));
    const companyCalls = hubspot.calls.filter((inputs) => inputs.some((i) => "description" in i.properties));
    expect(contactCalls).toHaveLength(13); // 1,300 contacts, each written once
    expect(companyCalls).toHaveLength(10);
    expect(hubspot.calls.every((inputs) => inputs.length === 100)).toBe(true);
    for (const [i, id] of contacts.entries()) {
      const contact = loop.hubspot.data.getObject("contacts", id)!.properties;
      expect(contact.leadloop_score).toBe(String(60 + (i % 40)));
      expect(contact.leadloop_status ?? null).toBe(i >= 1000 && i < 1040 ? "recycled" : null);
    }
    expect(await loop.store.listOutbox()).toEqual([]);
  });

  // A contact a marketer parked at a later stage takes MQL only after a clear, which is a request of its
  // own: the drain's last, part-filled updates go as one call whether or not they follow a clear.
  it("sends the drain's last updates in one call with those that follow a clear, the clears first", async () => {
    const contacts = createContacts(loop, 150, "lastname", LAST);
    const parked = new Set(contacts.filter((_, i) => i % 5 === 0));
    for (const id of parked) loop.hubspot.data.updateObject("contacts", id, { lifecyclestage: "opportunity" });
    const ctx = loopRunContext(loop, "run-clears");
    const decided = contacts.map((id, i) =>
      funnelWrite(ctx, {
        key: `qualification:${id}`,
        phase: "qualification",
        side: "marketing",
        object: "contacts",
        recordId: id,
        fields: { leadloop_score: String(60 + (i % 30)), ...(parked.has(id) ? { lifecyclestage: "marketingqualifiedlead" } : {}) },
        rule: "score: 60 points (pricing-page, demo-request)",
        personId: id,
        clearFirst: parked.has(id) ? ["lifecyclestage"] : [],
      }),
    );
    await decide(ctx, { outbox: decided });

    const hubspot = hubspotUpdates(loop);
    const result = await drainOutbox(ctx);
    hubspot.stop();

    expect(result).toEqual({ accepted: 150, refused: 0 });
    const clears = hubspot.calls.filter((inputs) => inputs.every((i) => i.properties.lifecyclestage === ""));
    const updates = hubspot.calls.filter((inputs) => inputs.some((i) => "leadloop_score" in i.properties));
    // One clear of the 30 parked contacts, then their updates with the other 120: 100 and 50, not 30, 100 and 20.
    expect(clears.map((c) => c.length)).toEqual([30]);
    expect(updates.map((c) => c.length)).toEqual([100, 50]);
    expect(hubspot.calls.indexOf(clears[0]!)).toBe(0);
    for (const [i, id] of contacts.entries()) {
      const contact = loop.hubspot.data.getObject("contacts", id)!.properties;
      expect(contact.leadloop_score).toBe(String(60 + (i % 30)));
      if (parked.has(id)) expect(contact.lifecyclestage).toBe("marketingqualifiedlead");
    }
    expect(await loop.store.listOutbox()).toEqual([]);
  });

  it("sends a record's writes as one when a later page writes it again, holding the earlier entry in the store", async () => {
    // 2,500 scores fill the drain's first page (2,000) and part of its second; then a later phase writes
    // 100 of the first page's contacts again. Their first entries wait for the second page (in the store:
    // a first load's million waiting entries held in memory were its largest live set), and each contact
    // still leaves in one write: 25 calls of 100.
    const contacts = createContacts(loop, 2500, "lastname", LAST);
    const ctx = loopRunContext(loop, "run-held");
    const write = marketingWrite(ctx);
    const decided = contacts.map((id, i) => write(`qualification:${id}`, "contacts", id, { leadloop_score: String(50 + (i % 30)) }));
    const again = contacts.filter((_, i) => i % 20 === 3);
    for (const id of again) decided.push(write(`disposition:${id}`, "contacts", id, { leadloop_status: "recycled", leadloop_score: "0" }));
    await decide(ctx, { outbox: decided });

    const hubspot = hubspotUpdates(loop);
    const result = await drainOutbox(ctx);
    hubspot.stop();

    expect(result).toEqual({ accepted: decided.length, refused: 0 });
    expect(hubspot.calls).toHaveLength(25);
    expect(hubspot.calls.every((inputs) => inputs.length === 100)).toBe(true);
    const written = hubspot.calls.flat().map((i) => i.id);
    expect(new Set(written).size).toBe(2500);
    const twice = new Set(again);
    for (const [i, id] of contacts.entries()) {
      const contact = loop.hubspot.data.getObject("contacts", id)!.properties;
      expect([contact.leadloop_score, contact.leadloop_status ?? null]).toEqual(
        twice.has(id) ? ["0", "recycled"] : [String(50 + (i % 30)), null],
      );
    }
    expect(await loop.store.listOutbox()).toEqual([]);
  });

  it("a run stopped while its writes wait leaves them in the outbox; the next run sends each exactly once", async () => {
    seedReps(loop);
    const ids = seedMqls(loop, 120);
    const funnel = funnelFor(loop, "salesforce");
    const hubspot = hubspotUpdates(loop);
    // SIGTERM while the contact sync writes the first Leads: qualification has decided every contact's
    // score by then, and none of it has gone out.
    const stop = new AbortController();
    const untilFirstWrite = loop.salesforce.calls.observe((call) => {
      if (call.endpoint.startsWith("PATCH /services/data/:version/composite/sobjects")) stop.abort();
    });
    const stopped = await loop.sync({ funnel, signal: stop.signal });
    untilFirstWrite();
    expect(stopped.summary.status).toBe("stopped");
    expect(hubspot.calls.flat().filter((i) => ids.includes(i.id))).toEqual([]);
    const held = await loop.store.listOutbox();
    expect(held.filter((w) => w.phase === "qualification").map((w) => w.recordId).sort()).toEqual([...ids].sort());

    await nextRunWritesEachScoreOnce(loop, funnel, hubspot, ids);
    for (const id of ids) expect(Number(loop.hubspot.data.getObject("contacts", id)!.properties.leadloop_score)).toBeGreaterThanOrEqual(60);
    expect(await loop.store.listOutbox()).toEqual([]);
  });

  it("a stop between the qualification's steps keeps the steps scored so far; the next run scores the group again", async () => {
    seedReps(loop);
    const ids = seedMqls(loop, 70);
    const funnel = funnelFor(loop, "salesforce");
    const hubspot = hubspotUpdates(loop);
    // The qualification decides a group of contacts in one commit with its cursor; SIGTERM after its
    // second step of 20 contacts.
    const stop = new AbortController();
    let steps = 0;
    const stopped = await loop.sync({
      funnel,
      signal: stop.signal,
      onProgress: (p) => {
        // The phase announces itself with nothing read; each step then counts its contacts.
        if (p.phase === "qualification" && p.read > 0 && ++steps === 2) stop.abort();
      },
    });
    expect(stopped.summary.status).toBe("stopped");
    expect(steps).toBe(2);
    const held = await loop.store.listOutbox();
    const scored = held.filter((w) => w.phase === "qualification").map((w) => w.recordId);
    expect(scored).toHaveLength(40);
    expect(new Set(scored).size).toBe(40);
    expect(scored.every((id) => ids.includes(id!))).toBe(true);
    // The cursor stayed before the group: nothing read past it is taken as done.
    expect(await loop.store.getCursor("hubspot", "contacts#qualification")).toBeUndefined();

    await nextRunWritesEachScoreOnce(loop, funnel, hubspot, ids);
    expect(await loop.store.listOutbox()).toEqual([]);
  });
});

