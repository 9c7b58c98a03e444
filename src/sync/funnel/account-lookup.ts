// Before routing, the accounts of the people about to be handed off: each person's company (HubSpot's
// associatedcompanyid) with its domain, the CRM account the store links it to, and the email's domain,
// handed to the CRM's vocabulary, which finds the account and its owner. Routing then gets plain data.
import type { FieldValues } from "../../core/records.js";
import { normalizeDomain, normalizeEmail } from "../../core/records.js";
import type { PersonAccount } from "../../core/routing/definition.js";
import type { Link, StateStore } from "../../store/port.js";
import type { SystemPort } from "../system-port.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { heldOrRead } from "./held-reads.js";
import type { AccountQuery } from "./handoff-vocabulary.js";

const COMPANY_PAIR = "company";

export interface AccountPerson {
  personId: string;
  crmType: string | null;
  crmId: string | null;
  fields: FieldValues;
}

export async function personAccounts(
  deps: { marketing: SystemPort; crm: SystemPort; store: StateStore; setup: FunnelSetup },
  people: readonly AccountPerson[],
  /**
   * Companies already read this run, by id, with their `domain` (the qualification's, which the handoff's
   * scoring has just filled for these people): only the others are read.
   */
  known: ReadonlyMap<string, FieldValues> = new Map(),
): Promise<Map<string, PersonAccount>> {
  if (people.length === 0) return new Map();
  const companyIds = [
    ...new Set(people.map((p) => p.fields.associatedcompanyid).filter((id): id is string => Boolean(id))),
  ];
  const companies = await heldOrRead(deps.marketing, "companies", companyIds, ["domain"], (id) => known.get(id));
  const links =
    deps.setup.crmIsMarketing || companyIds.length === 0
      ? new Map<string, Link>()
      : await deps.store.findLinksByMarketingIds(COMPANY_PAIR, companyIds);
  const queries: AccountQuery[] = people.map((p) => {
    const companyId = p.fields.associatedcompanyid ?? null;
    const company = companyId !== null ? companies.get(companyId) : undefined;
    const email = normalizeEmail(p.fields.email ?? null);
    return {
      personId: p.personId,
      crmType: p.crmType,
      crmId: p.crmId,
      companyId: company ? companyId : null,
      linkedAccountId: companyId ? (links.get(companyId)?.crmId ?? null) : null,
      companyDomain: normalizeDomain(company?.domain ?? null),
      emailDomain: email ? normalizeDomain(email.slice(email.lastIndexOf("@") + 1)) : null,
    };
  });
  return deps.setup.vocabulary.findAccounts(queries, deps.crm);
}
