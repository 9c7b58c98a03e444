// The CRM object types the emulator models, and the names HubSpot accepts for each in a URL path
// (plural, singular or object type id, as https://developers.hubspot.com/docs/api/crm/understanding-the-crm lists).

export const OBJECT_TYPES = ["contacts", "companies", "deals", "tasks", "notes", "calls", "emails"] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

const SINGULAR: Record<ObjectType, string> = {
  contacts: "contact",
  companies: "company",
  deals: "deal",
  tasks: "task",
  notes: "note",
  calls: "call",
  emails: "email",
};

const TYPE_IDS: Record<ObjectType, string> = {
  contacts: "0-1",
  companies: "0-2",
  deals: "0-3",
  tasks: "0-27",
  notes: "0-46",
  calls: "0-48",
  emails: "0-49",
};

export function singularOf(type: ObjectType): string {
  return SINGULAR[type];
}

/** The object type a path segment names, or undefined when HubSpot would not know it. */
export function parseObjectType(segment: string): ObjectType | undefined {
  const lower = segment.toLowerCase();
  return OBJECT_TYPES.find((t) => t === lower || SINGULAR[t] === lower || TYPE_IDS[t] === lower);
}

export function isObjectType(value: string): value is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(value);
}
