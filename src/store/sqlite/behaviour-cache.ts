// The behaviour cache: activities read from HubSpot (per contact from the events API or its analytics
// properties, per email address from the bulk forms and email events APIs), the behaviour signals each
// contact showed when last read, and small facts the store keeps with their time (the portal's tier).
import type { BehaviourMark, CachedActivity, StoreFact } from "../port.js";
import { inListChunks, MAX_IN_LIST } from "./in-list.js";
import type { Statements } from "./statements.js";

export class BehaviourCacheTable {
  constructor(private readonly sql: Statements) {}

  /** Adds an activity; one read again (same owner and id) replaces the one held. */
  add(activity: CachedActivity): void {
    this.sql
      .get(
        `INSERT INTO behaviour_activities (owner_key, activity_id, kind, occurred_at, properties, source)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (owner_key, activity_id) DO UPDATE SET kind = excluded.kind,
           occurred_at = excluded.occurred_at, properties = excluded.properties, source = excluded.source`,
      )
      .run(
        activity.ownerKey,
        activity.id,
        activity.kind,
        activity.occurredAt,
        JSON.stringify(activity.properties),
        activity.source,
      );
  }

  /** Activities of these owners at or after `since`, oldest first. */
  list(ownerKeys: readonly string[], since: string): CachedActivity[] {
    const out: CachedActivity[] = [];
    for (const chunk of inListChunks(ownerKeys)) {
      const rows = this.sql
        .get<Omit<CachedActivity, "properties"> & { properties: string }>(
          `SELECT owner_key AS ownerKey, activity_id AS id, kind, occurred_at AS occurredAt, properties, source
           FROM behaviour_activities WHERE owner_key IN (${chunk.placeholders}) AND occurred_at >= ?
           ORDER BY occurred_at, activity_id`,
        )
        .all(...chunk.params, since);
      for (const row of rows) out.push({ ...row, properties: JSON.parse(row.properties) as Record<string, string> });
    }
    // One chunk is already in order; chunks are merged in the same (binary) order SQLite sorted by. A
    // locale-aware sort of a page's thousands of activities cost more than reading them.
    if (ownerKeys.length <= MAX_IN_LIST) return out;
    return out.sort((a, b) => byBinary(a.occurredAt, b.occurredAt) || byBinary(a.id, b.id));
  }

  /** Activities older than `before` have decayed out of every score: dropped. */
  prune(before: string): void {
    this.sql.get("DELETE FROM behaviour_activities WHERE occurred_at < ?").run(before);
  }

  saveMark(mark: BehaviourMark): void {
    this.sql
      .get(
        `INSERT INTO behaviour_marks (person_id, signature, read_at) VALUES (?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET signature = excluded.signature, read_at = excluded.read_at`,
      )
      .run(mark.personId, mark.signature, mark.readAt);
  }

  marks(personIds: readonly string[]): Map<string, BehaviourMark> {
    const out = new Map<string, BehaviourMark>();
    for (const chunk of inListChunks(personIds)) {
      const rows = this.sql
        .get<BehaviourMark>(
          `SELECT person_id AS personId, signature, read_at AS readAt FROM behaviour_marks
           WHERE person_id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params);
      for (const row of rows) out.set(row.personId, row);
    }
    return out;
  }

  saveFact(fact: StoreFact): void {
    this.sql
      .get(
        `INSERT INTO store_facts (name, value, at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, at = excluded.at`,
      )
      .run(fact.name, fact.value, fact.at);
  }

  fact(name: string): StoreFact | undefined {
    return this.sql.get<StoreFact>("SELECT name, value, at FROM store_facts WHERE name = ?").get(name);
  }
}

function byBinary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
