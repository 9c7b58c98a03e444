// The keys an error-queue row is grouped into problems by, as the store writes them with the row: the one
// grouping rule (core/text/error-problems.ts) over the row's stored columns, for the store's writes and
// for migration 32, which filled them for the rows before it (SQL functions of the same name).
import { ownProblemKey, problemKeysOf } from "../../core/text/error-problems.js";
import { fromJsonText } from "./json.js";

/** Whose problem the row is: its person, its record, or (a refused create naming no person) its own id. */
export function problemPersonOf(id: number, object: string, recordId: string | null, payload: string | null): string {
  return problemKeysOf({ object, recordId, message: "", payload: fromJsonText(payload) }).person ?? ownProblemKey(id);
}

export function problemCauseOf(object: string, message: string): string {
  return problemKeysOf({ object, recordId: null, message, payload: null }).cause;
}
