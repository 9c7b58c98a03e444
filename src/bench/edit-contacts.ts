// The scenarios' edits between runs, in process through the emulator's data API, as they would land in
// HubSpot between two runs: a marketer changes job titles, and people act (a form, an email click, a page
// view) with the contact properties HubSpot keeps for each (sandbox/hubspot/contact-activity.ts).
import { recordActivity } from "../sandbox/hubspot/contact-activity.js";
import type { HubspotEmulator } from "../sandbox/hubspot/emulator.js";
import { EMAIL_CAMPAIGNS, FORMS, PRICING_PAGE, siteUrl } from "../sandbox/seed/vocab/web.js";

/** How many contacts apart the edited ones are: every tenth, i.e. 10% of the portal. */
const EDIT_EVERY = 10;
/** The behaviour round starts half-way between two job-title edits, so it changes other contacts. */
const BEHAVIOUR_OFFSET = EDIT_EVERY / 2;

/** Changes the job title of 10% of the contacts; returns how many were changed. */
export function editJobTitles(hubspot: HubspotEmulator, round: number): number {
  let changed = 0;
  // records() hands out the emulator's own entries, so no copy of the whole portal is made.
  const contacts = hubspot.data.records("contacts", false);
  for (let i = 0; i < contacts.length; i += EDIT_EVERY) {
    const contact = contacts[i]!;
    hubspot.data.updateObject("contacts", contact.id, { jobtitle: `Bench Title ${round}-${i}` });
    changed++;
  }
  return changed;
}

/**
 * 10% of the contacts (not the ones whose titles change) do one thing each, in turn: submit a webinar or
 * download form, click a nurture email, or view the pricing page. Returns how many contacts acted.
 */
export function playBehaviour(hubspot: HubspotEmulator, round: number): number {
  const forms = FORMS.filter((f) => /download|webinar/i.test(f.name));
  const email = EMAIL_CAMPAIGNS[round % EMAIL_CAMPAIGNS.length]!;
  let acted = 0;
  const contacts = hubspot.data.records("contacts", false);
  for (let i = BEHAVIOUR_OFFSET; i < contacts.length; i += EDIT_EVERY) {
    const contactId = contacts[i]!.id;
    switch (acted % 3) {
      case 0: {
        const form = forms[(acted / 3) % forms.length]!;
        recordActivity(hubspot.data, {
          contactId,
          kind: "formSubmission",
          properties: { hs_form_id: form.id, hs_form_type: "HUBSPOT", hs_url: siteUrl(form.pagePath), hs_title: form.pageTitle },
        });
        break;
      }
      case 1:
        recordActivity(hubspot.data, {
          contactId,
          kind: "emailClick",
          properties: {
            hs_email_campaign_id: String(email.id),
            hs_email_campaign_name: email.name.replace("{month}", hubspot.data.now().toISOString().slice(0, 7)),
            hs_email_subject: email.subject,
            hs_link_href: siteUrl(email.clickPath),
          },
        });
        break;
      default:
        recordActivity(hubspot.data, {
          contactId,
          kind: "pageView",
          properties: { hs_url: siteUrl(PRICING_PAGE.path), hs_url_path: PRICING_PAGE.path, hs_title: PRICING_PAGE.title },
        });
    }
    acted++;
  }
  return acted;
}
