// What the people do between sandbox runs, so each run has real work: some contacts visit the site,
// read pricing, fill forms and request demos; a marketer corrects a record; reps work the leads
// leadloop handed them (change status, log calls). Deterministic for a seed and round.

import { recordActivity } from "./hubspot/contact-activity.js";
import type { HubspotEmulator } from "./hubspot/emulator.js";
import type { SalesforceEmulator } from "./salesforce/emulator.js";
import { Random } from "./seed/random.js";

export interface PeopleRound {
  pageViews: number;
  forms: number;
  marketerEdits: number;
  leadStatusChanges: number;
  callsLogged: number;
}

const PAGES = [
  ["https://www.leadloop-demo.com/pricing", "Pricing"],
  ["https://www.leadloop-demo.com/product", "Product tour"],
  ["https://www.leadloop-demo.com/blog/closing-the-loop", "Closing the loop between marketing and sales"],
  ["https://www.leadloop-demo.com/customers", "Customer stories"],
] as const;
const FORMS = ["Request a demo", "Contact us", "Download: State of RevOps 2026 report"] as const;
const TITLES = [
  "Head of Revenue Operations",
  "VP Marketing",
  "Directeur commercial",
  "Leiterin Vertrieb",
] as const;
const STATUSES = ["Working - Contacted", "Closed - Not Converted"] as const;

export function playPeople(
  seed: number,
  round: number,
  targets: { hubspot: HubspotEmulator; salesforce?: SalesforceEmulator },
  now: Date = new Date(),
): PeopleRound {
  const rng = new Random(seed, 0x9e0e, round);
  const played: PeopleRound = {
    pageViews: 0,
    forms: 0,
    marketerEdits: 0,
    leadStatusChanges: 0,
    callsLogged: 0,
  };
  const contacts = targets.hubspot.data.listObjects("contacts");
  if (contacts.length === 0) return played;

  // A few people come back: a visit or two, sometimes pricing and a demo request on the same day.
  for (let i = 0; i < Math.min(5, contacts.length); i++) {
    const contact = rng.pick(contacts);
    const [url, title] = rng.pick(PAGES);
    recordActivity(targets.hubspot.data, {
      contactId: contact.id,
      kind: "pageView",
      occurredAt: now,
      properties: { hs_url: url, hs_title: title },
    });
    played.pageViews++;
    if (rng.chance(0.4)) {
      const form = rng.pick(FORMS);
      recordActivity(targets.hubspot.data, {
        contactId: contact.id,
        kind: "formSubmission",
        occurredAt: now,
        properties: { hs_form_title: form, hs_page_url: url },
      });
      played.forms++;
    }
  }

  // A marketer fixes a job title.
  const edited = rng.pick(contacts);
  targets.hubspot.data.updateObject("contacts", edited.id, { jobtitle: rng.pick(TITLES) }, now);
  played.marketerEdits++;

  // Reps work leads that came from marketing (the ones leadloop created carry the HubSpot id).
  const sf = targets.salesforce;
  if (sf) {
    const leads = sf.data
      .list("Lead")
      .filter(
        (l) => l.HubSpot_Contact_Id__c && l.IsConverted !== true && l.Status === "Open - Not Contacted",
      );
    for (let i = 0; i < Math.min(2, leads.length); i++) {
      const lead = rng.pick(leads);
      sf.data.update("Lead", String(lead.Id), { Status: rng.pick(STATUSES) }, now);
      played.leadStatusChanges++;
      sf.data.insert(
        "Task",
        {
          Subject: "Call",
          Status: "Completed",
          TaskSubtype: "Call",
          WhoId: lead.Id,
          ActivityDate: now.toISOString().slice(0, 10),
          Description: "Left a voicemail, will try again Thursday.",
        },
        now,
      );
      played.callsLogged++;
    }
  }
  return played;
}
