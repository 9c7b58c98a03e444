// `phone_e164`: writes a phone number in E.164 form ("+14155550134"). A number with "+" or an
// international prefix ("00", or the default country's own, e.g. "011" in the US) keeps its country; any
// other number is read as a national number of the default country, with its trunk prefix dropped
// ("020 7946 0958" in GB → "+442079460958"). "(0)" after the country code and a trunk "0" written after
// it by mistake ("+44 020 …") are dropped. Letters, extensions and digit counts that do not fit the
// country's plan are errors: E.164 cannot hold an extension, and silently dropping one would lose data.
// A normalisation: the same in both directions.
import { COUNTRIES, COUNTRY_BY_ALPHA2 } from "./countries.js";
import { DIAL_PLANS, type DialPlan, FALLBACK_PLAN, INTERNATIONAL_PREFIXES } from "./phone-plans.js";
import { broken, type CompiledStep, fail, ok, quote, type StepFn } from "./result.js";

/** E.164: at most 15 digits after the "+". */
const E164_MAX_DIGITS = 15;
const CALLING_CODES: ReadonlySet<string> = new Set(COUNTRIES.map((row) => row[2]));
const EXTENSION = /(?:ext\.?|extension|x|#)\s*\d+\s*$/i;
const SEPARATORS = /[\s\-.()/\u00a0]/g;

export function compilePhone(defaultCountry: string, invalid: "error" | "keep" = "error"): CompiledStep {
  const country = COUNTRY_BY_ALPHA2.get(defaultCountry.toUpperCase());
  if (!country) return broken(`phone_e164: ${quote(defaultCountry)} is not an ISO 3166 alpha-2 country code`);
  const home = country[2];
  const homePlan = DIAL_PLANS[home] ?? FALLBACK_PLAN;
  const internationalPrefix = INTERNATIONAL_PREFIXES[country[0]];
  const step: StepFn = (value) => {
    const result = toE164(value, home, homePlan, internationalPrefix);
    if ("number" in result) return ok(result.number);
    return invalid === "keep"
      ? ok(value.trim())
      : fail(`value ${quote(value)} is not a phone number: ${result.reason}`);
  };
  return { toCrm: step, toMarketing: step };
}

type Parsed = { number: string } | { reason: string };

/** The E.164 number, or the reason there is none. */
function toE164(value: string, home: string, homePlan: DialPlan, internationalPrefix?: string): Parsed {
  const text = value.trim();
  if (EXTENSION.test(text)) return { reason: "it has an extension, which E.164 cannot hold" };
  if (/\p{L}/u.test(text)) return { reason: "it contains letters" };
  const plus = text.startsWith("+");
  // "+49 (0)30 …": the "(0)" is the trunk prefix written for national callers.
  const digits = (plus ? text.slice(1) : text).replace(/\(\s*0\s*\)/, "").replace(SEPARATORS, "");
  if (!/^\d+$/.test(digits))
    return { reason: "it contains characters other than digits, spaces and - . ( ) /" };

  let international: string;
  if (plus) international = digits;
  else if (internationalPrefix && digits.startsWith(internationalPrefix)) {
    international = digits.slice(internationalPrefix.length);
  } else if (digits.startsWith("00")) international = digits.slice(2);
  else {
    const national =
      homePlan.trunk && digits.startsWith(homePlan.trunk) && digits.length > homePlan.min
        ? digits.slice(homePlan.trunk.length)
        : digits;
    return check(home, national, homePlan);
  }

  const code = callingCode(international);
  if (!code) return { reason: "it does not start with a known country calling code" };
  const plan = DIAL_PLANS[code];
  let national = international.slice(code.length);
  // "+44 020 …": a trunk "0" kept after the country code, only where national numbers never start with 0.
  if (plan?.trunk === "0" && national.startsWith("0")) national = national.slice(1);
  return check(code, national, plan ?? { trunk: "", min: FALLBACK_PLAN.min, max: FALLBACK_PLAN.max });
}

function callingCode(digits: string): string | undefined {
  // ITU calling codes are prefix-free, so the first match of 1, 2 or 3 digits is the code.
  for (let length = 1; length <= 3; length++) {
    const candidate = digits.slice(0, length);
    if (CALLING_CODES.has(candidate)) return candidate;
  }
  return undefined;
}

function check(code: string, national: string, plan: DialPlan): Parsed {
  if (national.length < plan.min || national.length > plan.max) {
    const expected = plan.min === plan.max ? `${plan.min}` : `${plan.min} to ${plan.max}`;
    return {
      reason: `+${code} numbers have ${expected} digits after the country code, this one has ${national.length}`,
    };
  }
  if (code.length + national.length > E164_MAX_DIGITS)
    return { reason: "it is longer than E.164's 15 digits" };
  // NANP area codes and exchanges never start with 0 or 1.
  if (code === "1" && !/^[2-9]\d{2}[2-9]/.test(national))
    return { reason: "it is not a valid North American number" };
  return { number: `+${code}${national}` };
}
