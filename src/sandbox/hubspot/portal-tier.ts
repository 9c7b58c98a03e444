// What a portal's subscription tier changes for the APIs leadloop calls. The event analytics API
// (GET /events/v3/events) needs Marketing Hub Enterprise ("x-hubspot-product-tier-requirements": ENTERPRISE
// in its OpenAPI spec; https://developers.hubspot.com/docs/guides/api/analytics-and-events/event-analytics);
// below it HubSpot answers 403 with category MISSING_SCOPES and the body of every scope refusal
// (hubspot-api-nodejs issue #268, estuary/connectors issue #2213, PipedreamHQ/pipedream issue #11810).
// The contact properties, forms and marketing email events APIs answer on every tier. The Marketing
// Campaigns API needs Marketing Hub Professional or higher and the scope `marketing.campaigns.read`
// (https://developers.hubspot.com/docs/api/marketing/campaigns): a starter portal refuses it alike.
import { randomUUID } from "node:crypto";
import type { EmulatorResponse } from "../emulator/server.js";

export const HUBSPOT_TIERS = ["enterprise", "professional", "starter"] as const;
export type HubspotTier = (typeof HUBSPOT_TIERS)[number];

/** The granular scope a private app asks for to read event analytics (Enterprise portals only). */
export const EVENTS_READ_SCOPE = "behavioral_events.event_definitions.read_write";

/** The scope every Marketing Campaigns API endpoint needs (Professional portals and up). */
export const CAMPAIGNS_READ_SCOPE = "marketing.campaigns.read";

export function missingScopes(requiredGranularScopes: readonly string[]): EmulatorResponse {
  return {
    status: 403,
    body: {
      status: "error",
      message:
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      correlationId: randomUUID(),
      errors: [
        {
          message: "One or more of the following scopes are required.",
          context: { requiredGranularScopes: [...requiredGranularScopes] },
        },
      ],
      links: { scopes: "https://developers.hubspot.com/scopes" },
      category: "MISSING_SCOPES",
    },
  };
}
