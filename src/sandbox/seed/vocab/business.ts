// Company and job vocabulary: name roots and industry words, HubSpot→Salesforce industry values, titles,
// and the email domains the qualification rules treat specially (free mail, competitors, students).
import type { HubSpotIndustry, SfIndustry } from "../types.js";

/** The company whose portal and org the sandbox emulates: reps' emails and the website are its own. */
export const SELLER_DOMAIN = "orbitlane.com";
export const SITE_ORIGIN = "https://www.orbitlane.com";

/** Fictional competitors; contacts at these domains are competitors researching the seller. */
export const COMPETITORS = [
  { name: "FunnelForge", domain: "funnelforge.io" },
  { name: "PipelinePilot", domain: "pipelinepilot.com" },
  { name: "LeadLatch", domain: "leadlatch.co" },
] as const;
export const COMPETITOR_DOMAINS: readonly string[] = COMPETITORS.map((competitor) => competitor.domain);

export const FREE_MAIL_DOMAINS = [
  "gmail.com",
  "yahoo.com",
  "hotmail.com",
  "outlook.com",
  "gmx.de",
  "yahoo.co.jp",
  "web.de",
  "icloud.com",
] as const;

export const STUDENT_DOMAINS = ["northfield.edu", "lakeshore.edu", "westbrook.edu", "pinecrest.edu"] as const;

/** Single capitalised words, none a prefix-plus-suffix of another, so root+suffix domains stay unique. */
export const COMPANY_ROOTS = [
  "Bluepeak",
  "Northwind",
  "Ironbark",
  "Silverline",
  "Brightwater",
  "Redwood",
  "Cobalt",
  "Summit",
  "Harbor",
  "Keystone",
  "Lumen",
  "Meridian",
  "Nimbus",
  "Oakridge",
  "Pinnacle",
  "Quartz",
  "Riverstone",
  "Sequoia",
  "Tidewater",
  "Vantage",
  "Westfield",
  "Zephyr",
  "Aurora",
  "Beacon",
  "Crescent",
  "Driftwood",
  "Evergreen",
  "Falcon",
  "Granite",
  "Helios",
  "Indigo",
  "Juniper",
  "Kestrel",
  "Larkspur",
  "Mosaic",
  "Nautilus",
  "Obsidian",
  "Paragon",
  "Quill",
  "Ridgeline",
  "Saffron",
  "Trident",
  "Umber",
  "Verity",
  "Willow",
  "Xylo",
  "Yarrow",
  "Zenith",
  "Alder",
  "Birch",
  "Cedar",
  "Dune",
  "Ember",
  "Fjord",
  "Glacier",
  "Hawthorn",
  "Ivory",
  "Jasper",
  "Kinetic",
  "Lattice",
  "Magnolia",
  "Nova",
  "Onyx",
  "Prairie",
  "Radiant",
  "Sable",
  "Thistle",
  "Uplift",
  "Vertex",
  "Wavecrest",
  "Yonder",
  "Acorn",
  "Bramble",
  "Clover",
  "Delta",
] as const;

export const INDUSTRY_WORDS: Readonly<Record<HubSpotIndustry, readonly string[]>> = {
  COMPUTER_SOFTWARE: ["Software", "Labs", "Cloud", "Data"],
  INFORMATION_TECHNOLOGY_AND_SERVICES: ["Technologies", "IT", "Solutions", "Digital"],
  FINANCIAL_SERVICES: ["Capital", "Financial", "Wealth"],
  BANKING: ["Bank", "Bancorp"],
  HOSPITAL_HEALTH_CARE: ["Health", "Medical", "Clinics"],
  MARKETING_AND_ADVERTISING: ["Media", "Creative", "Agency"],
  MANAGEMENT_CONSULTING: ["Consulting", "Advisors", "Partners"],
  RETAIL: ["Stores", "Outfitters", "Market"],
  LOGISTICS_AND_SUPPLY_CHAIN: ["Logistics", "Freight"],
  HIGHER_EDUCATION: ["College", "Academy"],
  TELECOMMUNICATIONS: ["Telecom", "Networks"],
  INSURANCE: ["Insurance", "Assurance", "Mutual"],
  MECHANICAL_OR_INDUSTRIAL_ENGINEERING: ["Engineering", "Industries", "Manufacturing"],
};

/** Names for companies beyond the root × word combinations. */
export const COMPANY_QUALIFIERS = [
  "Holdings",
  "Group",
  "International",
  "Europe",
  "Americas",
  "Global",
] as const;

export const SF_INDUSTRY_OF: Readonly<Record<HubSpotIndustry, SfIndustry>> = {
  COMPUTER_SOFTWARE: "Technology",
  INFORMATION_TECHNOLOGY_AND_SERVICES: "Technology",
  FINANCIAL_SERVICES: "Finance",
  BANKING: "Banking",
  HOSPITAL_HEALTH_CARE: "Healthcare",
  MARKETING_AND_ADVERTISING: "Media",
  MANAGEMENT_CONSULTING: "Consulting",
  RETAIL: "Retail",
  LOGISTICS_AND_SUPPLY_CHAIN: "Transportation",
  HIGHER_EDUCATION: "Education",
  TELECOMMUNICATIONS: "Telecommunications",
  INSURANCE: "Insurance",
  MECHANICAL_OR_INDUSTRIAL_ENGINEERING: "Engineering",
};

/** Job titles with how often they show up in a B2B marketing database. */
export const JOB_TITLES: readonly (readonly [string, number])[] = [
  ["VP Marketing", 4],
  ["Head of Revenue Operations", 4],
  ["Marketing Operations Manager", 6],
  ["Demand Generation Manager", 5],
  ["Chief Revenue Officer", 2],
  ["CMO", 2],
  ["Director of Sales", 4],
  ["Sales Development Representative", 5],
  ["Account Executive", 4],
  ["RevOps Analyst", 3],
  ["Salesforce Administrator", 3],
  ["Marketing Coordinator", 4],
  ["Software Engineer", 3],
  ["CFO", 1],
  ["CEO", 2],
  ["Founder", 2],
  ["Owner", 1],
  ["Consultant", 2],
  ["IT Manager", 2],
  ["Intern", 1],
  ["vp, marketing", 1],
  ["Mktg Ops Mgr", 1],
];

export const LONG_JOB_TITLE =
  "Senior Director of Global Revenue Operations, Marketing Technology, Sales Enablement and Customer " +
  "Lifecycle Strategy for the Europe, Middle East and Africa Region (Interim) - also covering Partner " +
  "Programs, Channel Marketing and Field Events";

export const LONG_COMPANY_NAME =
  "The International Association of Independent Regional Healthcare Providers, Clinical Laboratories and " +
  "Allied Diagnostic Service Organisations of Northern Europe and the Baltic States (Registered Charity " +
  "No. 1234567)";
