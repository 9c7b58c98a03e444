// Which event properties each logical match key reads by default. The names are the ones HubSpot's
// events carry (GET /events/v3/events: e_visited_page and e_submitted_form carry hs_url, hs_title,
// hs_page_id, hs_referrer; a form submission adds hs_form_id and hs_form_type, and its hs_title is the
// title of the page the form sits on, since the event names no form; below Enterprise a submission read
// from the forms API names its form, hs_form_name); clicks carry hs_link_href and
// hs_element_text). They are data the definition can override (`activityProperties:`), not a client import.
import type { ActivityProperties } from "./definition.js";

export const DEFAULT_ACTIVITY_PROPERTIES: ActivityProperties = {
  url: ["hs_url", "hs_link_href"],
  title: ["hs_title", "hs_page_title"],
  form: ["hs_title", "hs_form_name", "hs_form_id"],
  email: ["hs_email_subject", "hs_email_campaign_id"],
  cta: ["hs_element_text", "hs_element_id"],
};
