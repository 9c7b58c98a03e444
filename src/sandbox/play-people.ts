// What the people do between sandbox runs, so each run has real work: prospects read pricing and request
// demos (people sales recycled come back the same way), a marketer corrects a record, and reps work every
// lead leadloop handed them, in Salesforce or in HubSpot's CRM: first a call and "working", then a
// verdict (qualified with an opportunity or deal, back to nurture, trash, unreachable) with the call or
// email that went with it, and later the opportunity won or lost. Deterministic for a seed and round.

import { recordActivity } from "./hubspot/contact-activity.js";
import type { HubspotEmulator } from "./hubspot/emulator.js";
import type { HubspotObject } from "./hubspot/hubspot-data.js";
import { playHubspotReps } from "./play-reps-hubspot.js";
import { playSalesforceReps } from "./play-reps-salesforce.js";
import type { SalesforceEmulator } from "./salesforce/emulator.js";
import { Random } from "./seed/random.js";
import { DEMO_FORM, FORMS, PAGES, PRICING_PAGE, siteUrl } from "./seed/vocab/web.js";

/** What was played in one round, by kind. */
export interface PeopleRound {
  /**
   * Marketing contacts that acted (a page view, a form) or were edited in the round, each once: the
   * changes `leadloop forecast --changes-per-day` counts.
   */
  contactsChanged: number;
  pageViews: number;
  forms: number;
  demoRequests: number;
  /** People sales sent back to nurture who came back with new interest. */
  comebacks: number;
  marketerEdits: number;
  /** Leads a rep called for the first time and set to working. */
  working: number;
  qualified: number;
  recycled: number;
  trashed: number;
  unreachable: number;
  callsLogged: number;
  emailsLogged: number;
  opportunitiesWon: number;
  opportunitiesLost: number;
}

export function emptyRound(): PeopleRound {
  return {
    contactsChanged: 0,
    pageViews: 0,
    forms: 0,
    demoRequests: 0,
    comebacks: 0,
    marketerEdits: 0,
    working: 0,
    qualified: 0,
    recycled: 0,
    trashed: 0,
    unreachable: 0,
    callsLogged: 0,
    emailsLogged: 0,
    opportunitiesWon: 0,
    opportunitiesLost: 0,
  };
}

/**
 * The CRM records reps updated in a round: a Lead called and set to working, a verdict given, an
 * opportunity won or lost (`leadloop forecast --sales-updates-per-day` counts these).
 */
export function salesUpdates(r: PeopleRound): number {
  return r.working + r.qualified + r.recycled + r.trashed + r.unreachable + r.opportunitiesWon + r.opportunitiesLost;
}

/** The rounds' counts added up, kind by kind. */
export function playedTotal(rounds: readonly PeopleRound[]): PeopleRound {
  const total = emptyRound();
  for (const r of rounds) for (const kind of Object.keys(total) as (keyof PeopleRound)[]) total[kind] += r[kind];
  return total;
}

/** Prospects at companies who come back with buying interest each round. */
const INTERESTED_PER_ROUND = 9;
/** People sales sent back to nurture who return with new interest each round. */
const COMEBACKS_PER_ROUND = 2;
/** Anyone reading a blog post. */
const CASUAL_VISITS_PER_ROUND = 4;
/** Stages where a person is already with sales: new interest is no news to anyone. */
const WITH_SALES = new Set(["mql", "sal", "opportunity", "won", "trash"]);
const TITLES = [
  "Head of Revenue Operations",
  "VP Marketing",
  "Directeur commercial",
  "Leiterin Vertrieb",
] as const;
const BLOG_PAGES = PAGES.filter((p) => p.path.startsWith("/blog/"));
const OFFER_FORMS = FORMS.filter((f) => /download|webinar/i.test(f.name));

export function playPeople(
  seed: number,
  round: number,
  targets: { hubspot: HubspotEmulator; salesforce?: SalesforceEmulator | undefined },
  now: Date = new Date(),
): PeopleRound {
  const rng = new Random(seed, 0x9e0e, round);
  const played = emptyRound();
  const contacts = targets.hubspot.data.listObjects("contacts");
  if (contacts.length === 0) return played;

  const recycled = targets.salesforce
    ? recycledInSalesforce(targets.salesforce)
    : new Set(contacts.filter((c) => c.properties.hs_lead_status === "BAD_TIMING").map((c) => c.id));
  const changed = new Set<string>();
  contactsBehave(rng, targets.hubspot, contacts, recycled, now, played, changed);

  // A marketer fixes a job title.
  const edited = rng.pick(contacts);
  targets.hubspot.data.updateObject("contacts", edited.id, { jobtitle: rng.pick(TITLES) }, now);
  played.marketerEdits++;
  changed.add(edited.id);
  played.contactsChanged = changed.size;

  if (targets.salesforce) playSalesforceReps(rng, targets.salesforce, now, played);
  else playHubspotReps(rng, targets.hubspot, now, played);
  return played;
}

/** HubSpot ids of the people whose Lead a rep closed as not converted (back to nurture). */
function recycledInSalesforce(salesforce: SalesforceEmulator): Set<string> {
  return new Set(
    salesforce.data
      .list("Lead")
      .filter((l) => l.HubSpot_Contact_Id__c && l.Status === "Closed - Not Converted")
      .map((l) => String(l.HubSpot_Contact_Id__c)),
  );
}

function contactsBehave(
  rng: Random,
  hubspot: HubspotEmulator,
  contacts: readonly HubspotObject[],
  recycled: ReadonlySet<string>,
  now: Date,
  played: PeopleRound,
  changed: Set<string>,
): void {
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);
  const visit = (contact: HubspotObject, page: (typeof PAGES)[number], minutesAgo: number) => {
    changed.add(contact.id);
    recordActivity(hubspot.data, {
      contactId: contact.id,
      kind: "pageView",
      occurredAt: at(minutesAgo),
      properties: { hs_url: siteUrl(page.path), hs_url_path: page.path, hs_title: page.title },
    });
    played.pageViews++;
  };
  const submit = (contact: HubspotObject, form: (typeof FORMS)[number], minutesAgo: number) => {
    changed.add(contact.id);
    // HubSpot's form-submission event: the form's id and the page it sits on (GET /events/v3/events).
    recordActivity(hubspot.data, {
      contactId: contact.id,
      kind: "formSubmission",
      occurredAt: at(minutesAgo),
      properties: {
        hs_form_id: form.id,
        hs_form_type: "HUBSPOT",
        hs_url: siteUrl(form.pagePath),
        hs_title: form.pageTitle,
      },
    });
    played.forms++;
    if (form === DEMO_FORM) played.demoRequests++;
  };
  const buyingInterest = (contact: HubspotObject, demo: boolean, minutesAgo = 30) => {
    visit(contact, PRICING_PAGE, minutesAgo);
    if (demo) submit(contact, DEMO_FORM, minutesAgo * (2 / 3));
    else submit(contact, rng.pick(OFFER_FORMS), minutesAgo * (2 / 3));
  };

  // People sales sent back to nurture come back: pricing, then a demo request. Now, not half an hour
  // ago: the runs are seconds apart, and interest older than the rep's verdict is what the rep judged.
  const comebacks = contacts.filter((c) => recycled.has(c.id));
  for (const contact of pickSome(rng, comebacks, COMEBACKS_PER_ROUND)) {
    buyingInterest(contact, true, 0);
    played.comebacks++;
  }

  // Prospects at companies, not with sales yet, respond to the campaigns (aimed at people whose title
  // and country marketing knows): most ask for a demo.
  const prospects = contacts.filter(
    (c) =>
      c.properties.associatedcompanyid &&
      c.properties.jobtitle &&
      c.properties.country &&
      !recycled.has(c.id) &&
      !WITH_SALES.has(c.properties.leadloop_status ?? "") &&
      !c.properties.leadloop_mql_date,
  );
  for (const contact of pickSome(rng, prospects, INTERESTED_PER_ROUND))
    buyingInterest(contact, rng.chance(0.7));

  for (let i = 0; i < CASUAL_VISITS_PER_ROUND; i++) visit(rng.pick(contacts), rng.pick(BLOG_PAGES), 45);
}

/** Up to `count` different items, in a seeded order. */
function pickSome<T>(rng: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length), 1)[0]!);
  return out;
}
