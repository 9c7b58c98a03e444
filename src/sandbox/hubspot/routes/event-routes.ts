// Events API: event occurrences on CRM records and the event type names
// (GET /events/v3/events/ and /events/v3/events/event-types, Events API reference).

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { HubspotApiError, validationError } from "../errors.js";
import { type EventPosition, firstAfter, type LoggedEvent } from "../event-log.js";
import { EVENT_TYPE_NAMES } from "../event-types.js";
import { parseObjectType } from "../object-types.js";
import { EVENTS_READ_SCOPE, missingScopes } from "../portal-tier.js";
import { parseInstant } from "../property-values.js";
import { type HubspotContext, intParam, route } from "./route-helpers.js";

const EVENT_PAGE_DEFAULT = 100;
const EVENT_PAGE_MAX = 1000;

/**
 * Whether a read may name no record: `optional` (default) lists every record's events, as the event
 * analytics guide ("objectType: Retrieve occurrences linked to records of a specific object") and reference
 * describe it; `required` is the varied server that holds to HubSpot's OpenAPI spec for `objectId`: "If not
 * present, then the `objectProperty` parameter is required" (FIDELITY.md, events row).
 */
export type EventsObjectId = "optional" | "required";

export function addEventRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  api.add(
    "GET",
    "/events/v3/events/event-types",
    route(() =>
      ctx.tier === "enterprise"
        ? { status: 200, body: { eventTypes: [...EVENT_TYPE_NAMES] } }
        : missingScopes([EVENTS_READ_SCOPE]),
    ),
  );

  api.add(
    "GET",
    "/events/v3/events",
    route((req) => {
      if (ctx.tier !== "enterprise") return missingScopes([EVENTS_READ_SCOPE]);
      const q = req.query;
      const objectType = q.get("objectType");
      if (q.get("objectId") && !objectType) throw validationError("objectType is required when objectId is given");
      // `objectProperty.{name}` names the record by a unique property instead of its id (for contacts,
      // `email`: Events API reference); a value no contact holds names no one.
      const named = [...q.keys()].find((k) => k.startsWith("objectProperty."));
      const namedId = named
        ? (ctx.data.findObject("contacts", q.get(named)!, named.slice("objectProperty.".length))?.id ?? "none")
        : null;
      const objectId = q.get("objectId") || namedId;
      if (!objectId && ctx.eventsObjectId === "required") throw recordRequired();
      if (objectType && parseObjectType(objectType) !== "contacts") {
        // Only contact activity is modelled; other object types have no events here.
        return { status: 200, body: { results: [] } };
      }
      const after = instantParam(q, "occurredAfter");
      const before = instantParam(q, "occurredBefore");
      const eventType = q.get("eventType");
      const descending = q.getAll("sort").some((s) => s.toUpperCase() === "DESCENDING");
      const limit = Math.min(intParam(q, "limit", EVENT_PAGE_DEFAULT), EVENT_PAGE_MAX);
      const cursor = cursorPosition(q.get("after"));
      // Without objectId the query lists the events of every record of objectType (or of every type):
      // "To retrieve event data for a specific CRM record, include the additional objectId query
      // parameter" (Events API reference, GET /events/v3/events/).
      // The narrowest ordered list answers (one contact's, one type's, or all), and the window is two
      // binary searches: a page costs O(log n + limit) however many events the portal holds.
      const log = ctx.data.events;
      const ordered = objectId ? log.ofContact(objectId) : eventType ? log.ofType(eventType) : log.inOrder();
      const typed = objectId && eventType ? ordered.filter((e) => e.eventType === eventType) : ordered;
      let low = after ? firstAfter(typed, { at: after.getTime(), seq: Infinity }) : 0;
      let high = before ? firstAfter(typed, { at: before.getTime() - 1, seq: Infinity }) : typed.length;
      // The cursor is the last event answered, so events recorded between pages neither repeat nor shift
      // the next page (HubSpot's cursors are opaque; this one names a position, not an offset).
      if (cursor && !descending) low = Math.max(low, firstAfter(typed, cursor));
      if (cursor && descending) high = Math.min(high, firstAfter(typed, { at: cursor.at, seq: cursor.seq - 1 }));
      const page: LoggedEvent[] = [];
      if (descending) for (let i = high - 1; i >= low && page.length < limit; i--) page.push(typed[i]!);
      else for (let i = low; i < high && page.length < limit; i++) page.push(typed[i]!);
      const body: Record<string, unknown> = {
        results: page.map((e) => ({
          objectType: "CONTACT",
          objectId: e.objectId,
          eventType: e.eventType,
          // The objects' times option covers events too (emulator.ts `objectTimestamps`).
          occurredAt: ctx.data.objectTimestamps === "epoch-ms" ? e.occurredAt.getTime() : e.occurredAt.toISOString(),
          id: e.id,
          properties: { ...e.properties },
        })),
      };
      const more = page.length > 0 && high - low > page.length;
      if (more) {
        const last = page[page.length - 1]!;
        const next = Buffer.from(`${last.occurredAt.getTime()}.${last.seq}`).toString("base64url");
        body.paging = { next: { after: next, link: `/events/v3/events/?after=${next}` } };
      }
      return { status: 200, body };
    }),
  );
}

/**
 * A read naming no record, refused as HubSpot refuses a query its spec does not allow: 400 with the error
 * body every public API shares (`status`, `message`, `correlationId`, `category` VALIDATION_ERROR, and
 * `errors[]` each with `message`, `code`, `in` and `context`; the `Error` schema of the events spec, as the
 * events send reference's example answers a missing `eventName`). The wording is the emulator's own.
 */
function recordRequired(): HubspotApiError {
  const message = "objectId is required when no objectProperty is given: name the record whose events to read";
  return new HubspotApiError(400, "VALIDATION_ERROR", message, { objectId: ["required"] }, [
    { message, code: "REQUIRED", in: "objectId", context: { objectId: ["required"], objectProperty: ["absent"] } },
  ]);
}

function instantParam(q: URLSearchParams, name: string): Date | undefined {
  const raw = q.get(name);
  if (!raw) return undefined;
  const at = parseInstant(raw);
  if (!at) throw validationError(`${name} is not a valid ISO 8601 timestamp: ${raw}`, { [name]: [raw] });
  return at;
}

/** Event paging cursors are opaque strings; here they wrap the last answered event's position. */
function cursorPosition(after: string | null): EventPosition | undefined {
  if (!after) return undefined;
  const match = /^(-?\d+)\.(\d+)$/.exec(Buffer.from(after, "base64url").toString("utf8"));
  if (!match) throw validationError(`Invalid paging cursor: ${after}`, { after: [after] });
  return { at: Number(match[1]), seq: Number(match[2]) };
}
