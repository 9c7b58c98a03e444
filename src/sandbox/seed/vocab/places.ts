// Where companies and contacts are: countries with the spellings people type, cities, US states and the
// phone formats each country's people write. Numbers use fictional ranges (US 555-01xx, UK 020 7946 0xxx).
import type { Random, Weighted } from "../random.js";

export interface City {
  name: string;
  /** USPS code, US only. */
  state?: string;
  /** Dialling area code without the trunk prefix. */
  area: string;
}

export interface Country {
  iso: string;
  /** The English name first, then the other ways people write it. */
  spellings: readonly string[];
  tlds: readonly string[];
  legalForms: readonly string[];
  cities: readonly City[];
  phone: (rng: Random, area: string) => string;
}

const US_STATE_NAMES: Record<string, string> = {
  CA: "California",
  NY: "New York",
  TX: "Texas",
  MA: "Massachusetts",
  WA: "Washington",
  IL: "Illinois",
  GA: "Georgia",
  CO: "Colorado",
  FL: "Florida",
  NC: "North Carolina",
};

export const US_EAST_STATES = ["NY", "MA", "GA", "FL", "NC", "IL"] as const;
export const US_WEST_STATES = ["CA", "WA", "TX", "CO"] as const;

export function usStateName(code: string): string {
  return US_STATE_NAMES[code] ?? code;
}

function northAmerican(rng: Random, area: string): string {
  const line = `01${rng.digits(2)}`;
  return rng.weighted<string>([
    [`+1 (${area}) 555-${line}`, 4],
    [`${area}-555-${line}`, 3],
    [`(${area}) 555-${line}`, 2],
    [`+1${area}555${line}`, 1],
    [`${area}.555.${line} x${rng.digits(3)}`, 1],
  ]);
}

export const COUNTRIES: readonly Country[] = [
  {
    iso: "US",
    spellings: ["United States", "USA", "us", "U.S.", "United States of America"],
    tlds: [".com", ".com", ".io", ".us"],
    legalForms: ["Inc.", "LLC", "Corp."],
    cities: [
      { name: "San Francisco", state: "CA", area: "415" },
      { name: "Los Angeles", state: "CA", area: "213" },
      { name: "New York", state: "NY", area: "212" },
      { name: "Austin", state: "TX", area: "512" },
      { name: "Dallas", state: "TX", area: "214" },
      { name: "Boston", state: "MA", area: "617" },
      { name: "Seattle", state: "WA", area: "206" },
      { name: "Chicago", state: "IL", area: "312" },
      { name: "Atlanta", state: "GA", area: "404" },
      { name: "Denver", state: "CO", area: "303" },
      { name: "Miami", state: "FL", area: "305" },
      { name: "Raleigh", state: "NC", area: "919" },
    ],
    phone: northAmerican,
  },
  {
    iso: "CA",
    spellings: ["Canada", "CA", "canada"],
    tlds: [".ca", ".com"],
    legalForms: ["Inc.", "Ltd."],
    cities: [
      { name: "Toronto", area: "416" },
      { name: "Vancouver", area: "604" },
      { name: "Montréal", area: "514" },
    ],
    phone: northAmerican,
  },
  {
    iso: "GB",
    spellings: ["United Kingdom", "UK", "Great Britain", "England", "GB"],
    tlds: [".co.uk", ".com"],
    legalForms: ["Ltd", "plc"],
    cities: [
      { name: "London", area: "20" },
      { name: "Manchester", area: "161" },
      { name: "Edinburgh", area: "131" },
    ],
    phone: (rng, area) =>
      area === "20"
        ? rng.weighted<string>([
            [`020 7946 0${rng.digits(3)}`, 3],
            [`+44 20 7946 0${rng.digits(3)}`, 2],
            [`+44 (0)20 7946 0${rng.digits(3)}`, 1],
          ])
        : `0${area} 496 0${rng.digits(3)}`,
  },
  {
    iso: "DE",
    spellings: ["Germany", "Deutschland", "DE", "germany"],
    tlds: [".de", ".com"],
    legalForms: ["GmbH", "AG"],
    cities: [
      { name: "Berlin", area: "30" },
      { name: "München", area: "89" },
      { name: "Hamburg", area: "40" },
    ],
    phone: (rng, area) =>
      rng.weighted<string>([
        [`0049 ${area} ${rng.digits(7)}`, 2],
        [`+49 ${area} ${rng.digits(7)}`, 2],
        [`0${area} ${rng.digits(7)}`, 2],
        [`+49 (0)${area} ${rng.digits(3)} ${rng.digits(2)} ${rng.digits(2)}`, 1],
      ]),
  },
  {
    iso: "FR",
    spellings: ["France", "FR", "france"],
    tlds: [".fr", ".com"],
    legalForms: ["SA", "SAS"],
    cities: [
      { name: "Paris", area: "1" },
      { name: "Lyon", area: "4" },
    ],
    phone: (rng, area) => {
      const rest = `${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)}`;
      return rng.weighted<string>([
        [`+33 ${area} ${rest}`, 2],
        [`0${area} ${rest}`, 2],
        [`0033 ${area} ${rest}`, 1],
      ]);
    },
  },
  {
    iso: "ES",
    spellings: ["Spain", "España", "ES"],
    tlds: [".es", ".com"],
    legalForms: ["S.L.", "S.A."],
    cities: [
      { name: "Madrid", area: "91" },
      { name: "Barcelona", area: "93" },
    ],
    phone: (rng, area) =>
      rng.chance(0.5)
        ? `+34 ${area}${rng.digits(1)} ${rng.digits(3)} ${rng.digits(3)}`
        : `${area}${rng.digits(1)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)}`,
  },
  {
    iso: "BR",
    spellings: ["Brazil", "Brasil", "BR"],
    tlds: [".com.br", ".com"],
    legalForms: ["Ltda.", "S.A."],
    cities: [
      { name: "São Paulo", area: "11" },
      { name: "Rio de Janeiro", area: "21" },
    ],
    phone: (rng, area) =>
      rng.chance(0.5)
        ? `+55 ${area} 9${rng.digits(4)}-${rng.digits(4)}`
        : `(${area}) 9${rng.digits(4)}-${rng.digits(4)}`,
  },
  {
    iso: "JP",
    spellings: ["Japan", "JP", "japan"],
    tlds: [".co.jp", ".jp", ".com"],
    legalForms: ["K.K.", "Co., Ltd."],
    cities: [
      { name: "Tokyo", area: "3" },
      { name: "Osaka", area: "6" },
    ],
    phone: (rng, area) =>
      rng.chance(0.5)
        ? `+81 ${area}-${rng.digits(4)}-${rng.digits(4)}`
        : `0${area}-${rng.digits(4)}-${rng.digits(4)}`,
  },
  {
    iso: "AU",
    spellings: ["Australia", "AU", "Aus"],
    tlds: [".com.au", ".com"],
    legalForms: ["Pty Ltd"],
    cities: [
      { name: "Sydney", area: "2" },
      { name: "Melbourne", area: "3" },
    ],
    phone: (rng, area) =>
      rng.chance(0.5)
        ? `+61 ${area} ${rng.digits(4)} ${rng.digits(4)}`
        : `(0${area}) ${rng.digits(4)} ${rng.digits(4)}`,
  },
  {
    iso: "IN",
    spellings: ["India", "IN", "india"],
    tlds: [".in", ".co.in", ".com"],
    legalForms: ["Pvt Ltd", "Ltd"],
    cities: [
      { name: "Bengaluru", area: "80" },
      { name: "Mumbai", area: "22" },
      { name: "Pune", area: "20" },
    ],
    phone: (rng) =>
      rng.chance(0.5) ? `+91 9${rng.digits(4)} ${rng.digits(5)}` : `09${rng.digits(4)} ${rng.digits(5)}`,
  },
  {
    iso: "NL",
    spellings: ["Netherlands", "The Netherlands", "Holland", "NL"],
    tlds: [".nl", ".com"],
    legalForms: ["B.V.", "N.V."],
    cities: [{ name: "Amsterdam", area: "20" }],
    phone: (rng, area) =>
      rng.chance(0.5) ? `+31 ${area} ${rng.digits(3)} ${rng.digits(4)}` : `0${area}-${rng.digits(7)}`,
  },
];

/** How often companies are in each country (by ISO code). */
export const COUNTRY_WEIGHTS: Weighted<string> = [
  ["US", 44],
  ["GB", 10],
  ["DE", 9],
  ["FR", 6],
  ["CA", 6],
  ["IN", 5],
  ["ES", 4],
  ["BR", 4],
  ["JP", 4],
  ["AU", 4],
  ["NL", 3],
];

const BY_ISO = new Map(COUNTRIES.map((country) => [country.iso, country]));

export function countryByIso(iso: string): Country {
  const country = BY_ISO.get(iso);
  if (country === undefined) throw new Error(`unknown country ${iso}`);
  return country;
}

export function englishName(country: Country): string {
  return country.spellings[0] ?? country.iso;
}
