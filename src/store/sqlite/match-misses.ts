// Match misses: unlinked marketing records that matched no CRM record by the keys they held, so a later
// re-read with the same keys (a look-back) skips the CRM query (ARCHITECTURE.md, "Match misses").
import type { MatchMiss } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

export class MatchMissTable {
  constructor(private readonly sql: Statements) {}

  /** Notes a miss; a note of the same record is replaced (other keys, or a changed matcher). */
  save(miss: MatchMiss): void {
    this.sql
      .get(
        `INSERT INTO match_misses (pair, marketing_id, keys, matcher) VALUES (?, ?, ?, ?)
         ON CONFLICT (pair, marketing_id) DO UPDATE SET keys = excluded.keys, matcher = excluded.matcher`,
      )
      .run(miss.pair, miss.marketingId, miss.keys, miss.matcher);
  }

  /** A linked record's note is void: were the link retired, the record would be matched afresh. */
  drop(pair: string, marketingId: string): void {
    this.sql.get("DELETE FROM match_misses WHERE pair = ? AND marketing_id = ?").run(pair, marketingId);
  }

  find(pair: string, marketingIds: readonly string[]): Map<string, MatchMiss> {
    const out = new Map<string, MatchMiss>();
    for (const chunk of inListChunks(marketingIds)) {
      const rows = this.sql
        .get<{ marketing_id: string; keys: string; matcher: string }>(
          `SELECT marketing_id, keys, matcher FROM match_misses WHERE pair = ? AND marketing_id IN (${chunk.placeholders})`,
        )
        .all(pair, ...chunk.params);
      for (const row of rows) {
        out.set(row.marketing_id, { pair, marketingId: row.marketing_id, keys: row.keys, matcher: row.matcher });
      }
    }
    return out;
  }
}
