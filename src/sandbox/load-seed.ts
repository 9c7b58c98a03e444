// Pushes generated seed data into the two emulators through their in-process APIs (no HTTP, no rate
// limits): reps as HubSpot owners and Salesforce users, companies, contacts and their activity in
// HubSpot, and the records the CRM already had before leadloop arrived.
import { behaviourChanges } from "./hubspot/contact-activity.js";
import type { HubspotEmulator } from "./hubspot/emulator.js";
import { CONTACT_EVENT_TYPES, type ContactEventKind } from "./hubspot/event-types.js";
import type { SalesforceEmulator } from "./salesforce/emulator.js";
import type { ActivityKind, SeedCompany, SeedContact, SeedData } from "./seed/types.js";
import { CAMPAIGN_TYPE_PROPERTY, FORMS, HUBSPOT_CAMPAIGNS, SALESFORCE_CAMPAIGNS } from "./seed/vocab/web.js";

export interface SeedIds {
  /** Rep key → HubSpot owner id / Salesforce user id. */
  owners: Map<string, { hubspot: string; salesforce: string | null }>;
  companies: Map<string, string>;
  contacts: Map<string, string>;
  crm: Map<string, string>;
}

export interface SeedCounts {
  reps: number;
  companies: number;
  contacts: number;
  activities: number;
  crmLeads: number;
  crmContacts: number;
  crmAccounts: number;
  crmOpportunities: number;
}

const KIND_OF: Record<ActivityKind, ContactEventKind> = {
  page_view: "pageView",
  form_submission: "formSubmission",
  email_open: "emailOpen",
  email_click: "emailClick",
  cta_click: "ctaClick",
};

export function loadSeed(
  seed: SeedData,
  targets: { hubspot: HubspotEmulator; salesforce?: SalesforceEmulator },
): { ids: SeedIds; counts: SeedCounts } {
  const { hubspot, salesforce } = targets;
  const ids: SeedIds = { owners: new Map(), companies: new Map(), contacts: new Map(), crm: new Map() };

  for (const rep of seed.reps) {
    const owner = hubspot.data.addOwner({
      email: rep.email,
      firstName: rep.firstName,
      lastName: rep.lastName,
    });
    const userId =
      salesforce?.data.insert("User", {
        Username: `${rep.email}.sandbox`,
        Email: rep.email,
        FirstName: rep.firstName,
        LastName: rep.lastName,
        IsActive: true,
      }) ?? null;
    ids.owners.set(rep.key, { hubspot: owner.id, salesforce: userId });
  }

  const hubspotOwner = (key: string | undefined) => (key ? ids.owners.get(key)?.hubspot : undefined);
  for (const company of seed.companies) {
    const created = hubspot.data.createObject("companies", {
      ...companyProperties(company),
      hubspot_owner_id: hubspotOwner(company.ownerRepKey),
    });
    ids.companies.set(company.key, created.id);
  }

  // The site's forms exist in the portal before anyone submits them (the forms API lists them by name).
  const formsSince = seed.contacts.reduce((min, c) => (c.createdAt < min ? c.createdAt : min), hubspot.data.now());
  for (const form of FORMS) hubspot.data.forms.ensure(form.id, form.name, formsSince);
  // So are its marketing campaigns, typed in the portal's custom campaign property.
  for (const c of HUBSPOT_CAMPAIGNS) {
    const properties: Record<string, string> = {
      hs_name: c.name,
      hs_campaign_status: c.status,
      hs_start_date: c.startDate,
      [CAMPAIGN_TYPE_PROPERTY]: c.type,
    };
    if (c.endDate) properties.hs_end_date = c.endDate;
    hubspot.data.campaigns.create(properties, formsSince, c.id);
  }

  let activities = 0;
  const byContact = new Map<string, typeof seed.activities>();
  for (const a of seed.activities) {
    const held = byContact.get(a.contactKey);
    if (held) held.push(a);
    else byContact.set(a.contactKey, [a]);
  }
  for (const contact of seed.contacts) {
    const created = hubspot.data.createObject("contacts", contactProperties(contact), contact.createdAt);
    ids.contacts.set(contact.key, created.id);
    const companyId = contact.companyKey ? ids.companies.get(contact.companyKey) : undefined;
    if (companyId) hubspot.data.associate("contacts", created.id, "companies", companyId);
    // The history's events, and the analytics, conversion and email properties HubSpot keeps from them
    // (stamped at the last activity, as HubSpot's own updates of those properties are).
    const behaviour: Record<string, string> = {};
    // What the contact holds as its history folds in, kept up to date rather than rebuilt per activity.
    const held = { id: created.id, properties: { ...created.properties } };
    let lastAt = created.createdAt;
    for (const a of byContact.get(contact.key) ?? []) {
      hubspot.data.addEvent({
        contactId: created.id,
        eventType: CONTACT_EVENT_TYPES[KIND_OF[a.kind]],
        occurredAt: a.occurredAt,
        properties: a.properties,
      });
      const changes = behaviourChanges(hubspot.data, held, KIND_OF[a.kind], a.occurredAt, a.properties);
      Object.assign(behaviour, changes);
      Object.assign(held.properties, changes);
      if (a.occurredAt > lastAt) lastAt = a.occurredAt;
      activities++;
    }
    if (Object.keys(behaviour).length > 0) hubspot.data.updateObject("contacts", created.id, behaviour, lastAt);
  }

  if (salesforce) {
    const owner = (key: string) => ids.owners.get(key)?.salesforce ?? undefined;
    // The org's records are seeded at one instant: two worlds from one seed then hold the same order of
    // modification. Inserted by the running clock (Salesforce keeps times to the second), two duplicate
    // Leads fell either side of a second's boundary in one world and not in another, so which of them a
    // contact matched (the newer) differed between the worlds.
    const at = salesforce.data.now();
    for (const a of seed.crm.accounts) {
      const id = salesforce.data.insert("Account", {
        Name: fitTo(a.name, 255),
        Website: a.website ?? null,
        Industry: a.industry ?? null,
        NumberOfEmployees: a.employees ?? null,
        BillingCountry: a.country ?? null,
        BillingState: a.state ?? null,
        Type: a.type,
        OwnerId: owner(a.ownerRepKey),
      }, at);
      ids.crm.set(a.key, id);
    }
    for (const c of seed.crm.contacts) {
      const id = salesforce.data.insert("Contact", {
        FirstName: c.firstName,
        LastName: c.lastName || "[not provided]",
        Email: c.email.trim(),
        Title: fitTo(c.title, 128),
        Phone: c.phone ?? null,
        AccountId: ids.crm.get(c.accountKey) ?? null,
        LeadSource: c.leadSource ?? null,
        OwnerId: owner(c.ownerRepKey),
      }, at);
      ids.crm.set(c.key, id);
    }
    for (const l of seed.crm.leads) {
      const id = salesforce.data.insert("Lead", {
        FirstName: l.firstName,
        LastName: l.lastName || "[not provided]",
        Email: l.email.trim(), // Salesforce rejects an email with surrounding spaces
        Company: fitTo(l.company, 255) ?? "[not provided]",
        Title: fitTo(l.title, 128),
        Country: l.country ?? null,
        State: l.state ?? null,
        Status: l.status,
        LeadSource: l.leadSource,
        OwnerId: owner(l.ownerRepKey),
      }, at);
      ids.crm.set(l.key, id);
    }
    // The org's Campaigns, and their members: the Leads or Contacts of the people the campaign brought in
    // (by email).
    const peopleByEmail = new Map<string, string>();
    for (const p of [...seed.crm.contacts, ...seed.crm.leads]) peopleByEmail.set(p.email.trim().toLowerCase(), p.key);
    const marketingEmails = new Set(seed.contacts.map((c) => c.email.trim().toLowerCase()));
    const ownLeads = seed.crm.leads.filter((l) => !marketingEmails.has(l.email.trim().toLowerCase()));
    const leadKeys = new Set(seed.crm.leads.map((l) => l.key));
    for (const c of SALESFORCE_CAMPAIGNS) {
      const campaignId = salesforce.data.insert("Campaign", {
        Name: c.name,
        Type: c.type,
        Status: c.status,
        StartDate: c.startDate,
        EndDate: c.endDate,
        IsActive: c.status === "In Progress",
      }, at);
      // Without a utm: people met offline with no campaign in HubSpot, and reps' own Leads.
      const brought = seed.contacts.filter((p) => (c.utm === null ? p.source === "OFFLINE" && !p.campaign : p.campaign === c.utm));
      const members = [
        ...brought.map((p) => peopleByEmail.get(p.email.trim().toLowerCase())),
        ...(c.utm === null ? ownLeads.slice(0, 6).map((l) => l.key) : []),
      ];
      for (const key of members) {
        const id = key ? ids.crm.get(key) : undefined;
        if (!id) continue;
        const field = leadKeys.has(key!) ? "LeadId" : "ContactId";
        salesforce.data.insert("CampaignMember", { CampaignId: campaignId, [field]: id, Status: "Responded" }, at);
      }
    }
    for (const o of seed.crm.opportunities) {
      const id = salesforce.data.insert("Opportunity", {
        Name: o.name,
        StageName: o.stageName,
        Amount: o.amount,
        CloseDate: o.closeDate.toISOString().slice(0, 10),
        AccountId: ids.crm.get(o.accountKey) ?? null,
        OwnerId: owner(o.ownerRepKey),
      }, at);
      ids.crm.set(o.key, id);
    }
  }
  // The event log sorts its orders lazily; a seeded world sorts them now, so the first events read (at a
  // million contacts, millions of events) answers within a client's timeout instead of sorting first.
  hubspot.data.events.settle();

  return {
    ids,
    counts: {
      reps: seed.reps.length,
      companies: seed.companies.length,
      contacts: seed.contacts.length,
      activities,
      crmLeads: salesforce ? seed.crm.leads.length : 0,
      crmContacts: salesforce ? seed.crm.contacts.length : 0,
      crmAccounts: salesforce ? seed.crm.accounts.length : 0,
      crmOpportunities: salesforce ? seed.crm.opportunities.length : 0,
    },
  };
}

function companyProperties(c: SeedCompany): Record<string, string | undefined> {
  return {
    name: c.name,
    domain: c.domain,
    industry: c.industry,
    numberofemployees: String(c.employees),
    annualrevenue: c.annualRevenue === undefined ? undefined : String(c.annualRevenue),
    country: c.country,
    state: c.state,
    city: c.city,
    type: c.isCustomer ? "OTHER" : "PROSPECT",
  };
}

/** The HubSpot properties of one seed contact (also used by the benchmarks' seeding). */
export function contactProperties(c: SeedContact): Record<string, string | undefined> {
  return {
    email: c.email,
    firstname: c.firstName,
    lastname: c.lastName,
    jobtitle: c.jobTitle,
    hs_seniority: c.seniority,
    phone: c.phone,
    company: c.companyName,
    country: c.country,
    state: c.state,
    city: c.city,
    lifecyclestage: c.lifecycleStage,
    hs_analytics_source: c.source,
    // The utm_campaign of the first visit, and the portal's campaign for it where it has one.
    hs_analytics_source_data_1: c.campaign,
    hs_analytics_first_touch_converting_campaign: HUBSPOT_CAMPAIGNS.find((h) => h.utm === c.campaign)?.id,
    hs_email_optout: String(c.emailOptOut),
    hs_email_bounce: c.emailBounced ? "1" : "0",
  };
}

/** Records that already sit in a CRM passed its length checks: the seed's overlong values are cut. */
function fitTo(value: string | undefined, length: number): string | null {
  return value ? [...value].slice(0, length).join("") : null;
}
