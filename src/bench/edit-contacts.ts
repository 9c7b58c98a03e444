// The incremental scenario's edit: marketing changes the job title of every tenth contact, in process
// through the emulator's data API (as a marketer's edits would land in HubSpot between two runs).
import type { HubspotEmulator } from "../sandbox/hubspot/emulator.js";

/** How many contacts apart the edited ones are: every tenth, i.e. 10% of the portal. */
const EDIT_EVERY = 10;

/** Changes the job title of 10% of the contacts; returns how many were changed. */
export function editJobTitles(hubspot: HubspotEmulator, round: number): number {
  let changed = 0;
  // records() hands out the emulator's own entries, so no copy of the whole portal is made.
  const contacts = hubspot.data.records("contacts", false);
  for (let i = 0; i < contacts.length; i += EDIT_EVERY) {
    const contact = contacts[i]!;
    hubspot.data.updateObject("contacts", contact.id, { jobtitle: `Bench Title ${round}-${i}` });
    changed++;
  }
  return changed;
}
