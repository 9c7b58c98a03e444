// `country_iso`: turns a country name or code into one canonical value, the ISO 3166-1 alpha-2 code
// ("Deutschland", "DEU", "germany" → "DE") or, with `{ country_iso: name }`, the English short name
// ("Deutschland" → "Germany"). Names are read in many languages (country-names.ts); matching ignores case,
// accents, punctuation and a leading "the". A normalisation: the same in both directions.
import { englishName, resolveCountry } from "./country-names.js";
import { type CompiledStep, fail, ok, quote, type StepFn } from "./result.js";

export { resolveCountry } from "./country-names.js";

export type CountryForm = "alpha2" | "name";

export function compileCountryIso(to: CountryForm = "alpha2"): CompiledStep {
  const step: StepFn = (value) => {
    const code = resolveCountry(value);
    if (!code) return fail(`value ${quote(value)} is not a country name or ISO 3166 code`);
    return ok(to === "name" ? (englishName(code) ?? code) : code);
  };
  return { toCrm: step, toMarketing: step };
}
