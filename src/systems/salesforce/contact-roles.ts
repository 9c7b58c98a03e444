// OpportunityContactRole has no external id to upsert on, so a role created just before a crash and
// sent again would be a second role for the same contact. A contact has one role per Opportunity: a
// create for a pair that already has one is answered with that role, and not sent (a SOQL read sees a
// committed save at once).
import type { RecordWrite, WriteOutcome } from "../../sync/system-port.js";
import type { SalesforceClient } from "./connection.js";
import { SOQL_IN_LIST_SIZE } from "./limits.js";
import { queryRowsTogether } from "./queries-together.js";
import { chunk, inList, select } from "./soql.js";

export const CONTACT_ROLE_OBJECT = "OpportunityContactRole";

/** The role already made for each create, by the create's position; only creates with both ids are looked up. */
export async function existingContactRoles(
  client: SalesforceClient,
  writes: readonly RecordWrite[],
): Promise<Map<number, WriteOutcome>> {
  const found = new Map<number, WriteOutcome>();
  const creates = writes.flatMap((w, index) =>
    !w.id && w.fields.OpportunityId && w.fields.ContactId
      ? [{ index, ref: w.ref, pair: `${w.fields.OpportunityId}:${w.fields.ContactId}`, opportunity: w.fields.OpportunityId }]
      : [],
  );
  if (creates.length === 0) return found;
  const roles = new Map<string, string>();
  const soqls = chunk([...new Set(creates.map((c) => c.opportunity))], SOQL_IN_LIST_SIZE).map((part) =>
    select(CONTACT_ROLE_OBJECT, ["Id", "OpportunityId", "ContactId"], inList("OpportunityId", part)),
  );
  for (const rows of await queryRowsTogether(client, soqls)) {
    for (const row of rows) roles.set(`${String(row.OpportunityId)}:${String(row.ContactId)}`, String(row.Id));
  }
  for (const c of creates) {
    const id = roles.get(c.pair);
    if (id) found.set(c.index, { ref: c.ref, ok: true, id, created: false });
  }
  return found;
}
