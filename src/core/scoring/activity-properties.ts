// Which event properties each logical match key reads by default. The names are the marketing system's
// event property names: data the definition can override (`activityProperties:`), not a client import.
import type { ActivityProperties } from "./definition.js";

export const DEFAULT_ACTIVITY_PROPERTIES: ActivityProperties = {
  url: ["hs_url", "hs_page_url"],
  title: ["hs_title", "hs_page_title"],
  form: ["hs_form_title", "hs_form_id"],
  email: ["hs_email_subject", "hs_email_campaign_name"],
  cta: ["hs_cta_name", "hs_cta_id"],
};
