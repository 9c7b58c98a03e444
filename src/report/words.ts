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
  /**
   * A funnel move's cause or an audit rule in the CRM's words. The store keeps one vocabulary for both
   * CRMs (`conversion: deals 123`, `opportunity: deals 123 won`: core/funnel/stages.ts cause kinds, which
   * the report and a lost store's restore read back), so a text a person reads is put in HubSpot's here.
   */
  cause(cause: string): string;
}

/** HubSpot's deals are the deal stage: opened for a contact sales accepted, then won or lost; no Lead converts. */
function hubspotCause(cause: string): string {
  const restored = /^restored: (.*)$/s.exec(cause);
  if (restored) return `restored: ${hubspotCause(restored[1]!)}`;
  const opened = /^conversion: deals (\S+)(.*)$/s.exec(cause);
  if (opened) return `deal ${opened[1]} opened for the accepted contact${opened[2]}`;
  const closed = /^opportunity: deals (\S+)(.*)$/s.exec(cause);
  if (closed) return `deal ${closed[1]}${closed[2]}`;
  return cause;
}

const WORDS: Readonly<Record<ReportCrm, ReportWords>> = {
  salesforce: {
    deal: "opportunity",
    deals: "Opportunities",
    dealsColumn: "Opps",
    dealShort: "opp",
    sqls: "converted leads",
    cause: (cause) => cause,
  },
  hubspot: {
    deal: "deal",
    deals: "Deals",
    dealsColumn: "Deals",
    dealShort: "deal",
    sqls: "accepted contacts given a deal",
    cause: hubspotCause,
  },
};

/** A funnel stage as a person reads it: the deal stage in the CRM's word ("opportunity", "deal"). */
export function stageWord(stage: string, words: ReportWords): string {
  return stage === "opportunity" ? words.deal : stage;
}

export function reportWords(crm: ReportCrm): ReportWords {
  return WORDS[crm];
}

/** The funnel's three rates as labelled for a person: "MQL→SAL", "SAL→opportunity", "opportunity→won". */
export function rateLabels(words: ReportWords): { mqlToSal: string; salToOpportunity: string; opportunityToWon: string } {
  return { mqlToSal: "MQL→SAL", salToOpportunity: `SAL→${words.deal}`, opportunityToWon: `${words.deal}→won` };
}
