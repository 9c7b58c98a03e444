// Turns a RecordWrite's canonical fields into the JSON Salesforce takes, using the object's describe:
// field names in Salesforce's spelling, numbers, booleans, dates and dateTimes typed, blanks as null.

import type { FieldValue } from "../../core/records.js";
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
  return describedField(described, name).name;
}

/** The described field `name` names (in any case), as `apiFieldName` finds it. */
function describedField(described: DescribedObject, name: string): { name: string; sfType: string } {
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
  return field;
}

/**
 * The write's fields as Salesforce takes them. Each field is looked up once (its name lower-cased once)
 * and walked with for-in, not made into [name, value] pairs first: a first load prepares every
 * Lead's dozen fields this way.
 */
export function prepareBody(described: DescribedObject, write: RecordWrite): PreparedBody {
  const fields: SalesforceFields = {};
  const bad: string[] = [];
  const reasons: string[] = [];
  for (const name in write.fields) {
    const field = describedField(described, name);
    const apiName = field.name;
    // A key for-in gave: its value is the field's (null included), never absent.
    const converted = toSalesforceValue(field.sfType, write.fields[name] as FieldValue);
    if (converted.ok) fields[apiName] = converted.value;
    else {
      bad.push(apiName);
      reasons.push(`${apiName}: ${converted.message}`);
    }
  }
  return bad.length === 0 ? { ok: true, fields } : { ok: false, message: reasons.join("; "), fields: bad };
}
