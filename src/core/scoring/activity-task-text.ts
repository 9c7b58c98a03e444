// The description of the completed task a handoff writes for one significant activity: what the person
// did, in words a rep reads (the page, form, email or call to action, its address or link, when, and how
// often), rather than the event's raw properties, which put `hs_form_id: <GUID>` and `hs_url_path` lines
// in front of the rep (ARCHITECTURE.md "How one sync run flows", the handoff's completed tasks).
import { textWithin } from "../text/within.js";
import { DEFAULT_ACTIVITY_PROPERTIES } from "./activity-properties.js";
import type { ActivityKind, ActivityProperties, MatchKey } from "./definition.js";
import type { SignificantActivity } from "./significant.js";

/** What each kind of activity was about, labelled for the rep: the match key read, then the address. */
const ABOUT: Readonly<Record<ActivityKind, { label: string; key: MatchKey }>> = {
  page_view: { label: "Page", key: "title" },
  form_submission: { label: "Form", key: "form" },
  email_open: { label: "Email", key: "email" },
  email_click: { label: "Email", key: "email" },
  cta_click: { label: "Call to action", key: "cta" },
  other: { label: "About", key: "title" },
};

/** A click's URL is the link followed; a page view's or form's is the page it happened on. */
const ADDRESS_LABEL: Readonly<Record<ActivityKind, string>> = {
  page_view: "Address",
  form_submission: "Address",
  email_open: "Link",
  email_click: "Link",
  cta_click: "Address",
  other: "Address",
};

/**
 * HubSpot's email events name the email's campaign beside its subject; a rep reads it as where the email
 * came from (a newsletter, a nurture).
 */
const EMAIL_CAMPAIGN_NAME = "hs_email_campaign_name";

/** A single value longer than this (a pasted URL with tracking, a form's title) is cut, marked with "…". */
const VALUE_MAX = 500;

/**
 * E.g. `Form: Request a demo\nAddress: https://example.com/demo\nWhen: 2026-12-04 14:03 UTC (3 times since
 * 2026-11-20)`. Lines without a value are left out; an activity naming nothing still says when it was.
 */
export function activityTaskBody(
  s: SignificantActivity,
  properties: ActivityProperties = DEFAULT_ACTIVITY_PROPERTIES,
): string {
  const { kind } = s.activity;
  const read = (names: readonly string[]): string | null => {
    for (const name of names) {
      const value = s.activity.properties[name]?.replace(/\s+/g, " ").trim();
      if (value) return cutValue(value);
    }
    return null;
  };
  const lines: string[] = [];
  const about = read(properties[ABOUT[kind].key]);
  const campaign = kind === "email_click" || kind === "email_open" ? read([EMAIL_CAMPAIGN_NAME]) : null;
  if (about) lines.push(`${ABOUT[kind].label}: ${about}${campaign && campaign !== about ? ` (${campaign})` : ""}`);
  const address = read(properties.url);
  if (address) lines.push(`${ADDRESS_LABEL[kind]}: ${address}`);
  const repeats = s.repeats > 1 ? ` (${s.repeats} times since ${s.firstAt.slice(0, 10)})` : "";
  lines.push(`When: ${minute(s.activity.occurredAt)}${repeats}`);
  return lines.join("\n");
}

/** `2026-12-04 14:03 UTC`: the rep's CRM shows the task's date; the hour is what the task adds. */
function minute(at: string): string {
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? at : `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function cutValue(value: string): string {
  return textWithin(value, VALUE_MAX);
}
