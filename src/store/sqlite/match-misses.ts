// Match misses: unlinked marketing records that matched no CRM record by the keys they held, so a later
// re-read with the same keys (a look-back) skips the CRM query (ARCHITECTURE.md, "Match misses"). The
// pair and the matcher's fingerprint, the same on every note of a pair, are numbers in the store's
// names (migration 18).
import type { MatchMiss } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { NameTable } from "./names.js";
import type { Statements } from "./statements.js";

export class MatchMissTable {
  constructor(
    private readonly sql: Statements,
    private readonly names: NameTable,
  ) {}

  /** Notes a miss; a note of the same record is replaced (other keys, or a changed matcher). */
  save(miss: MatchMiss): void {
    this.sql
      .get(
        `INSERT INTO match_misses (pair, marketing_id, keys, matcher) VALUES (?, ?, ?, ?)
         ON CONFLICT (pair, marketing_id) DO UPDATE SET keys = excluded.keys, matcher = excluded.matcher`,
      )
      .run(this.names.idOf(miss.pair), miss.marketingId, miss.keys, this.names.idOf(miss.matcher));
  }

  /** A linked record's note is void: were the link retired, the record would be matched afresh. */
  drop(pair: string, marketingId: string): void {
    const pairId = this.names.findId(pair);
    if (pairId === undefined) return;
    this.sql.get("DELETE FROM match_misses WHERE pair = ? AND marketing_id = ?").run(pairId, marketingId);
  }

  find(pair: string, marketingIds: readonly string[]): Map<string, MatchMiss> {
    const out = new Map<string, MatchMiss>();
    // A pair no note ever named has no number yet, and no notes.
    const pairId = this.names.findId(pair);
    if (pairId === undefined) return out;
    for (const chunk of inListChunks(marketingIds)) {
      const rows = this.sql
        .get<{ marketing_id: string; keys: string; matcher: number }>(
          `SELECT marketing_id, keys, matcher FROM match_misses WHERE pair = ? AND marketing_id IN (${chunk.placeholders})`,
        )
        .all(pairId, ...chunk.params);
      for (const row of rows) {
        out.set(row.marketing_id, {
          pair,
          marketingId: row.marketing_id,
          keys: row.keys,
          matcher: this.names.nameOf(row.matcher),
        });
      }
    }
    return out;
  }
}
