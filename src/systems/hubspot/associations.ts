// HubSpot-defined default (unlabeled) association type ids used when a create carries associations, from
// the Associations v4 reference, "Association type ID values"
// (https://developers.hubspot.com/docs/api/crm/associations/associations-v4).
import { canonicalObject } from "./object-names.js";

const DEFAULT_TYPE_IDS: Record<string, Record<string, number>> = {
  contacts: {
    companies: 279,
    deals: 4,
    tickets: 15,
    calls: 193,
    emails: 197,
    meetings: 199,
    notes: 201,
    tasks: 203,
  },
  companies: {
    contacts: 280,
    deals: 342,
    tickets: 340,
    calls: 181,
    emails: 185,
    meetings: 187,
    notes: 189,
    tasks: 191,
  },
  deals: {
    contacts: 3,
    companies: 341,
    tickets: 27,
    calls: 205,
    emails: 209,
    meetings: 211,
    notes: 213,
    tasks: 215,
  },
  tickets: { contacts: 16, companies: 339, deals: 28 },
  calls: { contacts: 194, companies: 182, deals: 206 },
  emails: { contacts: 198, companies: 186, deals: 210 },
  meetings: { contacts: 200, companies: 188, deals: 212 },
  notes: { contacts: 202, companies: 190, deals: 214 },
  tasks: { contacts: 204, companies: 192, deals: 216 },
};

export interface AssociationInput {
  to: { id: string };
  types: { associationCategory: "HUBSPOT_DEFINED"; associationTypeId: number }[];
}

/** The default association type id from one object to another, or undefined when HubSpot defines none. */
export function defaultAssociationTypeId(from: string, to: string): number | undefined {
  return DEFAULT_TYPE_IDS[canonicalObject(from)]?.[canonicalObject(to)];
}

export function associationInput(from: string, to: string, toId: string): AssociationInput | undefined {
  const typeId = defaultAssociationTypeId(from, to);
  if (typeId === undefined) return undefined;
  return { to: { id: toId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: typeId }] };
}
