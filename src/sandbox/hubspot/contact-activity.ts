// A contact's activity as it happens live: the event, plus the contact properties HubSpot maintains for it
// on every tier (page views, sessions, first/last seen and last page, conversion counts, dates and names,
// email open/click counts and dates). Writing them bumps the contact's modified date, which is how a
// connector reading by modified date sees it. Property names and labels: HubSpot's default contact
// properties (https://knowledge.hubspot.com/properties/hubspots-default-contact-properties).
import { createHash } from "node:crypto";
import { CONTACT_EVENT_TYPES, type ContactEventKind } from "./event-types.js";
import type { HubspotData, HubspotEvent, HubspotObject } from "./hubspot-data.js";

export interface ContactActivity {
  contactId: string;
  kind: ContactEventKind;
  occurredAt?: Date | undefined;
  /** Event properties as HubSpot names them (hs_url, hs_title, hs_form_id, ...). */
  properties?: Record<string, string>;
  /** Form fields a form submission writes to the contact. */
  formFields?: Record<string, string> | undefined;
}

/** A stable form GUID for a form known only by the title of its page. */
function formIdFor(title: string): string {
  const h = createHash("sha1").update(`form:${title}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** HubSpot's analytics start a new session after 30 minutes without a page view. */
const SESSION_GAP_MS = 30 * 60_000;

export function recordActivity(
  data: HubspotData,
  activity: ContactActivity,
): { event: HubspotEvent; contact: HubspotObject } {
  const occurredAt = activity.occurredAt ?? data.now();
  let properties = activity.properties;
  if (activity.kind === "formSubmission" && !properties?.hs_form_id) {
    // Every HubSpot form submission belongs to a form: one named after the page stands in.
    properties = { ...properties, hs_form_id: formIdFor(properties?.hs_title ?? "Form") };
  }
  const event = data.addEvent({
    contactId: activity.contactId,
    eventType: CONTACT_EVENT_TYPES[activity.kind],
    occurredAt,
    properties,
  });
  const contact = data.getObject("contacts", event.objectId)!;
  const changes = behaviourChanges(data, contact, activity.kind, occurredAt, properties ?? {});
  Object.assign(changes, activity.formFields);
  // Property history names what set these values: HubSpot's tracking, or the form a contact submitted.
  const source = { sourceType: activity.kind === "formSubmission" ? "FORM" : "ANALYTICS" };
  return { event, contact: data.updateObject("contacts", contact.id, changes, undefined, source) };
}

/**
 * What one activity changes on the contact's analytics, conversion and email properties, given what the
 * contact holds. Pure but for the portal's form registry (a submitted form is one of the portal's forms),
 * so the seed loader folds a contact's whole history through it to give seeded contacts the same values.
 */
export function behaviourChanges(
  data: HubspotData,
  contact: { id: string; properties: Readonly<Record<string, string>> },
  kind: ContactEventKind,
  at: Date,
  properties: Readonly<Record<string, string>>,
): Record<string, string> {
  const current = contact.properties;
  const when = at.toISOString();
  const count = (name: string): string => String(Number(current[name] ?? "0") + 1);
  const later = (name: string): boolean => !current[name] || Date.parse(current[name]!) <= at.getTime();
  const changes: Record<string, string> = {};
  const seen = (): void => {
    if (later("hs_analytics_last_timestamp")) changes.hs_analytics_last_timestamp = when;
    if (!current.hs_analytics_first_timestamp) changes.hs_analytics_first_timestamp = when;
  };
  switch (kind) {
    case "pageView": {
      const lastSeen = current.hs_analytics_last_timestamp ? Date.parse(current.hs_analytics_last_timestamp) : null;
      changes.hs_analytics_num_page_views = count("hs_analytics_num_page_views");
      if (lastSeen === null || Math.abs(at.getTime() - lastSeen) > SESSION_GAP_MS) {
        changes.hs_analytics_num_visits = count("hs_analytics_num_visits");
        if (later("hs_analytics_last_visit_timestamp")) changes.hs_analytics_last_visit_timestamp = when;
        if (!current.hs_analytics_first_visit_timestamp) changes.hs_analytics_first_visit_timestamp = when;
      }
      if (later("hs_analytics_last_timestamp") && properties.hs_url)
        changes.hs_analytics_last_url = properties.hs_url;
      if (!current.hs_analytics_first_url && properties.hs_url) changes.hs_analytics_first_url = properties.hs_url;
      seen();
      break;
    }
    case "formSubmission": {
      // A conversion is named "<form name>: <page title>" when the form is one of the portal's forms.
      const formId = properties.hs_form_id;
      const form = formId ? data.forms.ensure(formId, properties.hs_title ?? formId, at) : undefined;
      const title = properties.hs_title;
      const name =
        form && title && form.name !== title ? `${form.name}: ${title}` : (title ?? form?.name ?? "Form submission");
      changes.num_conversion_events = count("num_conversion_events");
      if (formId && data.forms.firstSubmission(formId, contact.id)) {
        changes.num_unique_conversion_events = count("num_unique_conversion_events");
      }
      if (later("recent_conversion_date")) {
        changes.recent_conversion_date = when;
        changes.recent_conversion_event_name = name;
      }
      if (!current.first_conversion_date || Date.parse(current.first_conversion_date) > at.getTime()) {
        changes.first_conversion_date = when;
        changes.first_conversion_event_name = name;
      }
      break;
    }
    case "emailOpen":
      changes.hs_email_open = count("hs_email_open");
      if (later("hs_email_last_open_date")) {
        changes.hs_email_last_open_date = when;
        if (properties.hs_email_campaign_name) changes.hs_email_last_email_name = properties.hs_email_campaign_name;
      }
      if (!current.hs_email_first_open_date) changes.hs_email_first_open_date = when;
      break;
    case "emailClick":
      changes.hs_email_click = count("hs_email_click");
      if (later("hs_email_last_click_date")) changes.hs_email_last_click_date = when;
      if (!current.hs_email_first_click_date) changes.hs_email_first_click_date = when;
      break;
    case "ctaClick":
      // A call to action is clicked on a page of the site: the contact was seen.
      seen();
      break;
  }
  return changes;
}
