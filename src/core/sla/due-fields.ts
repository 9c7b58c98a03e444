// How a task's due time is written in a CRM's fields, as data: an outbox write keeps it, so a drain that
// sends the write later than the run that decided it can write the due time of the clock it starts then
// (ARCHITECTURE.md "The follow-up SLA"), with no CRM vocabulary at hand (`errors retry` has none).

/** `instant`: the ISO date-time itself; `day`: its UTC date (YYYY-MM-DD), for a date-only field. */
export const DUE_FORMS = ["instant", "day"] as const;
export type DueForm = (typeof DUE_FORMS)[number];

/** One field that says when a task is due, and the form it takes the due time in. */
export interface DueField {
  field: string;
  form: DueForm;
}

/** The values of `fields` for a task due at `at` (an ISO date-time). */
export function dueFieldValues(fields: readonly DueField[], at: string): Record<string, string> {
  return Object.fromEntries(fields.map(({ field, form }) => [field, form === "day" ? at.slice(0, 10) : at]));
}
