// The field sync's creates wait across a stream's groups (src/sync/held-creates.ts) until a full call's
// worth is due: a first load whose groups each bring some new people sends their Leads 200 a call, not a
// part-filled call per group. A run stopped while creates are held keeps its cursor before them, so the
// next run makes each Lead once, and none is lost.
import { jest } from "@jest/globals";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

// Three groups of the contact stream (change-groups.ts GROUP_RECORDS is 2,000): 4,300 contacts.
jest.setTimeout(600_000);

const CONTACTS = 4_300;
/** Every 14th contact is new to the CRM: about 143 creates a group, 308 in all. */
const NEW_EVERY = 14;
const FIRST = ["Zoë", "Łukasz", "Inès", "Søren", "María José", "François", "Ayşe", "Jürgen", "Chloé", "Nuño"];
const LAST = ["Lefèvre", "Nowak", "García-Peña", "Ødegaard", "Müller", "O'Brien", "Dubois", "Çelik"];

interface CollectionBody {
  records?: { HubSpot_Contact_Id__c?: string }[];
}

/** The records of each Lead upsert (a create on the contact's id) as sent. */
function watchLeadCreates(loop: LoopHarness): { calls: string[][]; stop: () => void } {
  const calls: string[][] = [];
  const stop = loop.salesforce.calls.observe((call: ObservedCall) => {
    if (call.endpoint !== "PATCH /services/data/:version/composite/sobjects/:type/:field" || !call.path.includes("/Lead/")) return;
    calls.push(((call.body as CollectionBody).records ?? []).map((r) => String(r.HubSpot_Contact_Id__c)));
  });
  return { calls, stop };
}

/** A name of its own per person (Salesforce's duplicate rule would take two people of one name and company for one). */
function ownName(i: number): string {
  let name = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(97 + ((n - 1) % 26)) + name;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** CONTACTS people in HubSpot; all but every NEW_EVERY-th already a rep's Lead, typed with the email in capitals. */
function seedPeople(loop: LoopHarness): { fresh: string[] } {
  const fresh: string[] = [];
  for (let i = 0; i < CONTACTS; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = `${LAST[i % LAST.length]!}-${ownName(i)}`;
    const email = `${first.replace(/[^A-Za-z]/g, "")}.${last.replace(/[^A-Za-z]/g, "")}@maison-degustation.example`;
    const contact = loop.hubspot.data.createObject("contacts", {
      email: email.toLowerCase(),
      firstname: first,
      lastname: last,
      company: i % 5 === 0 ? "" : `Maison ${ownName(i)}`,
      country: i % 2 === 0 ? "France" : "Deutschland",
    });
    if (i % NEW_EVERY === 0) {
      fresh.push(contact.id);
      continue;
    }
    loop.salesforce.data.insert("Lead", {
      Email: email.toUpperCase(),
      LastName: last,
      Company: `Maison ${ownName(i)} SAS`,
      Status: "Open - Not Contacted",
    });
  }
  return { fresh };
}

/** The Leads per HubSpot contact id they carry, and per email. */
function leadsByContact(loop: LoopHarness): { byContact: Map<string, number>; byEmail: Map<string, number> } {
  const byContact = new Map<string, number>();
  const byEmail = new Map<string, number>();
  for (const lead of loop.salesforce.data.list("Lead")) {
    const id = lead.HubSpot_Contact_Id__c;
    if (typeof id === "string") byContact.set(id, (byContact.get(id) ?? 0) + 1);
    const email = String(lead.Email).toLowerCase();
    byEmail.set(email, (byEmail.get(email) ?? 0) + 1);
  }
  return { byContact, byEmail };
}

describe("the field sync's creates held across groups", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => loop.close());

  it("sends a first load's new Leads 200 a call, each made once", async () => {
    const { fresh } = seedPeople(loop);
    const creates = watchLeadCreates(loop);
    const result = await loop.sync();
    creates.stop();
    expect(result.summary.status).toBe("succeeded");
    // 308 creates from three groups: two calls (200 and 108), where each group sent its own part-filled call.
    expect(creates.calls.map((c) => c.length)).toEqual([200, fresh.length - 200]);
    expect(new Set(creates.calls.flat())).toEqual(new Set(fresh));
    const { byContact, byEmail } = leadsByContact(loop);
    expect(fresh.filter((id) => byContact.get(id) !== 1)).toEqual([]);
    expect([...byEmail.values()].filter((n) => n !== 1)).toEqual([]);
    expect(byEmail.size).toBe(CONTACTS);
  });

  it("a run stopped while creates are held leaves its cursor before them: the next run makes each Lead once", async () => {
    const { fresh } = seedPeople(loop);
    const creates = watchLeadCreates(loop);
    const stop = new AbortController();
    // Stopped once the contact stream's first group is synced: its creates are held, fewer than a call's worth.
    const stopped = await loop.sync({
      signal: stop.signal,
      onProgress: (p) => {
        if (p.phase === "hubspot contacts" && p.read > 0) stop.abort();
      },
    });
    expect(stopped.summary.status).toBe("stopped");
    expect(creates.calls).toEqual([]);
    // The stream's cursor is not saved past the held creates (it was never saved: a first load).
    expect(await loop.store.getCursor("hubspot", "contacts")).toBeUndefined();

    const resumed = await loop.sync();
    creates.stop();
    expect(resumed.summary.status).toBe("succeeded");
    expect(new Set(creates.calls.flat())).toEqual(new Set(fresh));
    expect(creates.calls.flat()).toHaveLength(fresh.length);
    const { byContact, byEmail } = leadsByContact(loop);
    expect(fresh.filter((id) => byContact.get(id) !== 1)).toEqual([]);
    expect([...byEmail.values()].filter((n) => n !== 1)).toEqual([]);
    expect(byEmail.size).toBe(CONTACTS);
  });
});
