// The behaviour cache: activities read from HubSpot (per contact from the events API or its analytics
// properties, per email address from the bulk forms and email events APIs), the behaviour signals each
// contact showed when last read, and small facts the store keeps with their time (the portal's tier).
// An activity row is its owner, id, time (epoch ms) and the number of its detail: kind, source and
// properties, stored once for all the activities that share them (a page's views, an email's opens).
import type { BehaviourMark, CachedActivity, StoreFact } from "../port.js";
import { detailHash } from "./detail-hash.js";
import { inListChunks, MAX_IN_LIST } from "./in-list.js";
import type { Statements } from "./statements.js";

/** Cached details kept in memory at most; beyond it the cache starts over (each is one indexed look-up away). */
const DETAIL_CACHE_LIMIT = 10_000;
/** Activities the prune looks at in one run: a slice of the cache by owner, the next run goes on from there. */
export const PRUNE_SLICE_ROWS = 50_000;
/** Where the prune's slices have reached (the last owner key pruned), kept in store_facts. */
const PRUNED_TO_FACT = "behaviour.prunedTo";
/** A detail's `last_ms` is moved only when an activity is later by this much: most adds write no detail. */
const LAST_USE_STEP_MS = 86_400_000;

interface Detail {
  id: number;
  kind: string;
  source: string;
  properties: string;
  lastMs: number;
}

export class BehaviourCacheTable {
  /** `kind NUL source NUL properties` → its row, for details this connection read or wrote. */
  private readonly details = new Map<string, Detail>();
  private detailsVersion: number | undefined;

  /** `dataVersion` moves when another connection commits (PRAGMA data_version): its prune may have dropped a cached detail. */
  constructor(
    private readonly sql: Statements,
    private readonly dataVersion: () => number,
  ) {}

  /**
   * Adds an activity; one read again (same owner and id) replaces the one held. Its kind, source and
   * properties are stored once for every activity that shares them (behaviour_details, migration 16).
   */
  add(activity: CachedActivity): void {
    const occurredMs = epochMs(activity.occurredAt);
    const detail = this.detailOf(activity.kind, activity.source, JSON.stringify(activity.properties), occurredMs);
    this.sql
      .get(
        `INSERT INTO behaviour_activities (owner_key, activity_id, occurred_ms, detail) VALUES (?, ?, ?, ?)
         ON CONFLICT (owner_key, activity_id) DO UPDATE SET occurred_ms = excluded.occurred_ms, detail = excluded.detail`,
      )
      .run(activity.ownerKey, activity.id, occurredMs, detail);
  }

  /** Activities of these owners at or after `since`, oldest first. */
  list(ownerKeys: readonly string[], since: string): CachedActivity[] {
    const out: CachedActivity[] = [];
    const sinceMs = epochMs(since);
    // Activities sharing a detail share its parsed properties (read, never changed, by the scoring).
    const parsed = new Map<number, Record<string, string>>();
    for (const chunk of inListChunks(ownerKeys)) {
      const rows = this.sql
        .get<{ ownerKey: string; id: string; occurredMs: number; detail: number; kind: string; source: string; properties: string }>(
          `SELECT a.owner_key AS ownerKey, a.activity_id AS id, a.occurred_ms AS occurredMs, a.detail,
             d.kind, d.source, d.properties
           FROM behaviour_activities a JOIN behaviour_details d ON d.id = a.detail
           WHERE a.owner_key IN (${chunk.placeholders}) AND a.occurred_ms >= ?
           ORDER BY a.occurred_ms, a.activity_id`,
        )
        .all(...chunk.params, sinceMs);
      for (const row of rows) {
        let properties = parsed.get(row.detail);
        if (!properties) {
          properties = JSON.parse(row.properties) as Record<string, string>;
          parsed.set(row.detail, properties);
        }
        out.push({
          ownerKey: row.ownerKey,
          id: row.id,
          kind: row.kind,
          occurredAt: new Date(row.occurredMs).toISOString(),
          properties,
          source: row.source,
        });
      }
    }
    // One chunk is already in order; chunks are merged in the same (binary) order SQLite sorted by. A
    // locale-aware sort of a page's thousands of activities cost more than reading them.
    if (ownerKeys.length <= MAX_IN_LIST) return out;
    return out.sort((a, b) => byBinary(a.occurredAt, b.occurredAt) || byBinary(a.id, b.id));
  }

  /**
   * Activities older than `before` have decayed out of every score: dropped, a slice of the cache at a
   * time (PRUNE_SLICE_ROWS, by owner key from where the last prune stopped), so a run never scans the
   * whole cache; reads filter by time, so a row a slice has not reached yet is never scored. When the
   * slices come round to the start, details no activity since `before` used go too.
   */
  prune(before: string, at: string): void {
    const beforeMs = epochMs(before);
    const from = this.fact(PRUNED_TO_FACT)?.value ?? "";
    const to = this.sql
      .get<{ key: string }>(
        "SELECT owner_key AS key FROM behaviour_activities WHERE owner_key > ? ORDER BY owner_key LIMIT 1 OFFSET ?",
      )
      .get(from, PRUNE_SLICE_ROWS - 1)?.key;
    if (to === undefined) {
      this.sql.get("DELETE FROM behaviour_activities WHERE owner_key > ? AND occurred_ms < ?").run(from, beforeMs);
      // A detail's last use is recorded a step late at most (LAST_USE_STEP_MS).
      this.sql.get("DELETE FROM behaviour_details WHERE last_ms < ?").run(beforeMs - LAST_USE_STEP_MS);
      this.details.clear();
    } else {
      this.sql
        .get("DELETE FROM behaviour_activities WHERE owner_key > ? AND owner_key <= ? AND occurred_ms < ?")
        .run(from, to, beforeMs);
    }
    this.saveFact({ name: PRUNED_TO_FACT, value: to ?? "", at });
  }

  /**
   * Forgets the cached details: a transaction that rolled back took the details it added with it. The
   * store calls this on every failed transaction.
   */
  forgetDetails(): void {
    this.details.clear();
  }

  /** The detail row for these texts (added when new), its last use moved up to `occurredMs`. */
  private detailOf(kind: string, source: string, properties: string, occurredMs: number): number {
    const version = this.dataVersion();
    if (version !== this.detailsVersion) {
      this.details.clear();
      this.detailsVersion = version;
    }
    const key = `${kind}\u0000${source}\u0000${properties}`;
    let detail = this.details.get(key);
    if (!detail) {
      const hash = detailHash(kind, source, properties);
      detail = this.sql
        .get<Detail>(
          `SELECT id, kind, source, properties, last_ms AS lastMs FROM behaviour_details WHERE hash = ?`,
        )
        .all(hash)
        .find((d) => d.kind === kind && d.source === source && d.properties === properties);
      if (!detail) {
        const { lastInsertRowid } = this.sql
          .get("INSERT INTO behaviour_details (hash, kind, source, properties, last_ms) VALUES (?, ?, ?, ?, ?)")
          .run(hash, kind, source, properties, occurredMs);
        detail = { id: Number(lastInsertRowid), kind, source, properties, lastMs: occurredMs };
      }
      if (this.details.size >= DETAIL_CACHE_LIMIT) this.details.clear();
      this.details.set(key, detail);
    }
    if (occurredMs > detail.lastMs + LAST_USE_STEP_MS) {
      this.sql.get("UPDATE behaviour_details SET last_ms = MAX(last_ms, ?) WHERE id = ?").run(occurredMs, detail.id);
      detail.lastMs = occurredMs;
    }
    return detail.id;
  }

  saveMark(mark: BehaviourMark): void {
    this.sql
      .get(
        `INSERT INTO behaviour_marks (person_id, signature, read_ms) VALUES (?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET signature = excluded.signature, read_ms = excluded.read_ms`,
      )
      .run(mark.personId, packSignature(mark.signature), epochMs(mark.readAt));
  }

  marks(personIds: readonly string[]): Map<string, BehaviourMark> {
    const out = new Map<string, BehaviourMark>();
    for (const chunk of inListChunks(personIds)) {
      const rows = this.sql
        .get<{ personId: string; signature: string; readMs: number }>(
          `SELECT person_id AS personId, signature, read_ms AS readMs FROM behaviour_marks
           WHERE person_id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params);
      for (const row of rows) {
        out.set(row.personId, {
          personId: row.personId,
          signature: unpackSignature(row.signature),
          readAt: new Date(row.readMs).toISOString(),
        });
      }
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

/**
 * A mark's signature as the store keeps it. The reader's signature is a JSON object of JSON texts of
 * arrays of strings and nulls (`{"web":"[\\"4\\",null,\\"2026-10-20T03:58:58.283Z\\"]",…}`); kept as one
 * JSON array of [key, values] with every ISO instant as its epoch ms (a number: the values are otherwise
 * strings or null), it is about half as long. A signature of any other form, or one that would not come
 * back the same, is kept as it is (it starts with "{", a packed one with "[").
 */
export function packSignature(signature: string): string {
  try {
    const outer = JSON.parse(signature) as unknown;
    if (typeof outer !== "object" || outer === null || Array.isArray(outer)) return signature;
    const packed: [string, (string | number | null)[]][] = [];
    for (const [key, text] of Object.entries(outer)) {
      if (typeof text !== "string") return signature;
      const values = JSON.parse(text) as unknown;
      if (!Array.isArray(values) || !values.every((v) => v === null || typeof v === "string")) return signature;
      packed.push([key, (values as (string | null)[]).map((v) => (v !== null && isInstant(v) ? Date.parse(v) : v))]);
    }
    const out = JSON.stringify(packed);
    return unpackSignature(out) === signature ? out : signature;
  } catch {
    return signature;
  }
}

export function unpackSignature(stored: string): string {
  if (!stored.startsWith("[")) return stored;
  const packed = JSON.parse(stored) as [string, (string | number | null)[]][];
  return JSON.stringify(
    Object.fromEntries(
      packed.map(([key, values]) => [
        key,
        JSON.stringify(values.map((v) => (typeof v === "number" ? new Date(v).toISOString() : v))),
      ]),
    ),
  );
}

/** An ISO instant that its epoch ms gives back exactly. */
function isInstant(text: string): boolean {
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && text.length === 24 && new Date(ms).toISOString() === text;
}

/** An ISO time as epoch milliseconds; a time that is not one is a programming error, refused loudly. */
function epochMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`behaviour time ${JSON.stringify(iso)} is not an ISO date-time`);
  return ms;
}
