// People the crash suites add to a sandbox world: the behaviour that makes a well-fitting contact an MQL
// (a pricing visit, then a demo request a minute later), and Ingrid, a new contact who fits.
import { recordActivity } from "../../src/sandbox/hubspot/emulator.js";
import type { SandboxWorld } from "./sandbox-world.js";

/** The contact reads pricing at `at` and asks for a demo a minute later. */
export function showsIntent(world: Pick<SandboxWorld, "hubspot">, contactId: string, at: Date): void {
  recordActivity(world.hubspot.data, {
    contactId,
    kind: "pageView",
    occurredAt: at,
    properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Pricing" },
  });
  recordActivity(world.hubspot.data, {
    contactId,
    kind: "formSubmission",
    occurredAt: new Date(at.getTime() + 60_000),
    properties: { hs_form_id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05", hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo" },
  });
}

/** Ingrid Halvorsen, VP Revenue Operations at Northwind Analytics, a new lead (made at `createdAt`, else now): her id. */
export function ingridArrives(world: Pick<SandboxWorld, "hubspot">, createdAt?: Date): string {
  return world.hubspot.data.createObject(
    "contacts",
    {
      email: "ingrid.halvorsen@northwind-analytics.com",
      firstname: "Ingrid",
      lastname: "Halvorsen",
      jobtitle: "VP Revenue Operations",
      company: "Northwind Analytics",
      country: "United Kingdom",
      lifecyclestage: "lead",
    },
    createdAt,
  ).id;
}
