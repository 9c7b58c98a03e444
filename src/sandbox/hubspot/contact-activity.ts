// A contact's activity as it happens live: the event, plus the contact properties HubSpot maintains for it
// (page view count and last visit, conversion counts, dates and names, email open/click counts and dates).
// Writing them bumps the contact's modified date, which is how a connector reading by modified date sees it.
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

export function recordActivity(
  data: HubspotData,
  activity: ContactActivity,
): { event: HubspotEvent; contact: HubspotObject } {
  const occurredAt = activity.occurredAt ?? data.now();
  const event = data.addEvent({
    contactId: activity.contactId,
    eventType: CONTACT_EVENT_TYPES[activity.kind],
    occurredAt,
    properties: activity.properties,
  });
  const contact = data.getObject("contacts", event.objectId)!;
  const when = occurredAt.toISOString();
  const count = (name: string): string => String(Number(contact.properties[name] ?? "0") + 1);
  const changes: Record<string, string> = {};
  switch (activity.kind) {
    case "pageView":
      changes.hs_analytics_num_page_views = count("hs_analytics_num_page_views");
      changes.hs_analytics_last_visit_timestamp = when;
      break;
    case "formSubmission": {
      // The event names no form; HubSpot shows the conversion under the page the form was submitted on.
      const name = activity.properties?.hs_title ?? activity.properties?.hs_form_id ?? "Form submission";
      Object.assign(changes, activity.formFields);
      changes.num_conversion_events = count("num_conversion_events");
      changes.recent_conversion_date = when;
      changes.recent_conversion_event_name = name;
      if (!contact.properties.first_conversion_date) {
        changes.first_conversion_date = when;
        changes.first_conversion_event_name = name;
      }
      break;
    }
    case "emailOpen":
      changes.hs_email_open = count("hs_email_open");
      changes.hs_email_last_open_date = when;
      break;
    case "emailClick":
      changes.hs_email_click = count("hs_email_click");
      changes.hs_email_last_click_date = when;
      break;
    case "ctaClick":
      break;
  }
  return { event, contact: data.updateObject("contacts", contact.id, changes) };
}
