// Entry point of the seed generator: everything the sandbox's HubSpot portal and Salesforce org hold
// before leadloop runs, deterministic for a given seed and `now`. Pure: no I/O, no clock.
import { COMPANY_NAME_SPACE, companyAt } from "./companies.js";
import { contactPlans } from "./contacts.js";
import { createContext, type SeedContext } from "./context.js";
import { accountFor, accountOwner } from "./crm-accounts.js";
import { crmPeopleFor, REP_LEADS_PER_REP, repOwnLeads } from "./crm-people.js";
import type { SeedOptions } from "./options.js";
import { buildQueues, buildReps } from "./reps.js";
import type { ContactWithActivities, SeedActivity, SeedCrm, SeedData } from "./types.js";

export type { SeedOptions } from "./options.js";

/** Accounts only the CRM knows (no HubSpot company shares their domain). */
const CRM_ONLY_ACCOUNTS = 2;

function contextFor(options: SeedOptions): SeedContext {
  return createContext(options, COMPANY_NAME_SPACE);
}

/**
 * The marketing contacts one at a time with their activities, for loads too big to hold in memory.
 * Yields exactly the contacts (and activities) `generateSeed` returns for the same options.
 */
export function* generateContacts(options: SeedOptions): Generator<ContactWithActivities> {
  const ctx = contextFor(options);
  for (const plan of contactPlans(ctx)) yield { contact: plan.contact, activities: plan.activities };
}

export function generateSeed(options: SeedOptions): SeedData {
  const ctx = contextFor(options);
  const reps = buildReps(ctx);
  const companyPlans = Array.from({ length: ctx.options.companies }, (_, index) => companyAt(ctx, index));
  // A company sales already works has the owner of its Account in HubSpot too (company owner).
  for (const plan of companyPlans)
    if (plan.hasAccount) plan.company.ownerRepKey = accountOwner(ctx, reps, plan);
  const crm: SeedCrm = { leads: [], contacts: [], accounts: [], opportunities: [] };

  const contacts = [];
  const activities: SeedActivity[] = [];
  for (const plan of contactPlans(ctx)) {
    contacts.push(plan.contact);
    for (const activity of plan.activities) activities.push(activity);
    const people = crmPeopleFor(ctx, reps, plan);
    crm.leads.push(...people.leads);
    crm.contacts.push(...people.contacts);
  }
  crm.leads.push(...repOwnLeads(ctx, reps));

  const crmOnlyStart = ctx.options.companies + reps.length * REP_LEADS_PER_REP;
  const crmOnly = Array.from({ length: CRM_ONLY_ACCOUNTS }, (_, n) => companyAt(ctx, crmOnlyStart + n));
  for (const plan of [...companyPlans.filter((company) => company.hasAccount), ...crmOnly]) {
    const { account, opportunities } = accountFor(ctx, reps, plan);
    crm.accounts.push(account);
    crm.opportunities.push(...opportunities);
  }

  const fallback = reps.find((rep) => rep.fallback);
  if (fallback === undefined) throw new Error("no fallback rep");
  return {
    reps,
    queues: buildQueues(reps),
    fallbackRepKey: fallback.key,
    companies: companyPlans.map((plan) => plan.company),
    contacts,
    activities,
    crm,
  };
}
