// The words a rendered report uses for the CRM it was made with: Salesforce's Opportunities, reached by
// converting a Lead, or, with HubSpot as the CRM, HubSpot's deals, which a contact is associated with
// (no lead is converted there). The figures and the JSON and CSV keys are the same in both modes; only
// the labels a person reads follow the CRM's own vocabulary.

/** Which CRM a report's figures come from (leadloop.yaml's `crm`). */
export type ReportCrm = "salesforce" | "hubspot";

export interface ReportWords {
  /** The deal stage's name inside a sentence or rate: "opportunity", "deal". */
  deal: string;
  /** A figure's title: "Opportunities", "Deals". */
  deals: string;
  /** A table column's: "Opps", "Deals". */
  dealsColumn: string;
  /** Short, for a rate column's heading: "opp", "deal". */
  dealShort: string;
  /** What the SQL figure counts (moves to the deal stage by a conversion, core/report/figures.ts). */
  sqls: string;
}

const WORDS: Readonly<Record<ReportCrm, ReportWords>> = {
  salesforce: { deal: "opportunity", deals: "Opportunities", dealsColumn: "Opps", dealShort: "opp", sqls: "converted leads" },
  hubspot: { deal: "deal", deals: "Deals", dealsColumn: "Deals", dealShort: "deal", sqls: "accepted contacts given a deal" },
};

export function reportWords(crm: ReportCrm): ReportWords {
  return WORDS[crm];
}

/** The funnel's three rates as labelled for a person: "MQL→SAL", "SAL→opportunity", "opportunity→won". */
export function rateLabels(words: ReportWords): { mqlToSal: string; salToOpportunity: string; opportunityToWon: string } {
  return { mqlToSal: "MQL→SAL", salToOpportunity: `SAL→${words.deal}`, opportunityToWon: `${words.deal}→won` };
}
