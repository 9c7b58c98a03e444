// Turns one Transform from a mapping into its prepared step, and says why a Transform is unusable (for
// the mapping loader). Each kind lives in its own file; this is the only place that lists them all.
import type { Transform } from "../mapping.js";
import { compileCountryIso } from "./country-iso.js";
import { compileDate, dateFormProblem } from "./date.js";
import { compileDefault } from "./default-value.js";
import { compilePhone, isPhoneRegion } from "./phone-e164.js";
import type { CompiledStep } from "./result.js";
import { compileCase } from "./text-case.js";
import { compileTrim } from "./trim.js";
import { compileTruncate } from "./truncate.js";
import { compileValueMap } from "./value-map.js";

export function compileStep(transform: Transform): CompiledStep {
  switch (transform.kind) {
    case "trim":
      return compileTrim();
    case "case":
      return compileCase(transform.to);
    case "phone_e164":
      return compilePhone(transform);
    case "country_iso":
      return compileCountryIso(transform.to);
    case "value_map":
      return compileValueMap(transform);
    case "date":
      return compileDate(transform.marketing, transform.crm);
    case "default":
      return compileDefault(transform.value);
    case "truncate":
      return compileTruncate(transform.length);
  }
}

/** Why a transform cannot work whatever the value, or undefined when it is fine. */
export function transformProblem(transform: Transform): string | undefined {
  switch (transform.kind) {
    case "phone_e164":
      return isPhoneRegion(transform.defaultCountry)
        ? undefined
        : `default country "${transform.defaultCountry}" is not an ISO 3166 alpha-2 code with a telephone numbering plan`;
    case "date":
      return dateFormProblem(transform.marketing) ?? dateFormProblem(transform.crm);
    case "truncate":
      return Number.isInteger(transform.length) && transform.length > 0
        ? undefined
        : "truncate needs a whole number of characters above 0";
    default:
      return undefined;
  }
}
