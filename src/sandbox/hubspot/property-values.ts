// Checks and normalises the property values of one write the way HubSpot's CRM objects API does:
// unknown properties, enumeration options, numbers, booleans, dates and emails are refused with the
// "Property values were not valid" VALIDATION_ERROR (https://developers.hubspot.com/docs/api/error-handling),
// and values come back as HubSpot stores them (strings, ISO datetimes, lower-case email).
import { HubspotApiError } from "./errors.js";
import type { PropertyDefinition } from "./property-definitions.js";

export type WriteValue = string | number | boolean | null | undefined;

export interface PropertyProblem {
  name: string;
  error: string;
  message: string;
}

export interface WriteContext {
  definitions: ReadonlyMap<string, PropertyDefinition>;
  ownerIds: ReadonlySet<string>;
  /** API writes may not set read-only values; the in-process seed API may (HubSpot sets them itself). */
  enforceReadOnly: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A string property's value, written through the CRM, may be 65,536 characters long (Knowledge Base,
 * "Property field types in HubSpot": single-line and multi-line text, "When the value is added through
 * the CRM, the character limit is 65,536 characters"; only form submissions are unlimited). HubSpot's
 * backend is Java, so characters are counted as UTF-16 units (`String.length`): an emoji counts two.
 */
export const STRING_VALUE_MAX_LENGTH = 65_536;

/** The values to store (null clears a property) or the problems that make the write invalid. */
export function normaliseWrite(
  input: Record<string, WriteValue>,
  ctx: WriteContext,
): { values: Record<string, string | null>; problems: PropertyProblem[] } {
  const values: Record<string, string | null> = {};
  const problems: PropertyProblem[] = [];
  for (const [name, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    const def = ctx.definitions.get(name);
    if (!def) {
      problems.push({ name, error: "PROPERTY_DOESNT_EXIST", message: `Property "${name}" does not exist` });
      continue;
    }
    if (ctx.enforceReadOnly && def.modificationMetadata.readOnlyValue) {
      problems.push({
        name,
        error: "READ_ONLY_VALUE",
        message: `"${name}" is a read only property; its value cannot be set.`,
      });
      continue;
    }
    // An empty string clears the property, as it does in HubSpot.
    const text = raw === null ? "" : String(raw);
    if (text.trim() === "") {
      values[name] = null;
      continue;
    }
    const result = normaliseValue(def, text, ctx.ownerIds);
    if (typeof result === "string") values[name] = result;
    else problems.push({ name, ...result });
  }
  return { values, problems };
}

function normaliseValue(
  def: PropertyDefinition,
  text: string,
  ownerIds: ReadonlySet<string>,
): string | { error: string; message: string } {
  switch (def.type) {
    case "number": {
      const n = Number(text.trim());
      if (!Number.isFinite(n))
        return { error: "INVALID_DECIMAL", message: `${text} was not a valid number.` };
      return text.trim();
    }
    case "bool": {
      const lower = text.trim().toLowerCase();
      if (lower !== "true" && lower !== "false") {
        return { error: "INVALID_BOOLEAN", message: `${text} was not a valid boolean value.` };
      }
      return lower;
    }
    case "datetime":
    case "date": {
      const at = parseInstant(text);
      if (!at) return { error: "INVALID_DATE", message: `${text} was not a valid long or ISO 8601 date.` };
      if (def.type === "datetime") return at.toISOString();
      // "Date properties will only store the date, and must be set to midnight UTC ... If you try to set a
      // value that is not midnight UTC, you will receive an error" (API FAQ, "How should timestamps be
      // formatted for HubSpot's APIs?"); the message is HubSpot's, as HubSpot/hubspot-api-php #74 quotes it.
      const time = at.toISOString().slice(11, 23);
      if (time !== "00:00:00.000") {
        const [h, m, s] = time.split(":").map(Number);
        return { error: "INVALID_DATE", message: `${text} is at ${h}:${m}:${s} UTC, not midnight!` };
      }
      return at.toISOString().slice(0, 10);
    }
    case "enumeration": {
      if (def.externalOptions && def.name === "hubspot_owner_id") {
        if (!ownerIds.has(text.trim())) {
          return { error: "INVALID_OWNER_ID", message: `${text} is not a valid owner id` };
        }
        return text.trim();
      }
      const allowed = def.options.map((o) => o.value);
      const chosen = def.fieldType === "checkbox" ? text.split(";") : [text];
      const bad = chosen.find((v) => !allowed.includes(v));
      if (bad !== undefined) {
        return {
          error: "INVALID_OPTION",
          message: `${bad} was not one of the allowed options: [${allowed.join(", ")}]`,
        };
      }
      return text;
    }
    default:
      // The error code is the emulator's: the references name the limit, not the code HubSpot answers with.
      if (text.length > STRING_VALUE_MAX_LENGTH) {
        return {
          error: "INVALID_STRING_LENGTH",
          message: `${def.name} was ${text.length} characters long; the maximum is ${STRING_VALUE_MAX_LENGTH}.`,
        };
      }
      if (def.name === "email" || def.name === "hs_additional_emails") {
        const email = text.trim().toLowerCase();
        if (def.name === "email" && !EMAIL.test(email)) {
          return { error: "INVALID_EMAIL", message: `Email address ${text} is invalid` };
        }
        return email;
      }
      return text;
  }
}

/** A datetime given as epoch milliseconds or ISO 8601, as HubSpot accepts both. */
export function parseInstant(text: string): Date | undefined {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return new Date(Number(trimmed));
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const at = new Date(trimmed);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** HubSpot's VALIDATION_ERROR for a write whose property values were refused. */
export function invalidPropertiesError(problems: PropertyProblem[]): HubspotApiError {
  const detail = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.error,
    name: p.name,
    localizedErrorMessage: p.message,
  }));
  return new HubspotApiError(
    400,
    "VALIDATION_ERROR",
    `Property values were not valid: ${JSON.stringify(detail)}`,
    undefined,
    problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  );
}
