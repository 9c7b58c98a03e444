// Realistic records for the store contract: people with accented names and mixed-case emails, the way
// HubSpot and Salesforce hand them over.
import type { AuditEntry, FunnelEvent, LinkWrite, NewQueuedError, OutboxWrite, SlaClock } from "../../src/store/port.js";

export const RUN = "run-2025-03-10T09:00:00Z";

/** An ISO timestamp `minutes` after 2025-03-10 09:00 UTC. */
export function at(minutes: number): string {
  return new Date(Date.UTC(2025, 2, 10, 9, 0, 0) + minutes * 60_000).toISOString();
}

export const people = {
  zoe: {
    hubspotId: "51",
    email: "Zoë.Ångström@Nordlicht.SE",
    lead: "00Q5e00000ZoeAAA",
    contact: "0035e00000ZoeAAA",
  },
  jose: {
    hubspotId: "52",
    email: "José.García@Example.COM",
    lead: "00Q5e00000JoseAA",
    contact: "0035e00000JoseAA",
  },
  francoise: { hubspotId: "53", email: "francoise.lefevre@Société-Générale.fr", lead: "00Q5e00000FrancA" },
  bjorn: { hubspotId: "54", email: "Björn.Ødegård@fjord.NO", lead: "00Q5e00000BjornA" },
} as const;

export function matchKey(email: string): string {
  return email.toLowerCase();
}

export function leadLink(person: { hubspotId: string; email: string; lead: string }): LinkWrite {
  return {
    pair: "contact",
    marketingType: "contact",
    marketingId: person.hubspotId,
    crmType: "Lead",
    crmId: person.lead,
    matchKey: matchKey(person.email),
  };
}

/** An audited Lead field update, at `when`: minutes after the fixtures' start, or an ISO instant. */
export function auditEntry(
  recordId: string,
  when: number | string,
  field: string,
  after: string | null,
): AuditEntry {
  return {
    runId: RUN,
    at: typeof when === "number" ? at(when) : when,
    system: "salesforce",
    object: "Lead",
    recordId,
    operation: "update",
    field,
    before: null,
    after,
    rule: "changed on marketing",
  };
}

/** The qualification's write of these fields to a HubSpot contact, waiting in the outbox under `key`. */
export function qualificationWrite(key: string, recordId: string, fields: OutboxWrite["fields"], email: string): OutboxWrite {
  return {
    key,
    phase: "qualification",
    side: "marketing",
    system: "hubspot",
    object: "contacts",
    recordId,
    upsertOn: null,
    associations: [],
    fields,
    personId: recordId,
    email,
    group: null,
  };
}

export function failedWrite(recordId: string | null, minutes: number, message: string): NewQueuedError {
  return {
    runId: RUN,
    system: "salesforce",
    object: "Lead",
    recordId,
    operation: "update",
    payload: { FirstName: "Zoë", LastName: "Ångström", Country: "Sverige", Phone: null },
    errorClass: "data",
    message,
    at: at(minutes),
  };
}

export function funnelEvent(
  personId: string,
  toStage: string,
  minutes: number,
  fromStage: string | null = null,
): FunnelEvent {
  return {
    personId,
    email: null,
    fromStage,
    toStage,
    at: at(minutes),
    cause: "score 72 ≥ 60 (pricing page, demo request)",
    runId: RUN,
    source: "organic_search",
    campaign: "Frühjahrs-Webinar 2025",
    ownerId: null,
    amount: null,
  };
}

export function slaClock(
  personId: string,
  ownerId: string | null,
  overrides: Partial<SlaClock> = {},
): SlaClock {
  return {
    personId,
    crmType: "Lead",
    crmId: `00Q-${personId}`,
    ownerId,
    handoffAt: at(0),
    dueAt: at(240),
    firstTouchAt: null,
    touches: 0,
    breachedAt: null,
    ...overrides,
  };
}

/**
 * A queue's refusals as they group into problems (core/text/error-problems.ts): a deactivated rep's three
 * writes about Françoise (her Contact's two phases and her follow-up Task, the message naming each object)
 * are one conflict problem; Zoë's Lead refused by two validation rules is two; a HubSpot contact naming no
 * person refused in two phases is one, by its record; two creates naming no person (no record yet) are one
 * each; Björn's refusal is resolved by the time the queue is counted. Open: 9 entries, 1 conflict and 5
 * data problems.
 */
export function problemRefusals(minutes: number): { entry: NewQueuedError; resolved: boolean }[] {
  const francoise = { personId: people.francoise.hubspotId, email: people.francoise.email };
  const inactive = (object: string) =>
    `INACTIVE_OWNER_OR_USER: operation performed with inactive user [0055e00000HeleneAAA] as owner of ${object} [${people.francoise.email}]`;
  const zoe = { personId: people.zoe.hubspotId, Company: "", Country: "Sverige" };
  const refusal = (e: Partial<NewQueuedError>): NewQueuedError => ({ ...failedWrite(null, minutes, ""), ...e });
  const create = { object: "Lead", recordId: null, operation: "create", payload: { LastName: "  ", Company: "Nordlicht AB" } };
  return [
    { entry: refusal({ object: "Contact", recordId: "0035e00000FrancA", operation: "field sync", payload: { ...francoise, Title: "Directrice Commerciale — Europe du Sud" }, errorClass: "conflict", message: inactive("contact") }), resolved: false },
    { entry: refusal({ object: "Contact", recordId: "0035e00000FrancA", operation: "qualification", payload: francoise, errorClass: "conflict", message: inactive("contact") }), resolved: false },
    { entry: refusal({ object: "Task", recordId: "00T5e00000FrancA", operation: "sla", payload: francoise, errorClass: "conflict", message: inactive("task") }), resolved: false },
    { entry: refusal({ recordId: people.zoe.lead, payload: zoe, message: `FIELD_CUSTOM_VALIDATION_EXCEPTION: Le pays doit être un code ISO [${people.zoe.email}]` }), resolved: false },
    { entry: refusal({ recordId: people.zoe.lead, operation: "qualification", payload: zoe, message: `FIELD_CUSTOM_VALIDATION_EXCEPTION: Company darf nicht leer sein [${people.zoe.email}]` }), resolved: false },
    { entry: refusal({ system: "hubspot", object: "contacts", recordId: people.jose.hubspotId, payload: { email: "José.García@Example" }, message: "INVALID_EMAIL: Email address José.García@Example is invalid" }), resolved: false },
    { entry: refusal({ system: "hubspot", object: "contacts", recordId: people.jose.hubspotId, operation: "qualification", payload: { email: "José.García@Example" }, message: "INVALID_EMAIL: Email address José.García@Example is invalid" }), resolved: false },
    { entry: refusal({ ...create, message: "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]" }), resolved: false },
    { entry: refusal({ ...create, message: "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]" }), resolved: false },
    { entry: refusal({ recordId: people.bjorn.lead, payload: { personId: people.bjorn.hubspotId }, message: "UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record" }), resolved: true },
  ];
}
