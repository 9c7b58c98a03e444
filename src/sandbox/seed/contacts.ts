// Marketing contacts by index, each a pure function of (seed, index) plus its company, so a million can
// be streamed. Emails are unique (case-insensitively) by construction: company addresses take a name pair
// no colleague has; free-mail, student and competitor addresses carry the contact's index.
import { buildActivities, type Persona, type Temperature } from "./activities.js";
import { type CompanyPlan, companyAt, type EmailStyle } from "./companies.js";
import { DAY_MS, type NamePair, namePairAt, type SeedContext, STREAM } from "./context.js";
import { capitalisedEmail, lowerInitial, pad, spellCountry, spellState } from "./mess.js";
import { hashSeed } from "./prng.js";
import { isAnchor, type Quirk, quirkAt } from "./quirks.js";
import { Random } from "./random.js";
import type { HubSpotSource, LifecycleStage, SeedActivity, SeedContact, Seniority } from "./types.js";
import {
  COMPETITORS,
  FREE_MAIL_DOMAINS,
  JOB_TITLES,
  LONG_COMPANY_NAME,
  LONG_JOB_TITLE,
  STUDENT_DOMAINS,
} from "./vocab/business.js";
import { asciiName } from "./vocab/names.js";
import { type City, COUNTRY_WEIGHTS, type Country, countryByIso } from "./vocab/places.js";
import { ACQUISITION_CAMPAIGNS } from "./vocab/web.js";

type Kind = "company" | "freeMail" | "student" | "competitor";

/** A contact plus what the CRM side derives from it; only `contact` and `activities` are published. */
export interface ContactPlan {
  index: number;
  contact: SeedContact;
  activities: SeedActivity[];
  quirk: Quirk | undefined;
  temperature: Temperature;
  employer: CompanyPlan | undefined;
  /** The clean name, as a rep would have typed it into the CRM. */
  name: NamePair;
  country: Country;
  city: City;
}

function kindOf(rng: Random, index: number, quirk: Quirk | undefined): Kind {
  if (quirk === "freeMail") return "freeMail";
  if (quirk === "student") return "student";
  if (quirk === "competitor") return "competitor";
  if (quirk !== undefined || isAnchor(index)) return "company";
  return rng.weighted<Kind>([
    ["company", 78],
    ["freeMail", 15],
    ["student", 5],
    ["competitor", 2],
  ]);
}

function localPart(style: EmailStyle, first: string, last: string): string {
  switch (style) {
    case "first.last":
      return `${first}.${last}`;
    case "first_last":
      return `${first}_${last}`;
    case "last.first":
      return `${last}.${first}`;
    case "first-last":
      return `${first}-${last}`;
  }
}

function emailFor(
  rng: Random,
  kind: Kind,
  index: number,
  name: NamePair,
  employer: CompanyPlan | undefined,
): string {
  const first = asciiName(name.first);
  const last = asciiName(name.last);
  if (employer !== undefined) {
    const suffix = name.cycle === 0 ? "" : String(name.cycle + 1);
    return `${localPart(employer.emailStyle, first, last)}${suffix}@${employer.company.domain}`;
  }
  // The index is the only digits in these local parts, which keeps them unique.
  switch (kind) {
    case "student":
      return `${first}.${last}${index}@${rng.pick(STUDENT_DOMAINS)}`;
    case "competitor":
      return `${first.charAt(0)}${last}${index}@${rng.pick(COMPETITORS).domain}`;
    default:
      return `${first}${rng.pick([".", "", "_"])}${last}${index}@${rng.pick(FREE_MAIL_DOMAINS)}`;
  }
}

function temperatureOf(rng: Random, kind: Kind, quirk: Quirk | undefined): Temperature {
  if (quirk === "hot") return "hot";
  if (kind === "student" || kind === "competitor") return rng.chance(0.7) ? "cold" : "warm";
  return rng.weighted<Temperature>([
    ["cold", 72],
    ["warm", 24],
    ["hot", 4],
  ]);
}

function stageOf(
  rng: Random,
  kind: Kind,
  temperature: Temperature,
  employer: CompanyPlan | undefined,
): LifecycleStage {
  if (employer?.company.isCustomer && rng.chance(0.6)) return rng.chance(0.1) ? "evangelist" : "customer";
  if (kind === "student" || kind === "competitor") return rng.chance(0.5) ? "other" : "subscriber";
  const weights: Record<Temperature, readonly (readonly [LifecycleStage, number])[]> = {
    hot: [
      ["marketingqualifiedlead", 5],
      ["lead", 3],
      ["salesqualifiedlead", 2],
    ],
    warm: [
      ["lead", 6],
      ["subscriber", 3],
      ["marketingqualifiedlead", 1],
    ],
    cold: [
      ["subscriber", 7],
      ["lead", 3],
    ],
  };
  return rng.weighted(weights[temperature]);
}

const SOURCE_WEIGHTS: readonly (readonly [HubSpotSource, number])[] = [
  ["ORGANIC_SEARCH", 30],
  ["PAID_SEARCH", 12],
  ["EMAIL_MARKETING", 8],
  ["SOCIAL_MEDIA", 8],
  ["PAID_SOCIAL", 7],
  ["REFERRALS", 10],
  ["OTHER_CAMPAIGNS", 5],
  ["DIRECT_TRAFFIC", 15],
  ["OFFLINE", 5],
];
const CAMPAIGN_SOURCES: ReadonlySet<HubSpotSource> = new Set([
  "PAID_SEARCH",
  "PAID_SOCIAL",
  "EMAIL_MARKETING",
  "OTHER_CAMPAIGNS",
  "OFFLINE",
]);

/** The acquisition campaigns a source's traffic comes from (one pick, so the stream stays as it was). */
function campaignsOf(source: HubSpotSource): readonly (typeof ACQUISITION_CAMPAIGNS)[number][] {
  switch (source) {
    case "PAID_SEARCH":
      return ["Google Ads - Brand", "Google Ads - Lead routing"];
    case "PAID_SOCIAL":
      return ["LinkedIn - State of RevOps 2026"];
    case "EMAIL_MARKETING":
      return ["Webinar: Fixing the lead handoff", "Partner co-marketing: Q2"];
    case "OFFLINE":
      return ["SaaStr Annual booth"];
    default:
      return ACQUISITION_CAMPAIGNS;
  }
}

function displayName(
  rng: Random,
  quirk: Quirk | undefined,
  name: NamePair,
): { firstName: string; lastName: string } {
  let firstName = name.first;
  let lastName = name.last;
  if (quirk === "oddCase" || rng.chance(0.02)) {
    firstName = firstName.toUpperCase();
    lastName = /^Ma?c[A-Z]/.test(lastName) ? lowerInitial(lastName) : lastName.toLowerCase();
  }
  if (quirk === "padded" || rng.chance(0.01)) {
    if (rng.chance(0.5)) firstName = pad(rng, firstName);
    else lastName = pad(rng, lastName);
  }
  if (quirk === "blankLastName" || rng.chance(0.01)) lastName = "";
  return { firstName, lastName };
}

function companyNameFor(
  rng: Random,
  kind: Kind,
  quirk: Quirk | undefined,
  employer: CompanyPlan | undefined,
  email: string,
): string | undefined {
  if (quirk === "longCompanyName") return LONG_COMPANY_NAME;
  if (employer !== undefined) {
    const name = employer.company.name;
    return rng.weighted<string | undefined>([
      [name, 17],
      [name.toLowerCase(), 2],
      [undefined, 1],
    ]);
  }
  if (kind === "competitor")
    return COMPETITORS.find((competitor) => email.endsWith(`@${competitor.domain}`))?.name;
  if (kind === "student") return rng.chance(0.5) ? undefined : "University";
  return rng.weighted<string | undefined>([
    [undefined, 6],
    ["Self-employed", 2],
    ["Freelance", 1],
    ["N/A", 1],
  ]);
}

export function contactAt(ctx: SeedContext, index: number): ContactPlan {
  const rng = new Random(ctx.seed, STREAM.contact, index);
  const quirk = isAnchor(index) ? undefined : quirkAt(ctx, index);
  const companyCount = ctx.options.companies;
  const slot = Math.floor(index / companyCount);
  let kind = kindOf(rng, index, quirk);
  let employer = kind === "company" ? companyAt(ctx, index % companyCount) : undefined;
  // A company cannot have more contacts than staff; the rest signed up with a private address.
  if (
    employer !== undefined &&
    quirk === undefined &&
    !isAnchor(index) &&
    slot >= employer.company.employees
  ) {
    kind = "freeMail";
    employer = undefined;
  }
  const grid = quirk === "accentName" || rng.chance(0.1) ? ctx.accentedNames : ctx.plainNames;
  const name =
    employer !== undefined
      ? namePairAt(grid, hashSeed(ctx.seed, STREAM.companyNames, employer.index) % grid.size, slot)
      : namePairAt(grid, rng.int(0, grid.size), 0);
  const email = emailFor(rng, kind, index, name, employer);
  const country = employer?.country ?? countryByIso(rng.weighted(COUNTRY_WEIGHTS));
  const city = employer?.city ?? rng.pick(country.cities);
  const temperature = temperatureOf(rng, kind, quirk);
  const upper = ctx.nowMs - { cold: 30, warm: 14, hot: 8 }[temperature] * DAY_MS;
  const createdAt = rng.time(ctx.startMs, Math.max(ctx.startMs, upper));
  const source = rng.weighted(SOURCE_WEIGHTS);

  const contact: SeedContact = {
    key: `contact-${index + 1}`,
    email: quirk === "caseDuplicate" ? capitalisedEmail(email) : email,
    ...displayName(rng, quirk, name),
    lifecycleStage: stageOf(rng, kind, temperature, employer),
    createdAt,
    source,
    emailOptOut: rng.chance(temperature === "cold" ? 0.05 : 0.01),
    emailBounced: rng.chance(kind === "student" ? 0.1 : 0.02),
  };
  const jobTitle =
    kind === "student"
      ? "Student"
      : quirk === "longTitle"
        ? LONG_JOB_TITLE
        : quirk === "blankTitle" || rng.chance(0.06)
          ? undefined
          : rng.weighted(JOB_TITLES);
  if (jobTitle !== undefined) contact.jobTitle = jobTitle;
  // HubSpot's enrichment fills hs_seniority from the title for most contacts; its own stream, so the
  // contact's other draws stay as they were.
  const seniority = jobTitle === undefined ? undefined : seniorityOf(jobTitle);
  if (seniority !== undefined && new Random(ctx.seed, STREAM.enrichment, index).chance(0.8))
    contact.seniority = seniority;
  if (quirk !== "blankPhone" && rng.chance(0.65)) contact.phone = country.phone(rng, city.area);
  if (employer !== undefined && rng.chance(0.95)) contact.companyKey = employer.company.key;
  const companyName = companyNameFor(rng, kind, quirk, employer, email);
  if (companyName !== undefined) contact.companyName = companyName;
  if (quirk !== "blankCountry" && rng.chance(0.92)) {
    contact.country = spellCountry(rng, country);
    if (city.state !== undefined && rng.chance(0.85)) contact.state = spellState(rng, city.state);
  }
  if (rng.chance(0.85)) contact.city = city.name;
  if (CAMPAIGN_SOURCES.has(source) && rng.chance(0.8)) contact.campaign = rng.pick(campaignsOf(source));

  const persona: Persona = kind === "student" ? "student" : kind === "competitor" ? "competitor" : "buyer";
  const activities = buildActivities(ctx, rng, contact.key, temperature, persona, createdAt);
  return { index, contact, activities, quirk, temperature, employer, name, country, city };
}

/** Contacts 0..count-1 in order, one at a time. */
export function* contactPlans(ctx: SeedContext): Generator<ContactPlan> {
  for (let index = 0; index < ctx.options.contacts; index++) yield contactAt(ctx, index);
}

/** The seniority HubSpot's enrichment would give a job title (checked most senior first). */
export function seniorityOf(title: string): Seniority | undefined {
  const t = title.toLowerCase();
  if (/\b(owner|founder)\b/.test(t)) return "owner";
  if (/\bpartner\b/.test(t) && !/partner program/.test(t)) return "partner";
  if (/\b(chief|c[emfrt]o|president)\b/.test(t)) return "executive";
  if (/\b(vp|vice president)\b/.test(t)) return "vp";
  if (/\b(director|head of)\b/.test(t)) return "director";
  if (/\b(manager|mgr)\b/.test(t)) return "manager";
  if (/\b(intern|student)\b/.test(t)) return undefined;
  return "employee";
}
