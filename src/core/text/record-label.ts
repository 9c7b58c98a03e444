// How a person reads a CRM record's type: Salesforce names objects in the singular (Lead, Contact), and
// HubSpot's CRM objects API in the plural (contacts, companies, deals), which reads as a list beside one
// record's id ("contacts 10172") in what reps and admins see.

const HUBSPOT_OBJECTS: Readonly<Record<string, string>> = { contacts: "contact", companies: "company", deals: "deal" };

/** "contact 10172", "Lead 00QHs000000003kMAA": a record's type and id as a person reads them. */
export function recordLabel(type: string, id: string): string {
  return `${HUBSPOT_OBJECTS[type] ?? type} ${id}`;
}
