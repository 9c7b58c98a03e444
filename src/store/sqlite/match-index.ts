// The match index: the CRM records a first load matches unlinked marketing records against, read once
// and kept here by normalised match key instead of in memory (a million contacts), emptied when the run's
// matching is done (ARCHITECTURE.md, "First-load matching").
import type { IndexedRecord, MatchIndexEntry } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

export class MatchIndexTable {
  constructor(private readonly sql: Statements) {}

  /** Adds records; one read again (same object and id) replaces what was held, key and all. */
  add(crmObject: string, entries: readonly MatchIndexEntry[]): void {
    const upsert = this.sql.get(
      `INSERT INTO match_index (crm_object, crm_id, match_key, record) VALUES (?, ?, ?, ?)
       ON CONFLICT (crm_object, crm_id) DO UPDATE SET match_key = excluded.match_key, record = excluded.record`,
    );
    const drop = this.sql.get("DELETE FROM match_index WHERE crm_object = ? AND crm_id = ?");
    for (const e of entries) {
      if (e.key === null) drop.run(crmObject, e.record.id);
      else upsert.run(crmObject, e.record.id, e.key, JSON.stringify(e.record));
    }
  }

  /** The records of `crmObject` whose normalised key is one of `keys`. */
  find(crmObject: string, keys: readonly string[]): IndexedRecord[] {
    const out: IndexedRecord[] = [];
    for (const chunk of inListChunks(keys)) {
      const rows = this.sql
        .get<{ record: string }>(
          `SELECT record FROM match_index WHERE crm_object = ? AND match_key IN (${chunk.placeholders}) ORDER BY crm_id`,
        )
        .all(crmObject, ...chunk.params);
      for (const row of rows) out.push(JSON.parse(row.record) as IndexedRecord);
    }
    return out;
  }

  clear(crmObject: string): void {
    this.sql.get("DELETE FROM match_index WHERE crm_object = ?").run(crmObject);
  }
}
