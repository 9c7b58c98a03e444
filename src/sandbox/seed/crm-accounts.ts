// Salesforce Accounts and Opportunities for companies: every customer has an Account with won deals (the
// upsell signal), some prospects have Accounts with open or lost deals, and a few Accounts exist only in
// the CRM. Websites are typed loosely, so matching to HubSpot companies has to go by domain.
import type { CompanyPlan } from "./companies.js";
import { DAY_MS, type SeedContext, STREAM } from "./context.js";
import { accountNameFor, spellCountry, websiteFor } from "./mess.js";
import { Random } from "./random.js";
import { ownerFor } from "./reps.js";
import type { SeedRep, SfAccount, SfOpportunity, SfOpportunityStage } from "./types.js";
import { SF_INDUSTRY_OF } from "./vocab/business.js";

const OPEN_STAGES: readonly SfOpportunityStage[] = [
  "Prospecting",
  "Qualification",
  "Needs Analysis",
  "Value Proposition",
  "Proposal/Price Quote",
  "Negotiation/Review",
];

export function accountKeyOf(plan: CompanyPlan): string {
  return `account-${plan.index + 1}`;
}

/** The account's owner; contacts at the account inherit it. */
export function accountOwner(ctx: SeedContext, reps: readonly SeedRep[], plan: CompanyPlan): string {
  return ownerFor(
    reps,
    new Random(ctx.seed, STREAM.account, plan.index, 0),
    plan.country.iso,
    plan.city.state,
  );
}

function amountFor(rng: Random, employees: number): number {
  const seats = Math.min(Math.max(employees, 5), 5000);
  return Math.round((seats * rng.int(40, 120)) / 100) * 100;
}

function opportunities(ctx: SeedContext, rng: Random, plan: CompanyPlan, owner: string): SfOpportunity[] {
  const { company } = plan;
  const base = company.name;
  const out: SfOpportunity[] = [];
  const add = (label: string, stageName: SfOpportunityStage, closeDate: Date): void => {
    out.push({
      key: `opp-${plan.index + 1}-${out.length + 1}`,
      name: `${base} - ${label} ${closeDate.getUTCFullYear()}`,
      stageName,
      amount: amountFor(rng, company.employees),
      closeDate,
      accountKey: accountKeyOf(plan),
      ownerRepKey: owner,
    });
  };
  const past = (): Date => rng.time(ctx.startMs, Math.max(ctx.startMs, ctx.nowMs - 30 * DAY_MS));
  const future = (): Date => rng.time(ctx.nowMs + 10 * DAY_MS, ctx.nowMs + 120 * DAY_MS);
  if (company.isCustomer) {
    const wins = rng.int(1, 4);
    const labels = ["New Business", "Renewal", "Expansion"];
    for (let i = 0; i < wins; i++) add(labels[i] ?? "Expansion", "Closed Won", past());
    if (rng.chance(0.4)) add("Upsell", rng.pick(OPEN_STAGES), future());
  } else {
    if (rng.chance(0.35)) add("New Business", rng.pick(OPEN_STAGES), future());
    if (rng.chance(0.2)) add("New Business", "Closed Lost", past());
  }
  return out;
}

export function accountFor(
  ctx: SeedContext,
  reps: readonly SeedRep[],
  plan: CompanyPlan,
): { account: SfAccount; opportunities: SfOpportunity[] } {
  const rng = new Random(ctx.seed, STREAM.account, plan.index, 1);
  const { company } = plan;
  const owner = accountOwner(ctx, reps, plan);
  const account: SfAccount = {
    key: accountKeyOf(plan),
    name: accountNameFor(rng, company.name),
    type: company.isCustomer ? (rng.chance(0.8) ? "Customer - Direct" : "Customer - Channel") : "Prospect",
    ownerRepKey: owner,
  };
  if (rng.chance(0.95)) account.website = websiteFor(rng, company.domain);
  if (rng.chance(0.9)) account.industry = SF_INDUSTRY_OF[company.industry];
  if (rng.chance(0.85)) account.employees = company.employees;
  if (rng.chance(0.9)) account.country = spellCountry(rng, plan.country);
  if (plan.city.state !== undefined && rng.chance(0.8)) account.state = plan.city.state;
  return { account, opportunities: opportunities(ctx, rng, plan, owner) };
}
