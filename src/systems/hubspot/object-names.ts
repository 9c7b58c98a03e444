// HubSpot object names: the plural, singular and type-id spellings HubSpot accepts in paths
// (https://developers.hubspot.com/docs/api/crm/understanding-the-crm), and which property carries an
// object's last-modified instant (contacts `lastmodifieddate`, the rest `hs_lastmodifieddate`).

const STANDARD: Record<string, readonly string[]> = {
  contacts: ["contact", "0-1"],
  companies: ["company", "0-2"],
  deals: ["deal", "0-3"],
  tickets: ["ticket", "0-5"],
  calls: ["call", "0-48"],
  emails: ["email", "0-49"],
  meetings: ["meeting", "0-47"],
  notes: ["note", "0-46"],
  tasks: ["task", "0-27"],
};

/** Names already resolved: asked for every record a page converts, of a handful of spellings. */
const resolved = new Map<string, string>();
/** Spellings remembered at most; a caller inventing names does not grow the map without end. */
const RESOLVED_KEPT = 1_000;

/** The plural name of a standard object (`contact`, `0-1` → `contacts`); other names pass through. */
export function canonicalObject(object: string): string {
  let plural = resolved.get(object);
  if (plural === undefined) {
    plural = pluralOf(object);
    if (resolved.size >= RESOLVED_KEPT) resolved.clear();
    resolved.set(object, plural);
  }
  return plural;
}

function pluralOf(object: string): string {
  const lower = object.trim().toLowerCase();
  for (const [plural, aliases] of Object.entries(STANDARD)) {
    if (lower === plural || aliases.includes(lower)) return plural;
  }
  return object.trim();
}

export function modifiedProperty(object: string): string {
  return canonicalObject(object) === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
}
