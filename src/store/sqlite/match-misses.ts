// Match misses: unlinked marketing records that matched no CRM record by the keys they held, so a later
// re-read with the same keys (a look-back) skips the CRM query (ARCHITECTURE.md, "Match misses"). The
// pair and the matcher's fingerprint, the same on every note of a pair, are numbers in the store's
// names (migration 18); the record's id is packed as the behaviour cache packs ids (a HubSpot id is an
// INTEGER), and keys that repeat one text (a contact's email for the Lead and for the Contact) are kept
// as that text once (migration 43).
import type { MatchMiss } from "../port.js";
import { packId, type StoredId, unpackId } from "./activity-id.js";
import { inListChunks } from "./in-list.js";
import type { NameTable } from "./names.js";
import type { Statements } from "./statements.js";

/** Keys of up to this many repeats of one text are kept as the count's digit and the text. */
const MOST_REPEATS = 9;

/**
 * The keys as kept: `["a@x.se","a@x.se"]` (JSON of n ≤ 9 equal texts, as JSON.stringify spells it) as
 * `2a@x.se`; any other keys as they are, behind a "0" where they begin with a digit. `keysOf` undoes it.
 */
export function packKeys(keys: string): string {
  const repeated = repeatedKey(keys);
  if (repeated !== undefined) return `${repeated.count}${repeated.text}`;
  const first = keys.charCodeAt(0);
  return first >= 0x30 && first <= 0x39 ? `0${keys}` : keys;
}

export function keysOf(packed: string): string {
  const first = packed.charCodeAt(0);
  if (first === 0x30) return packed.slice(1);
  if (first > 0x30 && first <= 0x39) return JSON.stringify(new Array<string>(first - 0x30).fill(packed.slice(1)));
  return packed;
}

function repeatedKey(keys: string): { count: number; text: string } | undefined {
  if (!keys.startsWith('["')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(keys);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MOST_REPEATS) return undefined;
  const text: unknown = parsed[0];
  if (typeof text !== "string" || parsed.some((k) => k !== text)) return undefined;
  // Only where the JSON is spelled as it will be again (no spaces, no needless escapes).
  return JSON.stringify(parsed) === keys ? { count: parsed.length, text } : undefined;
}

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
      .run(this.names.idOf(miss.pair), packId(miss.marketingId), packKeys(miss.keys), this.names.idOf(miss.matcher));
  }

  /** A linked record's note is void: were the link retired, the record would be matched afresh. */
  drop(pair: string, marketingId: string): void {
    const pairId = this.names.findId(pair);
    if (pairId === undefined) return;
    this.sql.get("DELETE FROM match_misses WHERE pair = ? AND marketing_id = ?").run(pairId, packId(marketingId));
  }

  find(pair: string, marketingIds: readonly string[]): Map<string, MatchMiss> {
    const out = new Map<string, MatchMiss>();
    // A pair no note ever named has no number yet, and no notes.
    const pairId = this.names.findId(pair);
    if (pairId === undefined) return out;
    for (const chunk of inListChunks(marketingIds.map(packId))) {
      const rows = this.sql
        .get<{ marketing_id: StoredId; keys: string; matcher: number }>(
          `SELECT marketing_id, keys, matcher FROM match_misses WHERE pair = ? AND marketing_id IN (${chunk.placeholders})`,
        )
        .all(pairId, ...chunk.params);
      for (const row of rows) {
        const marketingId = unpackId(row.marketing_id);
        out.set(marketingId, { pair, marketingId, keys: keysOf(row.keys), matcher: this.names.nameOf(row.matcher) });
      }
    }
    return out;
  }
}
