// Events API: event occurrences on CRM records and the event type names
// (GET /events/v3/events/ and /events/v3/events/event-types, Events API reference).

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { validationError } from "../errors.js";
import { EVENT_TYPE_NAMES } from "../event-types.js";
import { parseObjectType } from "../object-types.js";
import { EVENTS_READ_SCOPE, missingScopes } from "../portal-tier.js";
import { parseInstant } from "../property-values.js";
import { type HubspotContext, intParam, route } from "./route-helpers.js";

const EVENT_PAGE_DEFAULT = 100;
const EVENT_PAGE_MAX = 1000;

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
      const objectId = q.get("objectId");
      if (objectId && !objectType) throw validationError("objectType is required when objectId is given");
      if (objectType && parseObjectType(objectType) !== "contacts") {
        // Only contact activity is modelled; other object types have no events here.
        return { status: 200, body: { results: [] } };
      }
      const after = instantParam(q, "occurredAfter");
      const before = instantParam(q, "occurredBefore");
      const eventType = q.get("eventType");
      const descending = q.getAll("sort").some((s) => s.toUpperCase() === "DESCENDING");
      const limit = Math.min(intParam(q, "limit", EVENT_PAGE_DEFAULT), EVENT_PAGE_MAX);
      const offset = cursorOffset(q.get("after"));
      // Without objectId the query lists the events of every record of objectType (or of every type):
      // "To retrieve event data for a specific CRM record, include the additional objectId query
      // parameter" (Events API reference, GET /events/v3/events/).
      let events = ctx.data
        .eventsOldestFirst(objectId ?? undefined)
        .filter(
          (e) =>
            (!objectId || e.objectId === objectId) &&
            (!eventType || e.eventType === eventType) &&
            (!after || e.occurredAt.getTime() > after.getTime()) &&
            (!before || e.occurredAt.getTime() < before.getTime()),
        );
      if (descending) events = events.reverse();
      const page = events.slice(offset, offset + limit);
      const body: Record<string, unknown> = {
        results: page.map((e) => ({
          objectType: "CONTACT",
          objectId: e.objectId,
          eventType: e.eventType,
          occurredAt: e.occurredAt.toISOString(),
          id: e.id,
          properties: { ...e.properties },
        })),
      };
      if (offset + limit < events.length) {
        const cursor = Buffer.from(String(offset + limit)).toString("base64url");
        body.paging = { next: { after: cursor, link: `/events/v3/events/?after=${cursor}` } };
      }
      return { status: 200, body };
    }),
  );
}

function instantParam(q: URLSearchParams, name: string): Date | undefined {
  const raw = q.get(name);
  if (!raw) return undefined;
  const at = parseInstant(raw);
  if (!at) throw validationError(`${name} is not a valid ISO 8601 timestamp: ${raw}`, { [name]: [raw] });
  return at;
}

/** Event paging cursors are opaque strings; here they wrap an offset. */
function cursorOffset(after: string | null): number {
  if (!after) return 0;
  const n = Number(Buffer.from(after, "base64url").toString("utf8"));
  if (!Number.isInteger(n) || n < 0)
    throw validationError(`Invalid paging cursor: ${after}`, { after: [after] });
  return n;
}
