// The one order a run's MQLs are handed off in, and so take a queue's turns: what the records carry, never
// the order a system's search or listing answered in, so a lost store's resume can tell which was last.

export interface MqlToHandOff {
  personId: string;
  mqlAt: string;
}

/**
 * Earlier MQL first, by the MQL date to the second (Salesforce keeps date-times to the second, so that is
 * all a record shows of it); MQLs of one second (one run's) by person id, numeric ids as numbers.
 */
export function byHandoffOrder(a: MqlToHandOff, b: MqlToHandOff): number {
  const at = secondOf(a.mqlAt) - secondOf(b.mqlAt);
  if (at !== 0) return at;
  return a.personId.length - b.personId.length || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0);
}

function secondOf(instant: string): number {
  return Math.floor(Date.parse(instant) / 1000);
}
