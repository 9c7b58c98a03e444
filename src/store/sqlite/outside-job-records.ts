// Records a bulk job did not save (RecordFailure.outsideJob: an org's duplicate rule that alerts on them,
// which no Bulk API 2.0 job can save past), so that the drain sends their later writes outside jobs from
// the start rather than in a job that refuses them again and then outside it (migration 45,
// ARCHITECTURE.md "One write path").
import type { OutsideJobRecord } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

export class OutsideJobRecordTable {
  constructor(private readonly sql: Statements) {}

  saveAll(records: readonly OutsideJobRecord[]): void {
    for (const { system, recordId } of records) {
      this.sql.get("INSERT OR IGNORE INTO outside_job_records (system, record_id) VALUES (?, ?)").run(system, recordId);
    }
  }

  /** Which of these records of `system` a bulk job did not save before. */
  of(system: string, recordIds: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const chunk of inListChunks(recordIds)) {
      const rows = this.sql
        .get<{ record_id: string }>(`SELECT record_id FROM outside_job_records WHERE system = ? AND record_id IN (${chunk.placeholders})`)
        .all(system, ...chunk.params);
      for (const row of rows) out.add(row.record_id);
    }
    return out;
  }
}
