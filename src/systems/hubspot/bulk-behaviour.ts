// Behaviour sources HubSpot offers on every tier that read many contacts per call, and the probe that
// tells whether the portal has the events API (Enterprise only; below it answers 403 MISSING_SCOPES,
// https://developers.hubspot.com/docs/guides/api/analytics-and-events/event-analytics):
// - form submissions: the forms (GET /marketing/v3/forms), then each form's submissions
//   (GET /form-integrations/v1/submissions/forms/{form_guid}, newest first, 50 a page,
//   https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v1/get-form-integrations-v1-submissions-forms-form_guid),
//   read until one older than the cursor;
// - marketing email opens and clicks (GET /email/public/v1/events with startTimestamp/endTimestamp and
//   eventType, 1,000 a page paged by `offset`,
//   https://developers.hubspot.com/docs/api-reference/legacy/email-analytics-v1/guide).
// Each activity is owned by the email address it names; the caller matches it to contacts. Both hand
// their activities over a page at a time: a portal's window can hold more than memory should (ARCHITECTURE.md
// "Memory at scale").
import { z } from "zod";
import type { PortalBehaviour } from "../../sync/funnel/funnel-setup.js";
import { SystemError } from "../../sync/system-error.js";
import type { ActivityKind } from "./activities.js";
import { nextPage } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

export interface EmailActivity {
  email: string;
  id: string;
  kind: ActivityKind;
  occurredAt: string;
  properties: Record<string, string>;
}

const FORMS_PAGE = 100;
const SUBMISSIONS_PAGE = 50;
const EMAIL_EVENTS_PAGE = 1000;

const formsPage = z.looseObject({
  results: z.array(z.looseObject({ id: z.coerce.string(), name: z.string().default("") })),
  paging: nextPage,
});
const submissionsPage = z.looseObject({
  results: z.array(
    z.looseObject({
      conversionId: z.coerce.string(),
      submittedAt: z.coerce.number(),
      values: z.array(z.looseObject({ name: z.string(), value: z.coerce.string() })).default([]),
      pageUrl: z.string().optional().nullable(),
    }),
  ),
  paging: nextPage,
});
// `hasMore: true` without an `offset` says more follow and gives no way to read them: refused, as a
// `paging.next` without `after` is (schemas.ts `nextPage`), rather than ending the read short.
const emailEventsPage = z.looseObject({
  hasMore: z.boolean(),
  offset: z.coerce.string().optional(),
  events: z.array(
    z.looseObject({
      id: z.coerce.string(),
      created: z.coerce.number(),
      type: z.string(),
      recipient: z.string().optional(),
      emailCampaignId: z.coerce.string().optional(),
      url: z.string().optional().nullable(),
      subject: z.string().optional().nullable(),
    }),
  ),
}).refine((page) => !page.hasMore || (page.offset ?? "").trim() !== "", {
  path: ["offset"],
  message: "hasMore is true and no offset is given: more events are said to follow and none can be read",
});
const anyPage = z.unknown();

/** True when this error is HubSpot saying the portal or token lacks the events API (403 MISSING_SCOPES). */
export function isMissingScopes(err: unknown): boolean {
  return err instanceof SystemError && err.code === "MISSING_SCOPES";
}

/**
 * True when this error is HubSpot refusing the events API's query of every contact (a 400 VALIDATION_ERROR):
 * its OpenAPI spec says of `objectId` "If not present, then the `objectProperty` parameter is required",
 * where its guide and reference let `objectType` stand alone (FIDELITY.md, events row). Any validation
 * refusal of that query counts, whatever its wording: the query differs from a per-contact read, which the
 * caller falls back to, only in naming no record and asking a longer page.
 */
function isBulkEventsRefused(err: unknown): err is SystemError {
  return err instanceof SystemError && err.code === "VALIDATION_ERROR";
}

/**
 * One call, the bulk read's own query for one event: it answers (`events`), is refused for the portal's
 * tier or scopes (`bulk`), or is refused for naming no record (`events-per-contact`).
 */
export async function probeEventsApi(transport: HubspotTransport): Promise<PortalBehaviour> {
  try {
    await transport.send({ method: "GET", path: "/events/v3/events/", qs: { objectType: "contact", limit: "1" } }, anyPage);
    return "events";
  } catch (err) {
    if (isMissingScopes(err)) return "bulk";
    if (isBulkEventsRefused(err)) return "events-per-contact";
    throw err;
  }
}

/** The portal's forms (GET /marketing/v3/forms), every page of them. */
export async function listForms(transport: HubspotTransport): Promise<{ id: string; name: string }[]> {
  const forms: { id: string; name: string }[] = [];
  let cursor: string | undefined;
  do {
    const qs: Record<string, string> = { limit: String(FORMS_PAGE) };
    if (cursor) qs.after = cursor;
    const { body } = await transport.send({ method: "GET", path: "/marketing/v3/forms", qs }, formsPage);
    for (const form of body.results) forms.push({ id: form.id, name: form.name });
    cursor = body.paging?.next?.after;
  } while (cursor);
  return forms;
}

/** Form submissions made after `since` (all when null) up to `until`, a submissions page at a time. */
export async function readFormSubmissions(
  transport: HubspotTransport,
  since: string | null,
  until: string,
  onPage: (activities: EmailActivity[]) => Promise<void>,
): Promise<void> {
  const sinceMs = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
  const untilMs = Date.parse(until);
  for (const form of await listForms(transport)) {
    let page: string | undefined;
    let older = false;
    do {
      const qs: Record<string, string> = { limit: String(SUBMISSIONS_PAGE) };
      if (page) qs.after = page;
      const { body } = await transport.send(
        { method: "GET", path: `/form-integrations/v1/submissions/forms/${encodeURIComponent(form.id)}`, qs },
        submissionsPage,
      );
      const out: EmailActivity[] = [];
      for (const s of body.results) {
        if (s.submittedAt <= sinceMs) {
          older = true; // newest first: the rest were read before
          break;
        }
        if (s.submittedAt > untilMs) continue; // the next run's
        const email = s.values.find((v) => v.name.toLowerCase() === "email")?.value.trim().toLowerCase();
        if (!email) continue;
        const properties: Record<string, string> = { hs_form_id: form.id, hs_form_name: form.name };
        if (s.pageUrl) properties.hs_url = s.pageUrl;
        out.push({
          email,
          id: `form:${s.conversionId}`,
          kind: "form_submission",
          occurredAt: new Date(s.submittedAt).toISOString(),
          properties,
        });
      }
      if (out.length > 0) await onPage(out);
      page = older ? undefined : body.paging?.next?.after;
    } while (page);
  }
}

/** Marketing email opens and clicks after `since` (all when null) up to `until`, an events page at a time. */
export async function readEmailEvents(
  transport: HubspotTransport,
  since: string | null,
  until: string,
  onPage: (activities: EmailActivity[]) => Promise<void>,
): Promise<void> {
  for (const [eventType, kind] of [
    ["OPEN", "email_open"],
    ["CLICK", "email_click"],
  ] as const) {
    let offset: string | undefined;
    let hasMore: boolean;
    do {
      const qs: Record<string, string> = {
        eventType,
        limit: String(EMAIL_EVENTS_PAGE),
        endTimestamp: String(Date.parse(until)),
      };
      if (since) qs.startTimestamp = String(Date.parse(since) + 1);
      if (offset) qs.offset = offset;
      const { body } = await transport.send({ method: "GET", path: "/email/public/v1/events", qs }, emailEventsPage);
      const out: EmailActivity[] = [];
      for (const e of body.events) {
        const email = e.recipient?.trim().toLowerCase();
        if (!email) continue;
        const properties: Record<string, string> = {};
        if (e.emailCampaignId) properties.hs_email_campaign_id = e.emailCampaignId;
        if (e.subject) properties.hs_email_subject = e.subject;
        if (e.url) properties.hs_link_href = e.url;
        out.push({ email, id: `email:${e.id}`, kind, occurredAt: new Date(e.created).toISOString(), properties });
      }
      if (out.length > 0) await onPage(out);
      hasMore = body.hasMore;
      offset = body.offset;
    } while (hasMore);
  }
}
