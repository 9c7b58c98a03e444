// A complete Bulk API 2.0 job's rows it did not save go again through sObject Collections, where each gets
// its own answer: Bulk takes no Duplicate Rule Header, so an org's duplicate rule that alerts refuses a
// job's update of a record it matches (DUPLICATES_DETECTED, the alert unacknowledged), where leadloop's
// Collections updates save past alerts (collections-writer.ts); any other refusal is the record's own,
// named there with what the rule matched. Sent at once, a call per job, unless the caller gathers several
// jobs' into full calls itself (WriteOptions.outsideJobLater: the drain, the field sync's held creates).
import type { Logger } from "../../log/logger.js";
import type { RecordWrite, WriteOutcome } from "../../sync/system-port.js";

export async function sendAgainOutsideJob(
  object: string,
  writes: readonly RecordWrite[],
  outcomes: readonly WriteOutcome[],
  sendOnCollections: (writes: readonly RecordWrite[]) => Promise<WriteOutcome[]>,
  log: Logger,
): Promise<WriteOutcome[]> {
  const again = outcomes.flatMap((o, i) => (!o.ok && o.error.outsideJob ? [i] : []));
  if (again.length === 0) return [...outcomes];
  log.info("salesforce.outside_job", { object, records: again.length });
  const answered = await sendOnCollections(again.map((i) => writes[i]!));
  const result = [...outcomes];
  again.forEach((i, j) => (result[i] = answered[j]!));
  return result;
}
