// What a person does in HubSpot's UI, for tests and the sandbox, served under /__control:
//   POST  /contacts/:id/page-views        {url, title?, occurredAt?}                      a page view
//   POST  /contacts/:id/form-submissions  {formId?, pageTitle?, pageUrl?, fields?, occurredAt?}
//                                          a form submission: writes the fields and the conversion properties
//   POST  /contacts/:id/email-opens       {emailCampaignId?, subject?, occurredAt?}       a marketing email open
//   POST  /contacts/:id/email-clicks      {emailCampaignId?, url?, occurredAt?}           a marketing email click
//   POST  /contacts/:id/cta-clicks        {ctaId?, text?, url?, occurredAt?}              a CTA click
//   PATCH /objects/:type/:id              {properties}                                    a marketer edits a record
//   POST  /contacts/merge                 {primaryId, mergedId}                           merge two contacts
//   POST  /objects/:type/:id/restore                                                      restore a record from
//                                          the recycle bin (same id, its associations back)
//   GET   /objects/:type                                                                  dump a type's records
//   POST  /owners                         {email, firstName, lastName}                    add an owner (user)
//   POST  /owners/:id/deactivate                                                          deactivate the user
//   POST  /engagements/:type              {contactId, properties, at?}                    a rep logs a call, email,
//                                          meeting or task on a contact (created at `at`, associated with it)
//   DELETE /limits                                                                        reset usage counters
//   POST   /limits/daily-spent                                                            the rest of today's
//                                          allowance spent by the portal's other apps
// Each activity answers {event, contact} with the contact as it now is. Event properties are named as
// HubSpot's events carry them (hs_url, hs_title, hs_form_id, hs_link_href, hs_element_text).
import { z } from "zod";
import type { Router } from "../emulator/router.js";
import type { EmulatorHandler, EmulatorRequest } from "../emulator/server.js";
import { recordActivity } from "./contact-activity.js";
import type { ContactEventKind } from "./event-types.js";
import type { HubspotData } from "./hubspot-data.js";
import type { RateLimiter } from "./rate-limits.js";
import { notFound } from "./errors.js";
import { parseBody, propertyValues } from "./request-schemas.js";
import { objectTypeParam, route } from "./routes/route-helpers.js";

const when = z.iso.datetime({ offset: true }).optional();
const pageView = z.object({ url: z.string(), title: z.string().optional(), occurredAt: when });
const formSubmission = z.object({
  formId: z.string().optional(),
  /** Title of the page the form sits on: HubSpot's form-submission event carries it as hs_title. */
  pageTitle: z.string().optional(),
  pageUrl: z.string().optional(),
  fields: z.record(z.string(), z.string()).optional(),
  occurredAt: when,
});
const emailOpen = z.object({
  emailCampaignId: z.string().optional(),
  subject: z.string().optional(),
  occurredAt: when,
});
const emailClick = z.object({
  emailCampaignId: z.string().optional(),
  url: z.string().optional(),
  occurredAt: when,
});
const ctaClick = z.object({
  ctaId: z.string().optional(),
  text: z.string().optional(),
  url: z.string().optional(),
  occurredAt: when,
});
const merge = z.object({ primaryId: z.coerce.string(), mergedId: z.coerce.string() });
const owner = z.object({ email: z.string(), firstName: z.string(), lastName: z.string() });
const engagement = z.object({
  contactId: z.coerce.string(),
  properties: z.record(z.string(), z.string()),
  at: when,
});

/** Event properties with HubSpot's `hs_` names, leaving out what was not given. */
function defined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}

export function hubspotControlRoutes(
  router: Router<EmulatorHandler>,
  data: HubspotData,
  limiter: RateLimiter,
): void {
  const activity = (
    kind: ContactEventKind,
    read: (req: EmulatorRequest) => {
      occurredAt?: string | undefined;
      properties: Record<string, string>;
      fields?: Record<string, string>;
    },
  ): EmulatorHandler =>
    route((req) => {
      const { occurredAt, properties, fields } = read(req);
      const result = recordActivity(data, {
        contactId: req.params.id ?? "",
        kind,
        occurredAt: occurredAt ? new Date(occurredAt) : undefined,
        properties,
        formFields: fields,
      });
      return { status: 201, body: result };
    });

  router
    .add(
      "POST",
      "/contacts/merge",
      route((req) => {
        const body = parseBody(merge, req.body);
        return { status: 200, body: data.mergeContacts(body.primaryId, body.mergedId) };
      }),
    )
    .add(
      "POST",
      "/contacts/:id/page-views",
      activity("pageView", (req) => {
        const b = parseBody(pageView, req.body);
        return { occurredAt: b.occurredAt, properties: defined({ hs_url: b.url, hs_title: b.title }) };
      }),
    )
    .add(
      "POST",
      "/contacts/:id/form-submissions",
      activity("formSubmission", (req) => {
        const b = parseBody(formSubmission, req.body);
        return {
          occurredAt: b.occurredAt,
          properties: defined({
            hs_form_id: b.formId,
            hs_form_type: "HUBSPOT",
            hs_title: b.pageTitle,
            hs_url: b.pageUrl,
          }),
          fields: b.fields ?? {},
        };
      }),
    )
    .add(
      "POST",
      "/contacts/:id/email-opens",
      activity("emailOpen", (req) => {
        const b = parseBody(emailOpen, req.body);
        return {
          occurredAt: b.occurredAt,
          properties: defined({ hs_email_campaign_id: b.emailCampaignId, hs_email_subject: b.subject }),
        };
      }),
    )
    .add(
      "POST",
      "/contacts/:id/email-clicks",
      activity("emailClick", (req) => {
        const b = parseBody(emailClick, req.body);
        return {
          occurredAt: b.occurredAt,
          properties: defined({ hs_email_campaign_id: b.emailCampaignId, hs_link_href: b.url }),
        };
      }),
    )
    .add(
      "POST",
      "/contacts/:id/cta-clicks",
      activity("ctaClick", (req) => {
        const b = parseBody(ctaClick, req.body);
        return { occurredAt: b.occurredAt, properties: defined({ hs_element_id: b.ctaId, hs_element_text: b.text, hs_url: b.url }) };
      }),
    )
    .add(
      "POST",
      "/objects/:type/:id/restore",
      route((req) => ({ status: 200, body: data.restoreObject(objectTypeParam(req, "type"), req.params.id ?? "") })),
    )
    .add(
      "PATCH",
      "/objects/:type/:id",
      route((req) => {
        const body = parseBody(z.object({ properties: propertyValues }), req.body);
        const values = Object.fromEntries(
          Object.entries(body.properties).map(([k, v]) => [k, v === null ? null : String(v)]),
        );
        return {
          status: 200,
          body: data.updateObject(objectTypeParam(req, "type"), req.params.id ?? "", values),
        };
      }),
    )
    .add(
      "GET",
      "/objects/:type",
      route((req) => ({ status: 200, body: { results: data.listObjects(objectTypeParam(req, "type")) } })),
    )
    .add(
      "POST",
      "/engagements/:type",
      route((req) => {
        const type = objectTypeParam(req, "type");
        const body = parseBody(engagement, req.body);
        const created = data.createObject(type, body.properties, body.at ? new Date(body.at) : undefined);
        data.associate(type, created.id, "contacts", body.contactId);
        return { status: 201, body: created };
      }),
    )
    .add(
      "POST",
      "/owners",
      route((req) => ({ status: 201, body: data.addOwner(parseBody(owner, req.body)) })),
    )
    .add(
      "POST",
      "/owners/:ownerId/deactivate",
      route((req) => {
        const id = req.params.ownerId ?? "";
        if (!data.getOwner(id)) throw notFound(`No owner with id ${id}`);
        return { status: 200, body: data.deactivateOwner(id) };
      }),
    )
    .add(
      "POST",
      "/limits/daily-spent",
      route(() => {
        limiter.spendDay();
        return { status: 204 };
      }),
    )
    .add(
      "DELETE",
      "/limits",
      route(() => {
        limiter.reset();
        return { status: 204 };
      }),
    );
}
