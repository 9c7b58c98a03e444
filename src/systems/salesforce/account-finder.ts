// Finds the Salesforce Account of people about to be handed off, and its owner: a Contact's own Account,
// the Account linked to the person's HubSpot company, or an Account whose Website is on the company's
// or the email's domain. Reps type websites loosely ("https://www.acme.com/", "acme.com"), so a domain
// is looked up under each form a Website field commonly holds, then checked once normalised.
import { domainSpellings, normalizeDomain } from "../../core/records.js";
import type { PersonAccount } from "../../core/routing/definition.js";
import type { AccountQuery } from "../../sync/funnel/handoff-vocabulary.js";
import type { SystemPort } from "../../sync/system-port.js";

const ACCOUNT_FIELDS = ["Name", "Website", "Owner.Email"];

export async function findSalesforceAccounts(
  salesforce: SystemPort,
  people: readonly AccountQuery[],
): Promise<Map<string, PersonAccount>> {
  // Person id → [account id, how it was found], the first way that found one.
  const found = new Map<string, [string, string]>();
  const contactIds = people.filter((p) => p.crmType === "Contact" && p.crmId).map((p) => p.crmId!);
  const contactAccounts = new Map(
    contactIds.length === 0
      ? []
      : (await salesforce.readByIds("Contact", contactIds, ["AccountId"])).map(
          (c) => [c.id, c.fields.AccountId ?? null] as const,
        ),
  );
  for (const p of people) {
    const own = p.crmType === "Contact" && p.crmId ? contactAccounts.get(p.crmId) : null;
    if (own) found.set(p.personId, [own, "the Contact's Account"]);
    else if (p.linkedAccountId) found.set(p.personId, [p.linkedAccountId, "linked to the HubSpot company"]);
  }

  const wanted = new Set<string>();
  for (const p of people) {
    if (found.has(p.personId)) continue;
    if (p.companyDomain) wanted.add(p.companyDomain);
    if (p.emailDomain) wanted.add(p.emailDomain);
  }
  const byDomain = new Map<string, string>();
  if (wanted.size > 0) {
    const candidates = await salesforce.findBy(
      "Account",
      "Website",
      [...wanted].flatMap(domainSpellings),
      ["Website"],
    );
    // The oldest id wins when two Accounts share a domain, so the choice never changes between runs.
    for (const a of candidates.sort((x, y) => x.id.localeCompare(y.id))) {
      const domain = normalizeDomain(a.fields.Website ?? null);
      if (domain && wanted.has(domain) && !byDomain.has(domain)) byDomain.set(domain, a.id);
    }
  }
  for (const p of people) {
    if (found.has(p.personId)) continue;
    const byCompany = p.companyDomain ? byDomain.get(p.companyDomain) : undefined;
    const byEmail = p.emailDomain ? byDomain.get(p.emailDomain) : undefined;
    if (byCompany) found.set(p.personId, [byCompany, `company domain ${p.companyDomain}`]);
    else if (byEmail) found.set(p.personId, [byEmail, `email domain ${p.emailDomain}`]);
  }

  const ids = [...new Set([...found.values()].map(([id]) => id))];
  const accounts = new Map(
    ids.length === 0
      ? []
      : (await salesforce.readByIds("Account", ids, ACCOUNT_FIELDS)).map((a) => [a.id, a] as const),
  );
  const out = new Map<string, PersonAccount>();
  for (const [personId, [accountId, matchedBy]] of found) {
    const account = accounts.get(accountId);
    if (!account) continue; // deleted since the link was made
    out.set(personId, {
      name: account.fields.Name ?? null,
      matchedBy,
      ownerEmail: account.fields["Owner.Email"]?.toLowerCase() ?? null,
    });
  }
  return out;
}
