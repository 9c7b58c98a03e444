// Contacts' behaviour from the Events API (GET /events/v3/events/, paged;
// https://developers.hubspot.com/docs/guides/api/analytics-and-events/event-analytics), reduced to the
// kinds qualification rules use: readActivities per contact (`objectType` and `objectId`), and
// readContactEvents for every contact at once (`objectType` alone, ARCHITECTURE.md "Behaviour on every tier").
import { BULK_EVENTS_PAGE_SIZE, EVENTS_PAGE_SIZE } from "./limits.js";
import { eventPage } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";
import { hubspotInstant, unreadableTime } from "./instants.js";

export const ACTIVITY_KINDS = [
  "page_view",
  "form_submission",
  "email_open",
  "email_click",
  "cta_click",
  "other",
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface HubspotActivity {
  contactId: string;
  id: string;
  kind: ActivityKind;
  occurredAt: string;
  properties: Record<string, string>;
}

/** HubSpot's built-in event type names (GET /events/v3/events/event-types) for the kinds leadloop scores. */
const KIND_OF_EVENT_TYPE: Record<string, ActivityKind> = {
  e_visited_page: "page_view",
  e_submitted_form: "form_submission",
  e_opened_email: "email_open",
  e_clicked_email: "email_click",
  e_clicked_cta: "cta_click",
};

export async function readActivities(
  transport: HubspotTransport,
  contactIds: readonly string[],
  since: string | null,
): Promise<HubspotActivity[]> {
  const out: HubspotActivity[] = [];
  for (const contactId of new Set(contactIds)) {
    let after: string | undefined;
    do {
      const qs: Record<string, string> = {
        objectType: "contact",
        objectId: contactId,
        limit: String(EVENTS_PAGE_SIZE),
      };
      if (since) qs.occurredAfter = since;
      if (after) qs.after = after;
      const { body } = await transport.send({ method: "GET", path: "/events/v3/events/", qs }, eventPage);
      for (const e of body.results) out.push(activityOf(contactId, e));
      after = body.paging?.next?.after;
    } while (after);
  }
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
}

/**
 * Every contact's events that occurred after `since`, page by page to `onPage` (nothing held beyond a
 * page). The reference lets `objectType` stand alone: "To retrieve event data for a specific CRM record,
 * include the additional objectId" (Events API reference, GET /events/v3/events/), so without `objectId`
 * one query lists the events of all contacts, each naming its contact in `objectId`.
 */
export async function readContactEvents(
  transport: HubspotTransport,
  since: string,
  onPage: (activities: HubspotActivity[]) => Promise<void>,
): Promise<void> {
  let after: string | undefined;
  do {
    const qs: Record<string, string> = {
      objectType: "contact",
      occurredAfter: since,
      limit: String(BULK_EVENTS_PAGE_SIZE),
    };
    if (after) qs.after = after;
    const { body } = await transport.send({ method: "GET", path: "/events/v3/events/", qs }, eventPage);
    await onPage(body.results.map((e) => activityOf(e.objectId, e)));
    after = body.paging?.next?.after;
  } while (after);
}

function activityOf(
  contactId: string,
  e: { id: string; eventType: string; occurredAt: string | number; properties: Record<string, string | number | boolean | null | undefined> },
): HubspotActivity {
  return {
    contactId,
    id: e.id,
    kind: KIND_OF_EVENT_TYPE[e.eventType] ?? "other",
    occurredAt: occurredAt(contactId, e),
    properties: textProperties(e.properties),
  };
}

/**
 * An event's properties as text, blanks left out: the answer's own object when every value is text
 * already (nothing else holds it), a copy otherwise. A key loop, no array of entries, and most events no
 * copy: a first load's bulk read takes 73,000 events at 10,000 contacts.
 */
function textProperties(bag: Record<string, string | number | boolean | null | undefined>): Record<string, string> {
  for (const name in bag) if (typeof bag[name] !== "string") return copiedAsText(bag);
  return bag as Record<string, string>;
}

function copiedAsText(bag: Record<string, string | number | boolean | null | undefined>): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const name in bag) {
    const value = bag[name];
    if (value !== null && value !== undefined) properties[name] = String(value);
  }
  return properties;
}

/**
 * When an event occurred, ISO 8601 or epoch milliseconds (instants.ts, as the objects' times). An event
 * whose time is neither is refused loudly: kept as it reads, it sorted and scored as no instant, and the
 * behaviour cache's window would drop or keep it wrong.
 */
function occurredAt(contactId: string, e: { id: string; occurredAt: string | number }): string {
  const at = hubspotInstant(e.occurredAt);
  if (at !== null) return at;
  throw unreadableTime(`event ${e.id} of contact ${contactId} with a time`, "occurredAt", e.occurredAt);
}
