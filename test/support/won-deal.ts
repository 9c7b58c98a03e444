// Océane, a head of operations at a 600-person Lyon hotel group (accents, a long title, a mixed-case email),
// whom sales accepts with a deal that a test then wins: the person the won-deal scoring suites follow.
import type { LoopHarness } from "./loop-harness.js";

/** Her company and her contact (associated), as HubSpot ids. */
export function seedOceane(loop: Pick<LoopHarness, "hubspot">): { company: string; oceane: string } {
  const hs = loop.hubspot.data;
  const company = hs.createObject("companies", {
    name: "Hôtellerie Lyonnaise Réunie",
    domain: "hotellerie-lyonnaise.fr",
    numberofemployees: "600",
    country: "France",
  }).id;
  const oceane = hs.createObject("contacts", {
    email: "Oceane.Lefebvre-Saint-Andre@Hotellerie-Lyonnaise.fr",
    firstname: "Océane",
    lastname: "Lefèbvre-Saint-André",
    jobtitle: "Head of Opérations et Expérience Client, Établissements du Rhône et de l'Ain",
    company: "Hôtellerie Lyonnaise Réunie",
    country: "France",
    hs_analytics_source: "ORGANIC_SEARCH",
    associatedcompanyid: company,
  }).id;
  hs.associate("contacts", oceane, "companies", company);
  return { company, oceane };
}

/**
 * Sales accepts her handed-off record and opens a deal: her Lead converted with an Opportunity, or with
 * HubSpot as the CRM a deal on her accepted contact. Returns what wins it (48,250).
 */
export function openDeal(loop: Pick<LoopHarness, "hubspot" | "salesforce">, crm: "salesforce" | "hubspot", oceane: string): () => void {
  const hs = loop.hubspot.data;
  const sf = loop.salesforce.data;
  const name = "Hôtellerie Lyonnaise – Déploiement régional";
  if (crm === "salesforce") {
    const lead = sf.list("Lead").find((r) => r.HubSpot_Contact_Id__c === oceane)!;
    const converted = sf.convertLead(lead.Id as string, { opportunityName: name });
    return () => sf.update("Opportunity", converted.opportunityId!, { StageName: "Closed Won", Amount: 48250 });
  }
  hs.updateObject("contacts", oceane, { hs_lead_status: "OPEN_DEAL" });
  const deal = hs.createObject("deals", { dealname: name, dealstage: "presentationscheduled", amount: "48250", pipeline: "default" });
  hs.associate("deals", deal.id, "contacts", oceane);
  return () => hs.updateObject("deals", deal.id, { dealstage: "closedwon" });
}
