// Companies by index: company i is a pure function of (seed, i), so contacts can look up their employer
// while streaming. Names are a seeded permutation of root × industry word, which keeps domains unique.
import { type SeedContext, STREAM } from "./context.js";
import { Random } from "./random.js";
import { HUBSPOT_INDUSTRIES, type HubSpotIndustry, type SeedCompany } from "./types.js";
import { COMPANY_QUALIFIERS, COMPANY_ROOTS, INDUSTRY_WORDS } from "./vocab/business.js";
import { asciiName } from "./vocab/names.js";
import { type City, COUNTRY_WEIGHTS, type Country, countryByIso, englishName } from "./vocab/places.js";

const COMBOS = HUBSPOT_INDUSTRIES.flatMap((industry) =>
  INDUSTRY_WORDS[industry].map((word) => ({ industry, word })),
);

/** How many distinct base names exist before qualifiers ("Holdings", ...) are needed. */
export const COMPANY_NAME_SPACE = COMPANY_ROOTS.length * COMBOS.length;

export const EMAIL_STYLES = ["first.last", "first_last", "last.first", "first-last"] as const;
export type EmailStyle = (typeof EMAIL_STYLES)[number];

/** A company with what contacts and CRM records derived from it need to know. */
export interface CompanyPlan {
  index: number;
  company: SeedCompany;
  country: Country;
  city: City;
  /** Every employee's address follows the company's one convention. */
  emailStyle: EmailStyle;
  /** Whether the CRM holds an Account for it (always for customers). */
  hasAccount: boolean;
}

function baseName(
  ctx: SeedContext,
  index: number,
): { name: string; slug: string; industry: HubSpotIndustry } {
  const k = ((index % COMPANY_NAME_SPACE) * ctx.companyStride + ctx.companyOffset) % COMPANY_NAME_SPACE;
  const root = COMPANY_ROOTS[k % COMPANY_ROOTS.length] ?? "Acme";
  const combo = COMBOS[Math.floor(k / COMPANY_ROOTS.length)] ?? { industry: "RETAIL", word: "Market" };
  const name = `${root} ${combo.word}`;
  const slug = asciiName(root) + asciiName(combo.word);
  const cycle = Math.floor(index / COMPANY_NAME_SPACE);
  if (cycle === 0) return { name, slug, industry: combo.industry };
  // A hyphen never occurs in a base slug, so qualified slugs cannot collide with base ones.
  const qualifier = COMPANY_QUALIFIERS[cycle - 1] ?? String(cycle + 1);
  return {
    name: `${name} ${qualifier}`,
    slug: `${slug}-${qualifier.toLowerCase()}`,
    industry: combo.industry,
  };
}

function employeesFor(rng: Random, index: number, total: number): number {
  // Pin both ends of the range on fixed slots so small seeds still span 1 to 50,000.
  if (total > 3 && index === 2) return 1;
  if (total > 3 && index === 3) return 50_000;
  const [low, high] = rng.weighted<readonly [number, number]>([
    [[1, 11], 20],
    [[11, 51], 25],
    [[51, 201], 22],
    [[201, 1001], 18],
    [[1001, 5001], 10],
    [[5001, 50_001], 5],
  ]);
  return rng.int(low, high);
}

/**
 * Company `index` of this run. Indexes at or beyond the company count are "CRM-only" companies that
 * never appear in HubSpot (reps' own prospects).
 */
export function companyAt(ctx: SeedContext, index: number): CompanyPlan {
  const rng = new Random(ctx.seed, STREAM.company, index);
  const { name, slug, industry } = baseName(ctx, index);
  const country = countryByIso(rng.weighted(COUNTRY_WEIGHTS));
  const city = rng.pick(country.cities);
  const employees = employeesFor(rng, index, ctx.options.companies);
  const legalForm = rng.chance(0.5) ? ` ${rng.pick(country.legalForms)}` : "";
  const isCustomer = index < ctx.customerCount;
  const company: SeedCompany = {
    key: `company-${index + 1}`,
    name: name + legalForm,
    domain: slug + rng.pick(country.tlds),
    industry,
    employees,
    country: englishName(country),
    city: city.name,
    isCustomer,
  };
  if (city.state !== undefined) company.state = city.state;
  if (rng.chance(0.8)) company.annualRevenue = employees * rng.int(60, 260) * 1000;
  return {
    index,
    company,
    country,
    city,
    emailStyle: rng.weighted<EmailStyle>([
      ["first.last", 7],
      ["first_last", 1],
      ["last.first", 1],
      ["first-last", 1],
    ]),
    hasAccount: isCustomer || (index < ctx.options.companies && rng.chance(0.25)),
  };
}
