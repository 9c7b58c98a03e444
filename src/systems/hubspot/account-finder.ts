// Finds the company that stands for the account when HubSpot is the CRM, and its owner: the contact's
// primary company, or a company on the email's domain. Owners are HubSpot owners, named by email.
import type { SourceRecord } from "../../core/records.js";
import type { PersonAccount } from "../../core/routing/definition.js";
import type { AccountQuery } from "../../sync/funnel/handoff-vocabulary.js";
import type { HubspotAdapter } from "./adapter.js";

const COMPANY_FIELDS = ["name", "domain", "hubspot_owner_id"];

export async function findHubspotAccounts(
  hubspot: HubspotAdapter,
  people: readonly AccountQuery[],
): Promise<Map<string, PersonAccount>> {
  const companyIds = [...new Set(people.map((p) => p.companyId).filter((id): id is string => Boolean(id)))];
  const companies = new Map(
    companyIds.length === 0
      ? []
      : (await hubspot.readByIds("companies", companyIds, COMPANY_FIELDS)).map((c) => [c.id, c] as const),
  );
  const emailDomains = [
    ...new Set(
      people
        .filter((p) => !(p.companyId && companies.has(p.companyId)) && p.emailDomain)
        .map((p) => p.emailDomain!),
    ),
  ];
  const byDomain = new Map<string, SourceRecord>();
  if (emailDomains.length > 0) {
    const found = await hubspot.findBy("companies", "domain", emailDomains, COMPANY_FIELDS);
    // The lowest id first, compared as decimal text: ids are int64, past what a double holds exactly.
    for (const c of found.sort((a, b) => compareIds(a.id, b.id))) {
      const domain = c.fields.domain?.toLowerCase();
      if (domain && !byDomain.has(domain)) byDomain.set(domain, c);
    }
  }
  const owners = new Map((await hubspot.listOwners()).map((o) => [o.id, o.email.toLowerCase()] as const));
  const out = new Map<string, PersonAccount>();
  for (const p of people) {
    const own = p.companyId ? companies.get(p.companyId) : undefined;
    const company = own ?? (p.emailDomain ? byDomain.get(p.emailDomain) : undefined);
    if (!company) continue;
    const ownerId = company.fields.hubspot_owner_id;
    out.set(p.personId, {
      name: company.fields.name ?? null,
      matchedBy: own ? "the contact's company" : `email domain ${p.emailDomain}`,
      ownerEmail: ownerId ? (owners.get(ownerId) ?? null) : null,
    });
  }
  return out;
}

/** Two record ids (decimal, no leading zeros) in numeric order, whatever their size. */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
