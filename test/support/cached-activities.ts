// Activities as the behaviour cache is given them, at fixed days before a fixed now, with the pages and
// forms the store tests of the behaviour cache share (accents, a GUID-shaped form id).
import type { CachedActivity } from "../../src/store/port.js";

export const DAY_MS = 86_400_000;
export const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
export const daysAgo = (days: number): string => new Date(NOW - days * DAY_MS).toISOString();

export const pricing = { hs_url: "https://www.exemple.fr/tarifs?é=1", hs_title: "Tarifs — Zoë" };
export const webinar = { hs_form_id: "3c8f0c8d-8e8c-4b1f-9c3a-5d2e1f0a9b8c", hs_form_name: "Webinaire : l'été des leads" };

/** A page view (or, from the forms source, a form submission) `days` ago. */
export const activity = (ownerKey: string, id: string, days: number, properties: Record<string, string>, source = "events"): CachedActivity => ({
  ownerKey,
  id,
  kind: source === "forms" ? "form_submission" : "page_view",
  occurredAt: daysAgo(days),
  properties,
  source,
});
