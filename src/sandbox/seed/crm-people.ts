// Salesforce Leads and Contacts: the CRM's copies of marketing contacts (emails often in another case or
// with stray spaces), a Lead duplicating a Contact's email, duplicate Leads differing only in case, and
// leads reps found themselves that marketing never saw.

import { companyAt } from "./companies.js";
import type { ContactPlan } from "./contacts.js";
import { namePairAt, type SeedContext, STREAM } from "./context.js";
import { accountKeyOf, accountOwner } from "./crm-accounts.js";
import { accountNameFor, driftedEmail, spellCountry } from "./mess.js";
import { isAnchor } from "./quirks.js";
import { Random } from "./random.js";
import { ownerFor } from "./reps.js";
import type { HubSpotSource, SeedRep, SfContact, SfLead, SfLeadSource, SfLeadStatus } from "./types.js";
import { JOB_TITLES } from "./vocab/business.js";
import { asciiName } from "./vocab/names.js";

/** Leads reps created themselves, per rep. */
export const REP_LEADS_PER_REP = 3;

const LEAD_SOURCE_OF: Partial<Record<HubSpotSource, SfLeadSource>> = {
  REFERRALS: "Partner Referral",
  OFFLINE: "Other",
};

const OPEN_STATUSES: readonly (readonly [SfLeadStatus, number])[] = [
  ["Open - Not Contacted", 4],
  ["Working - Contacted", 4],
  ["Closed - Not Converted", 2],
];

export interface CrmPeople {
  leads: SfLead[];
  contacts: SfContact[];
}

function leadFrom(
  rng: Random,
  reps: readonly SeedRep[],
  plan: ContactPlan,
  key: string,
  email: string,
): SfLead {
  const { contact, employer } = plan;
  const lead: SfLead = {
    key,
    firstName: plan.name.first,
    lastName: plan.name.last,
    email,
    // Salesforce requires Company; HubSpot's own connector fills "[not provided]".
    company: employer
      ? accountNameFor(rng, employer.company.name)
      : contact.companyName?.trim() || "[not provided]",
    status: rng.weighted(OPEN_STATUSES),
    ownerRepKey: ownerFor(reps, rng, plan.country.iso, plan.city.state),
    leadSource: rng.chance(0.1) ? "Purchased List" : (LEAD_SOURCE_OF[contact.source] ?? "Web"),
  };
  const title = contact.jobTitle?.trim();
  if (title) lead.title = title;
  if (rng.chance(0.85)) lead.country = spellCountry(rng, plan.country);
  if (plan.city.state !== undefined && rng.chance(0.8)) lead.state = plan.city.state;
  return lead;
}

const LEAD_CHANCE = { cold: 0.08, warm: 0.2, hot: 0.3 } as const;

export function crmPeopleFor(ctx: SeedContext, reps: readonly SeedRep[], plan: ContactPlan): CrmPeople {
  const rng = new Random(ctx.seed, STREAM.crmPerson, plan.index);
  const { contact, employer, quirk } = plan;
  const email = contact.email.toLowerCase();
  const key = plan.index + 1;
  const people: CrmPeople = { leads: [], contacts: [] };
  const anchor = isAnchor(plan.index);

  const atAccount = employer?.hasAccount === true && quirk !== "caseDuplicate";
  if (atAccount && (anchor || rng.chance(employer.company.isCustomer ? 0.6 : 0.25))) {
    const crmContact: SfContact = {
      key: `crm-contact-${key}`,
      firstName: plan.name.first,
      lastName: plan.name.last,
      email: rng.chance(0.7) ? email : driftedEmail(rng, email),
      accountKey: accountKeyOf(employer),
      ownerRepKey: accountOwner(ctx, reps, employer),
      leadSource: LEAD_SOURCE_OF[contact.source] ?? "Web",
    };
    const title = contact.jobTitle?.trim();
    if (title) crmContact.title = title;
    if (contact.phone !== undefined) crmContact.phone = contact.phone;
    people.contacts.push(crmContact);
    // A web-to-lead form created a Lead for someone already a Contact: sync must prefer the Contact.
    if (plan.index === 0 || rng.chance(0.08))
      people.leads.push(leadFrom(rng, reps, plan, `lead-${key}`, email));
    return people;
  }

  const chance = quirk === "caseDuplicate" ? 1 : LEAD_CHANCE[plan.temperature];
  if (!rng.chance(chance)) return people;
  if (quirk === "caseDuplicate") {
    // Salesforce allows duplicate Leads; these two differ from the marketing email and each other only in case/space.
    people.leads.push(leadFrom(rng, reps, plan, `lead-${key}`, email));
    people.leads.push(leadFrom(rng, reps, plan, `lead-${key}-dup`, `${email.toUpperCase()} `));
    return people;
  }
  people.leads.push(
    leadFrom(rng, reps, plan, `lead-${key}`, rng.chance(0.5) ? email : driftedEmail(rng, email)),
  );
  return people;
}

/** Company indexes past the HubSpot companies: prospects only reps know about. */
export function repLeadCompanyIndex(ctx: SeedContext, repIndex: number, n: number): number {
  return ctx.options.companies + repIndex * REP_LEADS_PER_REP + n;
}

export function repOwnLeads(ctx: SeedContext, reps: readonly SeedRep[]): SfLead[] {
  const leads: SfLead[] = [];
  reps.forEach((rep, repIndex) => {
    for (let n = 0; n < REP_LEADS_PER_REP; n++) {
      const plan = companyAt(ctx, repLeadCompanyIndex(ctx, repIndex, n));
      const rng = new Random(ctx.seed, STREAM.repLeads, repIndex, n);
      const name = namePairAt(ctx.plainNames, rng.int(0, ctx.plainNames.size), 0);
      const lead: SfLead = {
        key: `lead-rep-${repIndex + 1}-${n + 1}`,
        firstName: name.first,
        lastName: name.last,
        email: `${asciiName(name.first)}.${asciiName(name.last)}@${plan.company.domain}`,
        company: plan.company.name,
        title: rng.weighted(JOB_TITLES),
        country: spellCountry(rng, plan.country),
        status: rng.chance(0.6) ? "Working - Contacted" : "Open - Not Contacted",
        ownerRepKey: rep.key,
        leadSource: rng.pick<SfLeadSource>(["Phone Inquiry", "Partner Referral", "Other"]),
      };
      if (plan.city.state !== undefined) lead.state = plan.city.state;
      leads.push(lead);
    }
  });
  return leads;
}
