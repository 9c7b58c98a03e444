// The HubSpot calls that read behaviour, counted from the emulator's call counter: the events API, the
// forms list and their submissions, and the email events.
import type { SandboxWorld } from "./sandbox-world.js";

/** The endpoints that read behaviour, as the emulator's call counter names them. */
export const BEHAVIOUR_ENDPOINTS = [
  "GET /events/v3/events",
  "GET /marketing/v3/forms",
  "GET /form-integrations/v1/submissions/forms/:formGuid",
  "GET /email/public/v1/events",
];

/** Behaviour reads the world's HubSpot answered since its counter was last reset. */
export function behaviourReads(world: SandboxWorld): number {
  const counts = world.hubspot.calls.byEndpoint();
  return BEHAVIOUR_ENDPOINTS.reduce((sum, e) => sum + (counts[e] ?? 0), 0);
}
