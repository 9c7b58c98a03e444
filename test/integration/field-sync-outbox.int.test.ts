// The field sync's updates wait in the outbox for the run's drain (ARCHITECTURE.md "One write path"): a
// rep's own Lead matched to a known contact gets the field sync's values, its link stamp and the history
// fill's score in one write; a record read again before its write lands is no change; a run stopped
// before its drain leaves the writes to the next run, which sends them first and writes nothing after.
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { drainOutbox } from "../../src/sync/outbox/drain.js";
import { decide } from "../../src/sync/outbox/decide.js";
import { funnelWrite } from "../../src/sync/outbox/funnel-write.js";
import { funnelFor, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { loopRunContext } from "../support/loop-run-context.js";

const FIRST = ["Zoë", "Łukasz", "Inès", "Søren", "María José", "François", "Ayşe", "Jürgen", "Chloé", "Nuño"];
const LAST = ["Lefèvre", "Nowak", "García-Peña", "Ødegaard", "Müller", "O'Brien", "Dubois", "Çelik"];

interface CollectionBody {
  records?: { id?: string; attributes?: { type?: string } }[];
}
interface InputBody {
  inputs?: { id?: string }[];
}

/** Record ids per Salesforce collection update of `type` and per HubSpot batch update, as sent. */
function watchWrites(loop: LoopHarness, type: string) {
  const salesforce: string[][] = [];
  const hubspot: string[][] = [];
  const stopSalesforce = loop.salesforce.calls.observe((call: ObservedCall) => {
    if (call.endpoint !== "PATCH /services/data/:version/composite/sobjects") return;
    const records = (call.body as CollectionBody).records ?? [];
    if (records.some((r) => r.attributes?.type === type)) salesforce.push(records.map((r) => String(r.id)));
  });
  const stopHubspot = loop.hubspot.calls.observe((call: ObservedCall) => {
    if (call.endpoint !== "POST /crm/v3/objects/:objectType/batch/update") return;
    hubspot.push(((call.body as InputBody).inputs ?? []).map((i) => String(i.id)));
  });
  return {
    salesforce,
    hubspot,
    stop: () => {
      stopSalesforce();
      stopHubspot();
    },
  };
}

/**
 * `n` contacts a rep already has as Leads: the contact has a first name the Lead lacks, the Lead the
 * company's registered name; each contact read the blog once (prior interest, not an MQL).
 */
function seedKnownPeople(loop: LoopHarness, n: number): { contacts: string[]; leads: string[] } {
  const contacts: string[] = [];
  const leads: string[] = [];
  for (let i = 0; i < n; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[i % LAST.length]!;
    const email = `${first.replace(/[^A-Za-z]/g, "")}.${last.replace(/[^A-Za-z]/g, "")}.${i}@Ateliers-Ñandú.example`;
    const contact = loop.hubspot.data.createObject("contacts", {
      email: email.toLowerCase(),
      firstname: first,
      lastname: last,
      company: i % 3 === 0 ? "" : "ateliers nandu",
      country: "France",
    });
    recordActivity(loop.hubspot.data, {
      contactId: contact.id,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/blog/handoff", hs_title: "Fixing the lead handoff" },
    });
    contacts.push(contact.id);
    // Typed by a rep: the email in capitals, no first name, the company's registered name.
    leads.push(
      loop.salesforce.data.insert("Lead", {
        Email: email.toUpperCase(),
        LastName: last,
        Company: "Ateliers Ñandú SARL",
        Status: "Open - Not Contacted",
      }),
    );
  }
  return { contacts, leads };
}

describe("the field sync's updates go out with the run's drain", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
    seedReps(loop);
  });
  afterEach(async () => {
    await loop.close();
  });

  it("writes each matched Lead once (values, stamp and history) and each contact once, and nothing on the next run", async () => {
    const { contacts, leads } = seedKnownPeople(loop, 250);
    const writes = watchWrites(loop, "Lead");

    const first = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    writes.stop();

    expect(first.summary.status).toBe("succeeded");
    // 250 Leads: ceil(250 / 200) = 2 collection updates, each Lead in exactly one of them. Written as the
    // page decided them and again by the history fill, they took 4.
    expect(writes.salesforce).toHaveLength(2);
    expect(writes.salesforce.flat().sort()).toEqual([...leads].sort());
    // 250 contacts (the Lead's company name, and qualification's scores): ceil(250 / 100) = 3 calls.
    const contactCalls = writes.hubspot.filter((ids) => ids.some((id) => contacts.includes(id)));
    expect(contactCalls).toHaveLength(3);
    expect(contactCalls.flat().sort()).toEqual([...contacts].sort());
    for (const [i, leadId] of leads.entries()) {
      const lead = loop.salesforce.data.get("Lead", leadId)!;
      const contact = loop.hubspot.data.getObject("contacts", contacts[i]!)!.properties;
      expect(lead.FirstName).toBe(FIRST[i % FIRST.length]);
      expect(lead.HubSpot_Contact_Id__c).toBe(contacts[i]);
      expect(Number(lead.Leadloop_Score__c)).toBe(Number(contact.leadloop_score));
      // The Lead was read again by the CRM pass while its write waited: its blank first name was no
      // change to bring back to the contact.
      expect(contact.firstname).toBe(FIRST[i % FIRST.length]);
      expect(contact.company).toBe("Ateliers Ñandú SARL");
    }
    expect(await loop.store.listOutbox()).toEqual([]);

    const next = watchWrites(loop, "Lead");
    const second = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    next.stop();
    expect(second.summary.status).toBe("succeeded");
    expect(second.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
    expect(next.salesforce).toEqual([]);
    expect(next.hubspot).toEqual([]);
  });

  it("leaves a stopped run's field-sync writes in the outbox; the next run sends them first, and the one after writes nothing", async () => {
    const { contacts, leads } = seedKnownPeople(loop, 30);
    const stop = new AbortController();
    const stopped = await loop.sync({
      funnel: funnelFor(loop, "salesforce"),
      signal: stop.signal,
      // SIGTERM once the contact pair is synced: the handoff is the phase after it.
      onProgress: (p) => {
        if (p.phase === "handoff") stop.abort();
      },
    });
    expect(stopped.summary.status).toBe("stopped");
    const waiting = await loop.store.listOutbox({ phase: "field sync" });
    expect(waiting.map((w) => w.key).sort()).toEqual(
      [...leads.map((id) => `sync:crm:Lead:${id}`), ...contacts.map((id) => `sync:marketing:contacts:${id}`)].sort(),
    );
    expect(loop.salesforce.data.get("Lead", leads[0]!)!.FirstName ?? null).toBeNull();

    // A rep edits a field no pending write carries; it still reaches the contact in the next run.
    loop.salesforce.data.update("Lead", leads[1]!, { Phone: "+33 1 42 68 53 00" });

    const resumed = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    expect(resumed.summary.status).toBe("succeeded");
    for (const [i, leadId] of leads.entries()) {
      const lead = loop.salesforce.data.get("Lead", leadId)!;
      const contact = loop.hubspot.data.getObject("contacts", contacts[i]!)!.properties;
      expect(lead.FirstName).toBe(FIRST[i % FIRST.length]);
      expect(lead.HubSpot_Contact_Id__c).toBe(contacts[i]);
      expect(contact.firstname).toBe(FIRST[i % FIRST.length]);
      expect(contact.company).toBe("Ateliers Ñandú SARL");
    }
    expect(String(loop.hubspot.data.getObject("contacts", contacts[1]!)!.properties.phone).replace(/\D/g, "")).toBe("33142685300");
    expect(await loop.store.listOutbox()).toEqual([]);

    const quiet = watchWrites(loop, "Lead");
    const after = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    quiet.stop();
    expect(after.summary.status).toBe("succeeded");
    expect(quiet.salesforce).toEqual([]);
    expect(quiet.hubspot).toEqual([]);
  });
});

describe("the drain sends a record's writes as one across its pages", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("holds a record a later page writes again, so it is written once", async () => {
    const contacts = Array.from({ length: 2000 }, (_, i) =>
      loop.hubspot.data.createObject("contacts", {
        email: `${FIRST[i % FIRST.length]!.replace(/[^A-Za-z]/g, "")}.${i}@exemple-ñ.fr`.toLowerCase(),
        firstname: FIRST[i % FIRST.length]!,
      }).id,
    );
    const companies = Array.from({ length: 300 }, (_, i) =>
      loop.hubspot.data.createObject("companies", { name: `Société ${LAST[i % LAST.length]} ${i}`, domain: `societe-${i}.fr` }).id,
    );
    const ctx = loopRunContext(loop, "run-later");
    const write = (key: string, object: string, recordId: string, fields: Record<string, string>) =>
      funnelWrite(ctx, { key, phase: key.split(":")[0]!, side: "marketing", object, recordId, fields, rule: "test", personId: null });
    // The drain's first page (2,000 entries) is every contact's score: full batches, but 150 of those
    // contacts get a status in the second page, after 300 companies.
    const decided = contacts.map((id, i) => write(`qualification:${id}`, "contacts", id, { leadloop_score: String(60 + (i % 40)) }));
    for (const [i, id] of companies.entries()) decided.push(write(`stamp:${id}`, "companies", id, { description: `Compte n° ${i}` }));
    const recycled = contacts.filter((_, i) => i % 13 === 0).slice(0, 150);
    for (const id of recycled) decided.push(write(`disposition:${id}`, "contacts", id, { leadloop_status: "recycled" }));
    await decide(ctx, { outbox: decided });

    const writes = watchWrites(loop, "Lead");
    const result = await drainOutbox(ctx);
    writes.stop();

    expect(result.refused).toBe(0);
    expect(result.accepted).toBe(decided.length);
    const contactIds = writes.hubspot.filter((ids) => ids.some((id) => contacts.includes(id))).flat();
    // Each contact once: 2,000 writes in 20 calls, where sending page one's full batches made 22.
    expect(contactIds).toHaveLength(2000);
    expect(new Set(contactIds).size).toBe(2000);
    expect(writes.hubspot.filter((ids) => ids.some((id) => contacts.includes(id)))).toHaveLength(20);
    for (const [i, id] of contacts.entries()) {
      const contact = loop.hubspot.data.getObject("contacts", id)!.properties;
      expect(contact.leadloop_score).toBe(String(60 + (i % 40)));
      expect(contact.leadloop_status ?? null).toBe(recycled.includes(id) ? "recycled" : null);
    }
  });
});
