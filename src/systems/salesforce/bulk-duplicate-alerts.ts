// Bulk API 2.0 takes no Duplicate Rule Header, so an org's duplicate rule that alerts refuses a job's
// update of a record it matches (DUPLICATES_DETECTED, with the alert unacknowledged), where leadloop's
// updates save past alerts (collections-writer.ts): those updates alone are sent again through
// Collections, so a job's update lands as the same update sent there would.
import type { Logger } from "../../log/logger.js";
import type { RecordWrite, WriteOutcome } from "../../sync/system-port.js";

export async function updatesPastDuplicateAlerts(
  object: string,
  writes: readonly RecordWrite[],
  outcomes: readonly WriteOutcome[],
  sendOnCollections: (writes: readonly RecordWrite[]) => Promise<WriteOutcome[]>,
  log: Logger,
): Promise<WriteOutcome[]> {
  const again = outcomes.flatMap((o, i) => (!o.ok && o.error.code === "DUPLICATES_DETECTED" && writes[i]!.id ? [i] : []));
  if (again.length === 0) return [...outcomes];
  log.info("salesforce.bulk_duplicate_alerts", { object, records: again.length });
  const answered = await sendOnCollections(again.map((i) => writes[i]!));
  const result = [...outcomes];
  again.forEach((i, j) => (result[i] = answered[j]!));
  return result;
}
