// What a closed deal leaves on its people's marketing contacts beside the won or lost stage: the reason
// naming the outcome and the deal, the date it closed, and the contact's lead status no longer saying a
// deal is open (ARCHITECTURE.md "Deals"). Pure: the deal phase reads the deal, this decides the values.
import type { FieldValues } from "../records.js";
import { DISPOSITION_DATE_FIELD, DISPOSITION_REASON_FIELD, LEAD_STATUS_FIELD, verdictReason } from "./dispositions.js";

export const DEAL_OUTCOMES = ["won", "lost"] as const;
export type DealOutcome = (typeof DEAL_OUTCOMES)[number];

/** A closed deal as the contact's disposition tells it. */
export interface ClosedDeal {
  outcome: DealOutcome;
  /** What the CRM calls a deal, as the reason names it ("Opportunity", "Deal"). */
  noun: string;
  id: string;
  /** The deal's name; blank or null names the deal by its id. */
  name: string | null;
  /** A won deal's amount; null for a loss or a deal without one. */
  amount: number | null;
  /** The CRM's loss reason, where the deal vocabulary reads one. */
  lossReason: string | null;
  /** The deal's close date as the CRM keeps it (a date, or a date-time). */
  closeDate: string | null;
  /** When the deal was last modified: when it was closed, as far as the read can tell. */
  closedAt: string;
}

/**
 * The reason the contact shows: "Opportunity won: Pilote, 48,250.50", "Deal lost: Abonnement (budget
 * gelé)". The amount is written as the funnel report writes revenue (two decimals, no currency: a
 * portal's currency is its own), and the text is cut to the property's size as every reason is.
 */
export function outcomeReason(deal: ClosedDeal): string {
  const name = deal.name?.trim() || `${deal.noun} ${deal.id}`;
  const amount =
    deal.outcome === "won" && deal.amount !== null
      ? `, ${deal.amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
      : "";
  const lossReason = deal.outcome === "lost" && deal.lossReason?.trim() ? ` (${deal.lossReason.trim()})` : "";
  const text = `${deal.noun} ${deal.outcome}: ${name}${amount}${lossReason}`;
  return verdictReason(text, text);
}

/**
 * The disposition date: the deal's close date, unless it falls before the person's previous move (a
 * date-only CloseDate on the day the Lead was converted is that day's midnight) or after the deal was
 * closed (a date in the future): then the time the deal was closed. Kept within those bounds because a
 * lost store's restore dates the person's stage by this date, and a conversion dated after it would be
 * taken for a new one (sync/funnel/lineage-phase.ts `conversionFollowed`).
 */
export function outcomeDate(deal: ClosedDeal, previousMoveAt: string | undefined): string {
  const closedAt = Date.parse(deal.closedAt);
  const close = deal.closeDate ? Date.parse(deal.closeDate) : NaN;
  const floor = previousMoveAt === undefined ? -Infinity : Date.parse(previousMoveAt);
  if (!Number.isFinite(close) || close > closedAt || close < floor) return deal.closedAt;
  return new Date(close).toISOString();
}

/**
 * The contact's values for a closed deal. The lead status is blanked, won or lost (ARCHITECTURE.md
 * "Deals" says why): HubSpot's lead status tracks a lead on its way to a deal ("Open deal": associated
 * with an open deal), and none of its default options (NEW, OPEN, IN_PROGRESS, OPEN_DEAL, UNQUALIFIED,
 * ATTEMPTED_TO_CONTACT, CONNECTED, BAD_TIMING) says customer or lost. CONNECTED is leadloop's "sales
 * accepted", so a list of accepted leads would hold customers; BAD_TIMING is its recycle (back to
 * nurture), which a lost person is not (lifecycle `other`); with HubSpot as the CRM both are verdicts in
 * the dispositions map, and a blank status leaves the rep's next choice (BAD_TIMING to recycle a lost
 * deal) a real change that the dispositions phase takes. Lifecycle stage and `leadloop_status` say won
 * or lost.
 */
export function outcomeValues(deal: ClosedDeal, previousMoveAt: string | undefined): FieldValues {
  return {
    [DISPOSITION_REASON_FIELD]: outcomeReason(deal),
    [DISPOSITION_DATE_FIELD]: outcomeDate(deal, previousMoveAt),
    [LEAD_STATUS_FIELD]: null,
  };
}
