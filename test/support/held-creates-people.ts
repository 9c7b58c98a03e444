// People for the held-creates tests (src/sync/held-creates.ts): a portal of 4,300 contacts over three
// groups of the contact stream, every 14th new to the CRM, the rest already a rep's Lead; and a watch on
// the Lead upserts that carry the held creates.
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import type { LoopHarness } from "./loop-harness.js";

// Three groups of the contact stream (change-groups.ts GROUP_RECORDS is 2,000).
export const CONTACTS = 4_300;
/** Every 14th contact is new to the CRM: about 143 creates a group, 308 in all. */
export const NEW_EVERY = 14;
const FIRST = ["Zoë", "Łukasz", "Inès", "Søren", "María José", "François", "Ayşe", "Jürgen", "Chloé", "Nuño"];
const LAST = ["Lefèvre", "Nowak", "García-Peña", "Ødegaard", "Müller", "O'Brien", "Dubois", "Çelik"];

interface CollectionBody {
  records?: { HubSpot_Contact_Id__c?: string }[];
}

/** The records of each Lead upsert (a create on the contact's id) as sent. */
export function watchLeadCreates(loop: LoopHarness): { calls: string[][]; stop: () => void } {
  const calls: string[][] = [];
  const stop = loop.salesforce.calls.observe((call: ObservedCall) => {
    if (call.endpoint !== "PATCH /services/data/:version/composite/sobjects/:type/:field" || !call.path.includes("/Lead/")) return;
    calls.push(((call.body as CollectionBody).records ?? []).map((r) => String(r.HubSpot_Contact_Id__c)));
  });
  return { calls, stop };
}

/** A name of its own per person (Salesforce's duplicate rule would take two people of one name and company for one). */
export function ownName(i: number): string {
  let name = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(97 + ((n - 1) % 26)) + name;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** CONTACTS people in HubSpot; all but every `newEvery`-th already a rep's Lead, typed with the email in capitals. */
export function seedPeople(loop: LoopHarness, newEvery = NEW_EVERY): { fresh: string[] } {
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
    if (i % newEvery === 0) {
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
export function leadsByContact(loop: LoopHarness): { byContact: Map<string, number>; byEmail: Map<string, number> } {
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
