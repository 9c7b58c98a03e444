// What `leadloop forecast --live` reads from a HubSpot portal: how many contacts it holds (a search
// answers `total`) and the limits HubSpot states in its rate-limit headers on every non-search answer
// (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details: X-HubSpot-RateLimit-Max per
// X-HubSpot-RateLimit-Interval-Milliseconds, X-HubSpot-RateLimit-Daily).
import { z } from "zod";
import type { HubspotTransport } from "./transport.js";

export interface PortalUsage {
  contacts: number;
  /** Calls per 10 seconds, when the portal stated it. */
  burstPer10Seconds: number | null;
  dailyCalls: number | null;
  dailyRemaining: number | null;
}

const searchTotal = z.object({ total: z.number() }).loose();
const anyBody = z.unknown();

export async function readPortalUsage(transport: HubspotTransport): Promise<PortalUsage> {
  const search = await transport.send(
    { method: "POST", path: "/crm/v3/objects/contacts/search", search: true, body: { limit: 1, properties: ["email"] } },
    searchTotal,
  );
  const listed = await transport.send({ method: "GET", path: "/crm/v3/objects/contacts", qs: { limit: "1" } }, anyBody);
  const h = listed.headers ?? {};
  const number = (name: string) => {
    const n = Number(h[name]);
    return h[name] !== undefined && Number.isFinite(n) ? n : null;
  };
  const max = number("x-hubspot-ratelimit-max");
  const interval = number("x-hubspot-ratelimit-interval-milliseconds") ?? 10_000;
  return {
    contacts: search.body.total,
    burstPer10Seconds: max === null ? null : Math.round((max * 10_000) / interval),
    dailyCalls: number("x-hubspot-ratelimit-daily"),
    dailyRemaining: number("x-hubspot-ratelimit-daily-remaining"),
  };
}
