// The behaviour history a rep reads on the CRM record: one line per kind of interest, newest first,
// every entry dated, long values cut, and the whole kept under a long-text field's size.
import { DEFAULT_ACTIVITY_PROPERTIES } from "./activity-properties.js";
import type { ActivityProperties, MatchKey, ScoredActivity } from "./definition.js";
import { textWithin } from "../text/within.js";
import { cut } from "./values.js";

/** Long-text fields in CRMs hold 32,768 characters; stay under with room for a footer. */
export const SUMMARY_MAX_LENGTH = 32_000;
const VALUE_LENGTH = 80;

/** Form titles that are content offers (downloads, webinars) rather than contact or demo forms. */
const OFFER =
  /download|e-?book|white ?paper|guide|report|webinar|template|checklist|case stud|toolkit|offer/i;

type Section = "visits" | "forms" | "offers" | "emailClicks" | "ctaClicks";
const SECTION_TITLES: Record<Section, string> = {
  visits: "Last visits",
  forms: "Forms",
  offers: "Offers",
  emailClicks: "Email clicks",
  ctaClicks: "CTA clicks",
};

/**
 * A plain-text summary of `activities` up to `now`, at most `limit` entries per line, e.g.
 * `Last visits: 2026-11-20 Pricing (/pricing); 2026-11-18 Home (/)`.
 */
export function activitySummary(
  activities: readonly ScoredActivity[],
  now: Date,
  limit: number,
  properties: ActivityProperties = DEFAULT_ACTIVITY_PROPERTIES,
): string {
  const nowMs = now.getTime();
  const dated = activities
    .map((activity) => ({ activity, at: activity.occurredMs ?? Date.parse(activity.occurredAt) }))
    .filter((d) => d.at <= nowMs)
    // Newest first; the id breaks ties so the text never changes between runs.
    .sort((a, b) => b.at - a.at || (a.activity.id < b.activity.id ? -1 : 1));

  // Only the entries a line shows are formatted; the rest are counted for its "… n more" (a person's
  // months of page views made a string each, on every re-score, for the ten a rep sees).
  const entries: Record<Section, string[]> = {
    visits: [],
    forms: [],
    offers: [],
    emailClicks: [],
    ctaClicks: [],
  };
  const counts: Record<Section, number> = { visits: 0, forms: 0, offers: 0, emailClicks: 0, ctaClicks: 0 };
  const shown = (section: Section): boolean => counts[section]++ < limit;
  let opens = 0;
  let lastOpen: string | null = null;
  const read = (a: ScoredActivity, key: MatchKey) => first(a, properties[key]);
  // Indexed, not destructured in a for-of: that made an iterator result per activity unoptimised.
  for (let d = 0; d < dated.length; d++) {
    const { activity, at } = dated[d]!;
    switch (activity.kind) {
      case "page_view":
        if (shown("visits")) entries.visits.push(`${dayOf(activity, at)} ${page(read(activity, "title"), read(activity, "url"))}`);
        break;
      case "form_submission": {
        const form = read(activity, "form") ?? "form";
        const section = OFFER.test(form) ? "offers" : "forms";
        if (!shown(section)) break;
        const where = read(activity, "url");
        entries[section].push(`${dayOf(activity, at)} ${cut(form, VALUE_LENGTH)}${where ? ` (${path(where)})` : ""}`);
        break;
      }
      case "email_click": {
        if (!shown("emailClicks")) break;
        const subject = read(activity, "email") ?? "email";
        const link = read(activity, "url");
        entries.emailClicks.push(
          `${dayOf(activity, at)} ${cut(subject, VALUE_LENGTH)}${link ? ` (${cut(link, VALUE_LENGTH)})` : ""}`,
        );
        break;
      }
      case "cta_click":
        if (shown("ctaClicks")) entries.ctaClicks.push(`${dayOf(activity, at)} ${cut(read(activity, "cta") ?? "call to action", VALUE_LENGTH)}`);
        break;
      case "email_open":
        opens++;
        lastOpen ??= dayOf(activity, at);
        break;
      case "other":
        break;
    }
  }

  const lines: string[] = [];
  for (const section of Object.keys(SECTION_TITLES) as Section[]) {
    if (counts[section] === 0) continue;
    const more = counts[section] > limit ? `; … ${counts[section] - limit} more` : "";
    lines.push(`${SECTION_TITLES[section]}: ${entries[section].join("; ")}${more}`);
  }
  if (opens > 0) {
    lines.push(`Email opens: ${opens}, latest ${lastOpen!}`);
  }
  if (lines.length === 0) return "No activity yet.";
  return withinLimit(lines);
}

/** The UTC day of epoch milliseconds, `2026-11-20`. */
/**
 * The activity's day (UTC). An activity with `occurredMs` has the text `Date#toISOString` makes of it (the
 * behaviour cache writes it so: isoInstant), whose day is its first ten characters: no Date made again.
 */
function dayOf(activity: ScoredActivity, ms: number): string {
  if (activity.occurredMs === ms) return activity.occurredAt.slice(0, 10);
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whole lines until the limit, then a cut line marked as such. */
function withinLimit(lines: readonly string[]): string {
  let text = "";
  for (const line of lines) {
    const next = text ? `${text}\n${line}` : line;
    if (next.length <= SUMMARY_MAX_LENGTH) {
      text = next;
      continue;
    }
    const room = SUMMARY_MAX_LENGTH - text.length - (text ? 1 : 0);
    if (room > 1) text = text ? `${text}\n${textWithin(line, room)}` : textWithin(line, room);
    break;
  }
  return text;
}

function first(activity: ScoredActivity, names: readonly string[]): string | null {
  for (const name of names) {
    const value = activity.properties[name];
    if (value !== undefined && value.trim() !== "") return value;
  }
  return null;
}

/** `Pricing (/pricing)`: the title, and the URL's path, which says more than the host to a rep. */
function page(title: string | null, url: string | null): string {
  if (title && url) return `${cut(title, VALUE_LENGTH)} (${path(url)})`;
  if (url) return path(url);
  return title ? cut(title, VALUE_LENGTH) : "page";
}

function path(url: string): string {
  const withoutOrigin = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "");
  return cut(withoutOrigin || "/", VALUE_LENGTH);
}
