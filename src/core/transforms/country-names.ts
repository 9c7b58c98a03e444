// Country names in many languages, from i18n-iso-countries' data (pure data and functions, so core may
// use it). Only the locales below are registered (the package's default entry registers all 79), each
// imported as JSON so the set of names is fixed at build time. The runtime's CLDR names
// (Intl.DisplayNames, in a few languages) fill the gaps the package's lists leave ("Vatican City",
// "Tchéquie"); a runtime
// without full ICU data adds nothing. The index is built once, on first use.
import countries from "i18n-iso-countries/index.js";
import bg from "i18n-iso-countries/langs/bg.json" with { type: "json" };
import cs from "i18n-iso-countries/langs/cs.json" with { type: "json" };
import da from "i18n-iso-countries/langs/da.json" with { type: "json" };
import de from "i18n-iso-countries/langs/de.json" with { type: "json" };
import el from "i18n-iso-countries/langs/el.json" with { type: "json" };
import en from "i18n-iso-countries/langs/en.json" with { type: "json" };
import es from "i18n-iso-countries/langs/es.json" with { type: "json" };
import et from "i18n-iso-countries/langs/et.json" with { type: "json" };
import fi from "i18n-iso-countries/langs/fi.json" with { type: "json" };
import fr from "i18n-iso-countries/langs/fr.json" with { type: "json" };
import ga from "i18n-iso-countries/langs/ga.json" with { type: "json" };
import hr from "i18n-iso-countries/langs/hr.json" with { type: "json" };
import hu from "i18n-iso-countries/langs/hu.json" with { type: "json" };
import is from "i18n-iso-countries/langs/is.json" with { type: "json" };
import it from "i18n-iso-countries/langs/it.json" with { type: "json" };
import ja from "i18n-iso-countries/langs/ja.json" with { type: "json" };
import ko from "i18n-iso-countries/langs/ko.json" with { type: "json" };
import lt from "i18n-iso-countries/langs/lt.json" with { type: "json" };
import lv from "i18n-iso-countries/langs/lv.json" with { type: "json" };
import nb from "i18n-iso-countries/langs/nb.json" with { type: "json" };
import nl from "i18n-iso-countries/langs/nl.json" with { type: "json" };
import nn from "i18n-iso-countries/langs/nn.json" with { type: "json" };
import pl from "i18n-iso-countries/langs/pl.json" with { type: "json" };
import pt from "i18n-iso-countries/langs/pt.json" with { type: "json" };
import ro from "i18n-iso-countries/langs/ro.json" with { type: "json" };
import ru from "i18n-iso-countries/langs/ru.json" with { type: "json" };
import sk from "i18n-iso-countries/langs/sk.json" with { type: "json" };
import sl from "i18n-iso-countries/langs/sl.json" with { type: "json" };
import sr from "i18n-iso-countries/langs/sr.json" with { type: "json" };
import sv from "i18n-iso-countries/langs/sv.json" with { type: "json" };
import tr from "i18n-iso-countries/langs/tr.json" with { type: "json" };
import uk from "i18n-iso-countries/langs/uk.json" with { type: "json" };
import zh from "i18n-iso-countries/langs/zh.json" with { type: "json" };

/** The languages an admin's data is read in, English first: on a clash between languages, the earlier wins. */
const LOCALES = [
  en, de, fr, es, it, pt, nl, sv, da, nb, nn, fi, is, pl, cs, sk, hu, ro, bg, hr, sl, sr, et, lv, lt, el, tr, ru, uk, ga, ja, zh, ko,
];
for (const locale of LOCALES) countries.registerLocale(locale);

/**
 * Spellings people type that no locale lists: ASCII transliterations and informal names. Kept small;
 * everything else comes from the locales.
 */
const EXTRA_NAMES: Readonly<Record<string, readonly string[]>> = {
  AE: ["UAE", "Emirates"],
  AG: ["Antigua"],
  AL: ["Shqipëria"],
  AT: ["Oesterreich"],
  BA: ["Bosnia"],
  BL: ["St Barts"],
  BO: ["Plurinational State of Bolivia"],
  BY: ["Byelorussia"],
  CC: ["Cocos Islands"],
  CD: ["DR Congo", "DRC", "Congo, Democratic Republic of the"],
  CN: ["PRC"],
  FK: ["Falklands"],
  FO: ["Faroes"],
  GB: ["Britain", "England", "Scotland", "Wales", "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland"],
  GF: ["Guyane"],
  GL: ["Kalaallit Nunaat"],
  HK: ["Hong Kong SAR"],
  IE: ["Republic of Ireland"],
  IN: ["Bharat"],
  IR: ["Iran, Islamic Republic of"],
  JP: ["Nippon"],
  KP: ["DPRK", "Korea, Democratic People's Republic of"],
  KR: ["Korea"],
  MK: ["Macedonia"],
  NL: ["Holland"],
  NZ: ["Aotearoa"],
  PH: ["Pilipinas"],
  PS: ["Palestine, State of"],
  SA: ["KSA"],
  SH: ["Saint Helena, Ascension and Tristan da Cunha"],
  SK: ["Slovak Republic"],
  TL: ["East Timor"],
  TW: ["台灣"],
  TZ: ["Tanzania, United Republic of"],
  US: ["America"],
  VA: ["Holy See", "Vatican"],
  VE: ["Venezuela, Bolivarian Republic of"],
  XK: ["XKX"],
  ZA: ["Suid-Afrika"],
};

/** The form names are compared in: no accents, no case, no punctuation, single spaces, no leading "the". */
export function countryKey(value: string): string {
  let key = value
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’.]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  if (key.startsWith("the ")) key = key.slice(4);
  // "St Kitts", "St. Lucia": the lists spell "Saint".
  return key.replace(/\bst\b/g, "saint");
}

let index: Map<string, string> | undefined;

function countryIndex(): Map<string, string> {
  if (index) return index;
  const built = new Map<string, string>();
  const add = (name: string, alpha2: string) => {
    const key = countryKey(name);
    if (key && !built.has(key)) built.set(key, alpha2);
  };
  // Codes first, so a name in some language that spells another country's code never shadows the code.
  for (const [alpha2, alpha3] of Object.entries(countries.getAlpha2Codes())) {
    add(alpha2, alpha2);
    add(alpha3, alpha2);
  }
  for (const locale of LOCALES) {
    for (const [alpha2, names] of Object.entries(countries.getNames(locale.locale, { select: "all" }))) {
      for (const name of names) add(name, alpha2);
    }
  }
  for (const [alpha2, names] of Object.entries(EXTRA_NAMES)) for (const name of names) add(name, alpha2);
  addCldrNames(Object.keys(countries.getAlpha2Codes()), add);
  index = built;
  return built;
}

/** The languages whose CLDR names fill gaps: asking Intl for every locale's 250 names costs more than it finds. */
const CLDR_LOCALES = ["en", "de", "fr", "es", "it", "nl", "pt", "sv"] as const;

function addCldrNames(codes: readonly string[], add: (name: string, alpha2: string) => void): void {
  for (const locale of CLDR_LOCALES) {
    let names: Intl.DisplayNames;
    try {
      names = new Intl.DisplayNames([locale], { type: "region", fallback: "none" });
    } catch {
      continue;
    }
    for (const alpha2 of codes) {
      const name = names.of(alpha2);
      if (name) add(name, alpha2);
    }
  }
}

/** Values `resolveCountry` keeps the answer for, at most; beyond it the memory starts over. */
const RESOLVED_KEPT = 2_000;
/** A value longer than this is resolved but not kept: no country's name is so long. */
const RESOLVED_VALUE_MAX = 100;
const resolved = new Map<string, string | undefined>();

/**
 * The ISO 3166-1 alpha-2 code for a country name (in a registered language) or code, or undefined. The
 * answer for a value is kept: a portal's contacts spell a few dozen countries thousands of times, and
 * the key's normalising (NFKD and six regular expressions) was made anew for each, by the scoring's
 * country rules, routing, phone numbers and `country_iso` alike.
 */
export function resolveCountry(value: string): string | undefined {
  if (resolved.has(value)) return resolved.get(value);
  const code = countryIndex().get(countryKey(value));
  if (value.length <= RESOLVED_VALUE_MAX) {
    if (resolved.size >= RESOLVED_KEPT) resolved.clear();
    resolved.set(value, code);
  }
  return code;
}

/** True for an ISO 3166-1 alpha-2 code the data knows (any case). */
export function isCountryCode(value: string): boolean {
  return countries.isValid(value.toUpperCase()) && value.length === 2;
}

/** The English short name of an alpha-2 code (the canonical name a `country_iso: name` mapping writes). */
export function englishName(alpha2: string): string | undefined {
  return countries.getName(alpha2.toUpperCase(), "en", { select: "official" });
}

/** Every alpha-2 code, for tests and checks that walk the whole list. */
export function allCountryCodes(): string[] {
  return Object.keys(countries.getAlpha2Codes());
}
