// Seeds N marketing contacts into the HubSpot emulator through its in-process data API, streamed one at a
// time from the seed generator so the bench never holds the generated contacts in an array next to the
// emulator's own copy. Seeding is set-up, not measured: callers time around it.
//
// The emulator checks email uniqueness on every create by scanning (and copying and sorting) all its
// contacts, which makes seeding quadratic: 15 s for 10,000 contacts, about 25 min for 100,000. The seed's
// emails are unique by construction, so during seeding the scan is given an empty list on this one
// instance (the prototype is untouched) and uniqueness is verified once at the end instead.
import type { HubspotEmulator } from "../sandbox/hubspot/emulator.js";
import { generateContacts } from "../sandbox/seed/generate.js";
import { contactProperties } from "../sandbox/load-seed.js";

/** Fixed inputs so two runs of the bench seed the same contacts. */
const SEED = 20240611;
const SEED_NOW = new Date("2025-01-15T12:00:00.000Z");

/** Creates `count` contacts; returns how many the emulator accepted. */
export function seedContacts(hubspot: HubspotEmulator, count: number): number {
  const data = hubspot.data;
  Object.defineProperty(data, "records", { value: () => [], configurable: true, writable: true });
  try {
    return createAll(hubspot, count);
  } finally {
    // Back to the prototype's method: from here on the emulator behaves exactly as shipped.
    Reflect.deleteProperty(data, "records");
    assertUniqueEmails(hubspot);
  }
}

function createAll(hubspot: HubspotEmulator, count: number): number {
  let created = 0;
  // No activities: the sync run reads contact properties only, and events would cost seed time and memory.
  for (const { contact } of generateContacts({
    seed: SEED,
    now: SEED_NOW,
    contacts: count,
    activitiesPerContact: 0,
  })) {
    hubspot.data.createObject("contacts", contactProperties(contact), contact.createdAt);
    created++;
  }
  return created;
}

/** What the skipped per-create check would have caught, checked once over the whole portal. */
function assertUniqueEmails(hubspot: HubspotEmulator): void {
  const seen = new Set<string>();
  for (const record of hubspot.data.records("contacts", false)) {
    const email = record.properties.email?.trim().toLowerCase();
    if (!email) continue;
    if (seen.has(email)) throw new Error(`seed produced a duplicate email: ${email}`);
    seen.add(email);
  }
}
