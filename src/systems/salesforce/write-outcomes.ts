// The failed outcomes both Salesforce writers (Collections and Bulk API 2.0) hand back per record.
import type { RecordFailure, WriteOutcome } from "../../sync/system-port.js";
import type { PreparedBody } from "./record-body.js";

export function failed(ref: string, error: RecordFailure): WriteOutcome {
  return { ref, ok: false, error };
}

/** A record none of whose answers came back: a fault to report, never to count as written. */
export function missingResult(api: string): RecordFailure {
  return { errorClass: "bug", code: "NO_RESULT", message: `no ${api} result came back for this record` };
}

/** A value that cannot take the field's type fails its record alone, before anything is sent. */
export function invalidValue(ref: string, prepared: Extract<PreparedBody, { ok: false }>): WriteOutcome {
  return failed(ref, {
    errorClass: "data",
    code: "LEADLOOP_INVALID_VALUE",
    message: prepared.message,
    fields: prepared.fields,
  });
}
