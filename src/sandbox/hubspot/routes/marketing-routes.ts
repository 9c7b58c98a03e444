// The marketing APIs that answer on every tier and read many contacts per call:
// - forms: GET /marketing/v3/forms (paged with `after`;
//   https://developers.hubspot.com/docs/api-reference/marketing-forms-v3/forms/get-marketing-v3-forms);
// - form submissions: GET /form-integrations/v1/submissions/forms/{form_guid}, newest first, `limit` 1..50
//   (default 20), paged with `after`; each result has conversionId, submittedAt (ms), values and pageUrl
//   (https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v1/get-form-integrations-v1-submissions-forms-form_guid);
// - marketing email events: GET /email/public/v1/events filtered by startTimestamp/endTimestamp (ms),
//   eventType, recipient and campaignId, `limit` up to 1000, paged by the `offset` each answer returns with
//   `hasMore`; events carry id, created, type, recipient, emailCampaignId, portalId, appId, appName and, for
//   a CLICK, url (https://developers.hubspot.com/docs/api-reference/legacy/email-analytics-v1/guide).
// All three are views of the events the portal holds, so they agree with the events API and the contact
// properties of the same activity.
import { createHash } from "node:crypto";
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { HubspotApiError, validationError } from "../errors.js";
import { type LoggedEvent, newestFirst, occurredBetween } from "../event-log.js";
import { CONTACT_EVENT_TYPES } from "../event-types.js";
import type { HubspotEvent } from "../hubspot-data.js";
import { type HubspotContext, intParam, route } from "./route-helpers.js";

const FORMS_PAGE_DEFAULT = 20;
const FORMS_PAGE_MAX = 500;
const SUBMISSIONS_PAGE_DEFAULT = 20;
const SUBMISSIONS_PAGE_MAX = 50;
const EMAIL_EVENTS_PAGE_MAX = 1000;
/** The emulated portal's id, as email events name it. */
const PORTAL_ID = 62515;
/** Marketing emails are sent by HubSpot's "Batch" app. */
const BATCH_APP = { appId: 113, appName: "Batch" };
const EMAIL_EVENT_TYPES: Record<string, string> = {
  [CONTACT_EVENT_TYPES.emailOpen]: "OPEN",
  [CONTACT_EVENT_TYPES.emailClick]: "CLICK",
};
const KNOWN_EMAIL_EVENT_TYPES = new Set([
  "SENT",
  "DROPPED",
  "PROCESSED",
  "DELIVERED",
  "DEFERRED",
  "BOUNCE",
  "OPEN",
  "CLICK",
  "STATUSCHANGE",
  "SPAMREPORT",
  "SUPPRESSED",
  "SUPPRESSION",
  "PRINT",
  "FORWARD",
]);

export function addMarketingRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  const emailListings = new ListingAnswers<{ e: LoggedEvent; email: string }>();
  api.add(
    "GET",
    "/marketing/v3/forms",
    route((req) => {
      const limit = Math.min(intParam(req.query, "limit", FORMS_PAGE_DEFAULT), FORMS_PAGE_MAX);
      const offset = offsetCursor(req.query.get("after"), "after");
      const forms = ctx.data.forms.list();
      const page = forms.slice(offset, offset + limit);
      const body: Record<string, unknown> = {
        results: page.map((f) => ({
          id: f.id,
          name: f.name,
          formType: "hubspot",
          createdAt: f.createdAt.toISOString(),
          updatedAt: f.createdAt.toISOString(),
          archived: false,
        })),
      };
      if (offset + limit < forms.length) body.paging = nextPage(offset + limit, "/marketing/v3/forms");
      return { status: 200, body };
    }),
  );

  api.add(
    "GET",
    "/form-integrations/v1/submissions/forms/:formGuid",
    route((req) => {
      const formGuid = req.params.formGuid ?? "";
      if (!ctx.data.forms.get(formGuid)) {
        throw new HubspotApiError(404, "OBJECT_NOT_FOUND", `Form ${formGuid} does not exist`);
      }
      const limit = intParam(req.query, "limit", SUBMISSIONS_PAGE_DEFAULT);
      if (limit < 1 || limit > SUBMISSIONS_PAGE_MAX)
        throw validationError(`limit must be between 1 and ${SUBMISSIONS_PAGE_MAX}`, { limit: [String(limit)] });
      const offset = offsetCursor(req.query.get("after"), "after");
      // Newest first, read from the end of the form's own list: a page costs its length, not the portal's
      // submissions (a million-contact portal has about as many).
      const submissions = ctx.data.events.ofTypeWith(CONTACT_EVENT_TYPES.formSubmission, "hs_form_id", formGuid);
      const page: LoggedEvent[] = [];
      for (let i = submissions.length - 1 - offset; i >= 0 && page.length < limit; i--) page.push(submissions[i]!);
      const body: Record<string, unknown> = {
        results: page.map((e) => {
          const contact = ctx.data.getObject("contacts", e.objectId)?.properties ?? {};
          const values = ["email", "firstname", "lastname"]
            .filter((name) => contact[name])
            .map((name) => ({ name, value: contact[name]!, objectTypeId: "0-1" }));
          return {
            conversionId: conversionId(e),
            submittedAt: e.occurredAt.getTime(),
            values,
            pageUrl: e.properties.hs_url ?? "",
          };
        }),
      };
      if (offset + limit < submissions.length)
        body.paging = nextPage(offset + limit, `/form-integrations/v1/submissions/forms/${formGuid}`);
      return { status: 200, body };
    }),
  );

  api.add(
    "GET",
    "/email/public/v1/events",
    route((req) => {
      const q = req.query;
      const start = msParam(q, "startTimestamp");
      const end = msParam(q, "endTimestamp");
      const eventType = q.get("eventType");
      if (eventType && !KNOWN_EMAIL_EVENT_TYPES.has(eventType))
        throw validationError(`Invalid eventType: ${eventType}`, { eventType: [eventType] });
      const recipient = q.get("recipient")?.toLowerCase();
      const campaignId = q.get("campaignId");
      const limit = Math.min(intParam(q, "limit", EMAIL_EVENTS_PAGE_MAX), EMAIL_EVENTS_PAGE_MAX);
      const offset = offsetCursor(q.get("offset"), "offset");
      const listing = JSON.stringify([start, end, eventType, recipient, campaignId]);
      const events = emailListings.answer(listing, [ctx.data.events.size, ctx.data.revision("contacts")], () =>
        // Only the email types' events inside the window are read (event-log.ts), not the portal's.
        Object.keys(EMAIL_EVENT_TYPES)
          .filter((type) => !eventType || EMAIL_EVENT_TYPES[type] === eventType)
          .flatMap((type) => occurredBetween(ctx.data.events.ofType(type), start, end))
          .filter((e) => !campaignId || e.properties.hs_email_campaign_id === campaignId)
          .sort(newestFirst)
          .map((e) => ({ e, email: ctx.data.findStoredObject("contacts", e.objectId)?.properties.email?.toLowerCase() }))
          .filter((x): x is { e: LoggedEvent; email: string } => Boolean(x.email) && (!recipient || x.email === recipient)),
      );
      const page = events.slice(offset, offset + limit);
      const hasMore = offset + limit < events.length;
      return {
        status: 200,
        body: {
          hasMore,
          offset: Buffer.from(String(offset + page.length)).toString("base64url"),
          events: page.map(({ e, email }) => {
            const event: Record<string, unknown> = {
              id: e.id,
              created: e.occurredAt.getTime(),
              type: EMAIL_EVENT_TYPES[e.eventType],
              recipient: email,
              portalId: PORTAL_ID,
              ...BATCH_APP,
              emailCampaignId: Number(e.properties.hs_email_campaign_id ?? 0),
              sentBy: { id: `sent-${e.properties.hs_email_campaign_id ?? "0"}-${e.objectId}`, created: e.occurredAt.getTime() },
            };
            if (EMAIL_EVENT_TYPES[e.eventType] === "CLICK") event.url = e.properties.hs_link_href ?? "";
            return event;
          }),
        },
      };
    }),
  );
}

/** A stable GUID-shaped conversion id for a submission event. */
function conversionId(e: HubspotEvent): string {
  const h = createHash("sha1").update(`conversion:${e.id}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function nextPage(offset: number, path: string): { next: { after: string; link: string } } {
  const after = Buffer.from(String(offset)).toString("base64url");
  return { next: { after, link: `${path}?after=${after}` } };
}

/** Paging cursors are opaque strings; here they wrap an offset. */
function offsetCursor(raw: string | null, name: string): number {
  if (!raw) return 0;
  const n = Number(Buffer.from(raw, "base64url").toString("utf8"));
  if (!Number.isInteger(n) || n < 0) throw validationError(`Invalid paging cursor: ${raw}`, { [name]: [raw] });
  return n;
}

function msParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw validationError(`${name} must be a timestamp in milliseconds since the epoch: ${raw}`, { [name]: [raw] });
  return n;
}

/**
 * The whole answers of the last few listings, each kept while the portal's events and contacts are as
 * they were: the pages of one listing are slices of one answer, so paging through n events costs about n
 * in all rather than n a page (a million-contact portal's window holds millions of email events).
 */
class ListingAnswers<T> {
  private readonly held = new Map<string, { state: string; rows: readonly T[] }>();

  answer(listing: string, state: readonly number[], compute: () => readonly T[]): readonly T[] {
    const stamp = state.join(",");
    const kept = this.held.get(listing);
    if (kept && kept.state === stamp) return kept.rows;
    const rows = compute();
    if (this.held.size >= LISTINGS_KEPT) this.held.clear();
    this.held.set(listing, { state: stamp, rows });
    return rows;
  }
}

/** Listings whose answers are kept at once: a reader pages through one or two at a time. */
const LISTINGS_KEPT = 4;
