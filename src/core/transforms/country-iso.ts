// `country_iso`: turns a country name or code into its ISO 3166-1 alpha-2 code ("Deutschland", "DEU",
// "germany" → "DE"). Matching ignores case, accents, punctuation and a leading "the", so "U.S.",
// "Côte d’Ivoire" and "cote divoire" all match. Names come from the table in countries.ts (English names,
// alpha-2, alpha-3, common alternates) and from the runtime's CLDR data (Intl.DisplayNames) in a few
// languages, so "Allemagne" or "Brasil" match too. The table always wins over CLDR when they disagree.
import { COUNTRIES } from "./countries.js";
import { type CompiledStep, fail, ok, quote, type StepFn } from "./result.js";

/** Languages whose CLDR country names are accepted besides the table's. */
const CLDR_LANGUAGES = ["en", "de", "fr", "es", "it", "pt", "nl", "sv", "pl"] as const;

/** The form names are compared in: no accents, no case, no punctuation, single spaces. */
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
  return key;
}

let index: Map<string, string> | undefined;

function countryIndex(): Map<string, string> {
  if (index) return index;
  const built = new Map<string, string>();
  for (const [alpha2, alpha3, _dial, ...names] of COUNTRIES) {
    for (const name of [alpha2, alpha3, ...names]) built.set(countryKey(name), alpha2);
  }
  addCldrNames(built);
  index = built;
  return built;
}

// CLDR names only fill gaps: a runtime without full ICU data simply adds nothing.
function addCldrNames(target: Map<string, string>): void {
  for (const language of CLDR_LANGUAGES) {
    for (const style of ["long", "short"] as const) {
      let names: Intl.DisplayNames;
      try {
        names = new Intl.DisplayNames([language], { type: "region", style, fallback: "none" });
      } catch {
        continue;
      }
      for (const [alpha2] of COUNTRIES) {
        const name = names.of(alpha2);
        if (!name) continue;
        const key = countryKey(name);
        if (key && !target.has(key)) target.set(key, alpha2);
      }
    }
  }
}

/** The alpha-2 code for a country name or code, or undefined when none matches. */
export function resolveCountry(value: string): string | undefined {
  return countryIndex().get(countryKey(value));
}

const countryStep: StepFn = (value) => {
  const code = resolveCountry(value);
  return code ? ok(code) : fail(`value ${quote(value)} is not a country name or ISO 3166 code`);
};

/** A normalisation: the same in both directions. */
export function compileCountryIso(): CompiledStep {
  return { toCrm: countryStep, toMarketing: countryStep };
}
