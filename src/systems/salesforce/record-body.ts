// Turns a RecordWrite's canonical fields into the JSON Salesforce takes, using the object's describe:
// field names in Salesforce's spelling, numbers, booleans, dates and dateTimes typed, blanks as null.

import { SystemError } from "../../sync/system-error.js";
import type { RecordWrite } from "../../sync/system-port.js";
import type { DescribedObject } from "./describe.js";
import { SYSTEM } from "./errors.js";
import { toSalesforceValue } from "./values.js";

export type SalesforceFields = Record<string, string | number | boolean | null>;

export type PreparedBody =
  | { ok: true; fields: SalesforceFields }
  | { ok: false; message: string; fields: string[] };

/** Throws a config SystemError for a field the object does not have: every record would fail the same way. */
export function apiFieldName(described: DescribedObject, name: string): string {
  const field = described.fields.get(name.toLowerCase());
  if (!field) {
    throw new SystemError({
      system: SYSTEM,
      errorClass: "config",
      code: "INVALID_FIELD",
      message: `the mapping names a field Salesforce does not have: ${described.name}.${name}`,
      retriable: false,
    });
  }
  return field.name;
}

export function prepareBody(described: DescribedObject, write: RecordWrite): PreparedBody {
  const fields: SalesforceFields = {};
  const bad: string[] = [];
  const reasons: string[] = [];
  for (const [name, value] of Object.entries(write.fields)) {
    const apiName = apiFieldName(described, name);
    const converted = toSalesforceValue(described.fields.get(name.toLowerCase())!.sfType, value);
    if (converted.ok) fields[apiName] = converted.value;
    else {
      bad.push(apiName);
      reasons.push(`${apiName}: ${converted.message}`);
    }
  }
  return bad.length === 0 ? { ok: true, fields } : { ok: false, message: reasons.join("; "), fields: bad };
}
