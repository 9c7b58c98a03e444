// A form submission told by the conversion properties HubSpot keeps on every contact, below Enterprise
// (ARCHITECTURE.md, "Behaviour on every tier"): when a contact's submission count rose by exactly one
// since its behaviour was last read and its latest conversion is newer than that read, the one new
// submission is the latest conversion, and the forms API need not be read for it. Anything else (two new
// submissions, a count that fell after a merge, a conversion no form of the portal names) is not told
// here: the caller reads the forms API instead.

/** A form of the portal, as the forms API lists it. */
export interface PortalForm {
  id: string;
  name: string;
}

/** What the contact showed then: its submission count (null: not known, a mark older than the count) and when it was read. */
export interface ConversionsBefore {
  count: string | null;
  readAt: string;
}

/**
 * When the one new submission the contact's properties tell was made (an ISO instant), or null when they
 * do not tell one for certain. `before` is null for a contact never read before (every submission it has
 * is in its count); `slackMs` is how late HubSpot may record a conversion, so one dated a little before
 * the last read is still taken as new.
 */
export function newSubmissionAt(
  fields: Readonly<Record<string, string | null | undefined>>,
  before: ConversionsBefore | null,
  slackMs: number,
): string | null {
  const count = wholeNumber(fields.num_conversion_events ?? null);
  const previous = before === null ? 0 : before.count === null ? null : wholeNumber(before.count);
  if (count === null || previous === null || count !== previous + 1) return null;
  const at = Date.parse(fields.recent_conversion_date ?? "");
  if (Number.isNaN(at)) return null;
  if (before !== null && at < Date.parse(before.readAt) - slackMs) return null;
  return new Date(at).toISOString();
}

/**
 * The form a conversion's name (`recent_conversion_event_name`: "<form name>: <page title>", or the form
 * name alone) names: the longest form name it starts with, so a form named like another's prefix is not
 * taken for it. Undefined when none does (a form since deleted, a conversion that is not a form's).
 */
export function formNamed(conversionName: string | null | undefined, forms: readonly PortalForm[]): PortalForm | undefined {
  const name = conversionName ?? "";
  let found: PortalForm | undefined;
  for (const f of forms) {
    if (f.name === "" || (name !== f.name && !name.startsWith(`${f.name}: `))) continue;
    if (!found || f.name.length > found.name.length) found = f;
  }
  return found;
}

/** The count a mark keeps: a whole number as text, blank as "0", anything else unknown (null). */
export function conversionCount(value: string | null | undefined): string | null {
  const n = wholeNumber(value ?? null);
  return n === null ? null : String(n);
}

/** A count as HubSpot shows it: blank is none; anything but a whole number is not a count. */
function wholeNumber(value: string | null): number | null {
  if (value === null || value.trim() === "") return 0;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}
