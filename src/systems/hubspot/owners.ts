// listOwners: the account's users who can own records (GET /crm/v3/owners, https://developers.hubspot.com/docs/api/crm/owners).
import { OWNERS_PAGE_SIZE } from "./limits.js";
import { ownerPage } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

export interface HubspotOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export async function listOwners(transport: HubspotTransport): Promise<HubspotOwner[]> {
  const owners: HubspotOwner[] = [];
  let after: string | undefined;
  do {
    const qs: Record<string, string> = { limit: String(OWNERS_PAGE_SIZE), archived: "false" };
    if (after) qs.after = after;
    const { body } = await transport.send({ method: "GET", path: "/crm/v3/owners", qs }, ownerPage);
    for (const o of body.results) {
      owners.push({
        id: o.id,
        email: o.email ?? "",
        firstName: o.firstName ?? "",
        lastName: o.lastName ?? "",
      });
    }
    after = body.paging?.next?.after;
  } while (after);
  return owners;
}
