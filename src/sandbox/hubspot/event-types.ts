// Built-in HubSpot event type names for contact activity, as the Events API lists them at
// GET /events/v3/events/event-types (format `e_{label}` for HubSpot events, per the Events API reference).

export const CONTACT_EVENT_TYPES = {
  pageView: "e_visited_page",
  formSubmission: "e_submitted_form",
  emailOpen: "e_opened_email",
  emailClick: "e_clicked_email",
  ctaClick: "e_clicked_cta",
} as const;

export type ContactEventKind = keyof typeof CONTACT_EVENT_TYPES;

export const EVENT_TYPE_NAMES: readonly string[] = Object.values(CONTACT_EVENT_TYPES);
