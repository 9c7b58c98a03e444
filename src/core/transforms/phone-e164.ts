// `phone_e164`: writes a phone number in E.164 form ("+14155550134") with libphonenumber-js, which knows
// every country's numbering plan. A number with "+" or an international prefix ("00", or the region's
// own, e.g. "011" in the US) keeps its country; any other number is read as a national number of the
// record's country (`countryField`, any spelling `country_iso` reads) or else of `defaultCountry`.
// The `max` metadata is used on purpose: it holds each country's number patterns, so a number of the
// right length in a range no operator was given ("+1 415 015 0134") is refused instead of written to the
// CRM. The smaller `min` metadata checks lengths only; its saving (some 100 kB) matters in a browser
// bundle, not in a sync process. An extension is refused: E.164 cannot hold one, and dropping it would
// lose data. A normalisation: the same in both directions.
import {
  type CountryCode,
  isSupportedCountry,
  ParseError,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from "libphonenumber-js/max";
import type { Transform } from "../mapping.js";
import { resolveCountry } from "./country-names.js";
import { broken, type CompiledStep, fail, ok, quote, type SourceRecordFields, type StepFn } from "./result.js";

type PhoneTransform = Extract<Transform, { kind: "phone_e164" }>;

/** True for an alpha-2 code (any case) that has a numbering plan. */
export function isPhoneRegion(code: string): boolean {
  return isSupportedCountry(code.toUpperCase());
}

export function compilePhone(transform: PhoneTransform): CompiledStep {
  const fallback = transform.defaultCountry.toUpperCase();
  if (!isSupportedCountry(fallback))
    return broken(
      `phone_e164: ${quote(transform.defaultCountry)} is not an ISO 3166 alpha-2 country code with a telephone numbering plan`,
    );
  const { countryField, invalid } = transform;
  const step: StepFn = (value, source) => {
    const region = (countryField && recordRegion(source, countryField)) || (fallback as CountryCode);
    const result = cachedE164(value, region);
    if ("number" in result) return ok(result.number);
    return invalid === "keep"
      ? ok(value.trim())
      : fail(`value ${quote(value)} is not a phone number: ${result.reason}`);
  };
  return { toCrm: step, toMarketing: step };
}

/** The record's own country, when it names one that has a numbering plan. */
function recordRegion(
  source: SourceRecordFields | undefined,
  field: { marketing: string; crm: string },
): CountryCode | undefined {
  const raw = source?.fields[source.side === "marketing" ? field.marketing : field.crm];
  if (!raw || !raw.trim()) return undefined;
  const code = resolveCountry(raw);
  return code && isSupportedCountry(code) ? code : undefined;
}

type Parsed = { number: string } | { reason: string };

/**
 * Parsing with full metadata costs tens of microseconds; the merge reads one value more than once (to
 * compare both sides, then to write), and a run meets the same numbers again. Bounded: cleared when full.
 */
const PARSED_MAX = 10_000;
const parsedCache = new Map<string, Parsed>();

function cachedE164(value: string, region: CountryCode): Parsed {
  const key = `${region}\u0000${value}`;
  let parsed = parsedCache.get(key);
  if (parsed === undefined) {
    if (parsedCache.size >= PARSED_MAX) parsedCache.clear();
    parsed = toE164(value, region);
    parsedCache.set(key, parsed);
  }
  return parsed;
}

const LENGTH_REASONS: Record<string, string> = {
  TOO_SHORT: "it has too few digits",
  TOO_LONG: "it has too many digits",
  INVALID_LENGTH: "its number of digits fits no number of that country",
  INVALID_COUNTRY: "it does not start with a known country calling code",
  NOT_A_NUMBER: "it is not a number",
};

const PARSE_REASONS: Record<string, string> = {
  INVALID_COUNTRY: "it does not start with a known country calling code",
  NOT_A_NUMBER: "it contains characters other than digits, spaces and - . ( ) /",
  TOO_SHORT: "it has too few digits",
  TOO_LONG: "it has too many digits",
};

/** The E.164 number, or the reason there is none. */
function toE164(value: string, region: CountryCode): Parsed {
  const text = value.trim();
  const parsed = parse(text, region);
  // "0049 …" in a US record: "00" is not the US international prefix (011), but it is how most of the
  // world dials out, and no NANP national number starts with 0, so it is read as "+".
  if ("reason" in parsed && /^00[1-9]/.test(text)) {
    const international = parse(`+${text.slice(2)}`, region);
    if ("number" in international) return international;
  }
  return parsed;
}

function parse(text: string, region: CountryCode): Parsed {
  if (/\p{L}/u.test(text.replace(/(?:ext\.?|extension|x|#)\s*\d+\s*$/i, "")))
    return { reason: "it contains letters" };
  let phone;
  try {
    // extract: false — the whole value must be the number, not a number found inside some text.
    phone = parsePhoneNumberWithError(text, { defaultCountry: region, extract: false });
  } catch (error) {
    if (error instanceof ParseError)
      return { reason: PARSE_REASONS[error.message] ?? `it cannot be read (${error.message})` };
    throw error;
  }
  if (phone.ext) return { reason: "it has an extension, which E.164 cannot hold" };
  if (phone.isValid()) return { number: phone.number };
  const where = phone.country ?? phone.getPossibleCountries()[0] ?? `+${phone.countryCallingCode}`;
  const length = validatePhoneNumberLength(text, { defaultCountry: region });
  if (length) return { reason: `${LENGTH_REASONS[length] ?? length} for ${where}` };
  return { reason: `it fits no number range of ${where}` };
}
