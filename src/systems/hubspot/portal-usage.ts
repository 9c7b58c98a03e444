// What `leadloop forecast --live` reads from a HubSpot portal: how many contacts it holds (a search
// answers `total`) and the limits HubSpot states on every non-search answer, as the transport read them
// (rate-limit-headers.ts).
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
  // A non-search answer states the limits; the transport keeps what the last one said.
  await transport.send({ method: "GET", path: "/crm/v3/objects/contacts", qs: { limit: "1" } }, anyBody);
  const burst = transport.burstLimit();
  const daily = transport.dailyUsage();
  return {
    contacts: search.body.total,
    burstPer10Seconds: burst ? Math.round((burst.max * 10_000) / burst.intervalMs) : null,
    dailyCalls: daily?.max ?? null,
    dailyRemaining: daily ? daily.max - daily.used : null,
  };
}
