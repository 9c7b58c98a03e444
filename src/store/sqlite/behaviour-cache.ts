// The behaviour cache: activities read from HubSpot (per contact from the events API or its analytics
// properties, per email address from the bulk forms and email events APIs), the behaviour signals each
// contact showed when last read, and small facts the store keeps with their time (the portal's tier).
// An activity row is its owner, id, time (epoch ms) and the number of its detail: kind, source and
// properties, stored once for all the activities that share them (a page's views, an email's opens).
// An owner `contact:<n>` is the number n; any other owner (an email address) is numbered once in
// behaviour_owners and kept as minus that number. Ids are packed whole (activity-id.ts). A mark keeps a
// fingerprint per signal part, the page-view count (core/behaviour/signal-marks.ts, migration 20) and the
// form submission count (migration 21).
import { byBinary } from "../../core/text/binary-order.js";
import { isoInstant, isoInstantMs } from "../../core/text/iso-instant.js";
import type { BehaviourMark, CachedActivity, MarkSignature, StoreFact } from "../port.js";
import { contactNumber, packId, type StoredId, unpackId } from "./activity-id.js";
import { compacted, emptyEntry, entryId, HistoryWriter, readEntry } from "./behaviour-history.js";
import { detailHash } from "./detail-hash.js";
import { inListChunks, rowPlaceholders } from "./in-list.js";
import type { OtherCommits } from "./other-commits.js";
import type { Statements } from "./statements.js";

/** Cached details (and owner numbers) kept in memory at most; beyond it the cache starts over (each is one indexed look-up away). */
const DETAIL_CACHE_LIMIT = 10_000;
/** Nodes `detailPaths` holds at most (a property value each): a portal whose values rarely repeat starts it over. */
const PATH_NODE_LIMIT = 4 * DETAIL_CACHE_LIMIT;
/** Activities the prune looks at in one run: a slice of the cache by owner, the next run goes on from there. */
export const PRUNE_SLICE_ROWS = 50_000;
/** Where the prune's slices have reached (the last owner pruned, as the table keeps it), kept in store_facts. */
const PRUNED_TO_FACT = "behaviour.prunedTo";
/** Rows one insert statement puts (histories 3 values each, marks 5: far below SQLite's 32,766 variables). */
const ADD_ROWS = 100;
/** A detail's `last_ms` is moved only when an activity is later by this much: most adds write no detail. */
const LAST_USE_STEP_MS = 86_400_000;

/** An activity as `list` reads it from its owner's history: owner, id, time (epoch ms), detail id. */
type ActivityRow = [number, string, number, number];

/** An owner's row: its history and the time of the oldest activity in it (what the prune looks for). */
interface HistoryRow {
  owner: number;
  oldestMs: number;
  history: Buffer;
}

interface ReadDetail {
  kind: string;
  source: string;
  properties: Readonly<Record<string, string>>;
}

/** A step along `detailPaths`: the detail whose properties end here, and the next property's values. */
interface DetailPath {
  detail?: Detail;
  next?: Map<string, Map<string, DetailPath>>;
}

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
  /**
   * The same details by kind, then source, then each property's name and value in order (`detailOfActivity`),
   * and how many nodes that holds: forgotten with `details`, or once it holds PATH_NODE_LIMIT.
   */
  private readonly detailPaths = new Map<string, Map<string, DetailPath>>();
  private pathNodes = 0;
  /** Detail id → its kind, source and parsed properties, for details `list` read (`detailsOf`). */
  private readonly readDetails = new Map<number, ReadDetail>();
  /** Owner key → its number in behaviour_owners, for owners this connection read or wrote. */
  private readonly owners = new Map<string, number>();
  /**
   * Owner keys this connection found unnumbered (an email address no bulk source named): a scoring read
   * names every person's address, and on Enterprise none owns anything; forgotten with the numbers.
   */
  private readonly unnumbered = new Set<string>();
  /** A batch's new entries being written, and an entry being read: reused. */
  private readonly fresh = new HistoryWriter();
  private readonly entry = emptyEntry();

  /** Another connection's commit (its prune) may have dropped a cached detail or owner: they are read again then. */
  constructor(
    private readonly sql: Statements,
    private readonly otherCommits: OtherCommits,
  ) {
    otherCommits.onCommit(() => this.forgetDetails());
  }

  /**
   * Adds activities; one read again (same owner and id) replaces the one held. Their kind, source and
   * properties are stored once for every activity that shares them (behaviour_details, migration 16).
   * Each owner's new activities are appended to her history (behaviour-history.ts, migration 40) without
   * reading it: an id it held already is then held twice, the later entry the one that counts, and the
   * row says so (`loose`) until a read or the prune keeps one entry per id. The owners go in order (the
   * table's key): an events page comes in time order, its owners scattered over the whole table, and put
   * so its commit cost about a fifth more CPU (the write-ahead log's pages).
   */
  addAll(activities: readonly CachedActivity[]): void {
    if (activities.length === 0) return;
    this.otherCommits.check();
    const owners = activities.map((a) => this.ownerOf(a.ownerKey));
    // A stable sort: an owner's activities stay in the batch's order, for an id given twice in it.
    const order = activities.map((_, i) => i).sort((a, b) => owners[a]! - owners[b]!);
    const rows: HistoryRow[] = [];
    const fresh = this.fresh;
    for (let from = 0; from < order.length; ) {
      const owner = owners[order[from]!]!;
      let to = from + 1;
      while (to < order.length && owners[order[to]!] === owner) to++;
      let oldestMs = Infinity;
      for (const i of latestOfEachId(activities, order, from, to)) {
        const activity = activities[i]!;
        const occurredMs = epochMs(activity.occurredAt);
        fresh.appendActivity(activity.id, occurredMs, this.used(this.detailOfActivity(activity, occurredMs), occurredMs));
        if (occurredMs < oldestMs) oldestMs = occurredMs;
      }
      rows.push({ owner, oldestMs, history: fresh.take() });
      from = to;
    }
    this.writeHistories(rows, "append");
  }

  /**
   * A merged contact's activities become the merged record's (`to`), which keeps its own where both hold
   * one id (HubSpot keeps an event's id through a merge). Contact owners are their ids as numbers.
   */
  moveContact(from: string, to: string): void {
    const fromOwner = contactNumber(`contact:${from}`);
    const toOwner = contactNumber(`contact:${to}`);
    if (fromOwner === null || toOwner === null || fromOwner === toOwner) return;
    const held = this.histories([fromOwner, toOwner]);
    const moved = held.get(fromOwner);
    if (!moved) return;
    // The merged record's own entries come last: of an id both hold, hers is the one kept.
    const own = held.get(toOwner);
    const merged = compacted(own ? Buffer.concat([moved, own]) : moved, -Infinity)!;
    this.writeHistories([{ owner: toOwner, ...merged }], "replace");
    this.sql.get("DELETE FROM behaviour_activities WHERE owner = ?").run(fromOwner);
  }

  /** Activities of these owners at or after `since`, oldest first (ids of one instant in binary order). */
  list(ownerKeys: readonly string[], since: string): CachedActivity[] {
    const sinceMs = epochMs(since);
    this.otherCommits.check();
    const keyOf = this.ownersOf(ownerKeys);
    // Rows as arrays, their details apart: a scoring read returns hundreds of thousands of activities
    // that share a few thousand details, whose texts a join would hand over again with every row.
    // forEach and indexed reads, no destructuring: a for-of or a destructured row made iterator results per
    // activity where V8 had not optimised the code (9 MB of a 10k first load).
    const rows: ActivityRow[] = [];
    const entry = this.entry;
    this.histories([...keyOf.keys()]).forEach((history, owner) => {
      for (let at = 0; at < history.length; at = entry.end) {
        readEntry(history, at, entry);
        if (entry.ms < sinceMs) continue;
        rows.push([owner, entryId(history, entry), entry.ms, entry.detail]);
      }
    });
    // Packed ids do not sort as their texts do: the rows are sorted here, by time and then the id's text
    // in binary order (a locale-aware sort of a page's thousands of activities cost more than reading
    // them), before they become activities, so each activity is made once, in its place.
    rows.sort((a, b) => a[2] - b[2] || byBinary(a[1], b[1]));
    const details = this.detailsOf(rows);
    // Sorted, the rows of one instant are neighbours: each instant's text is made once (isoInstant: a
    // Date and its toISOString for each cost more than the rest of making the activity).
    let lastMs = Number.NaN;
    let occurredAt = "";
    return rows.map((row) => {
      const ms = row[2];
      const detail = details.get(row[3])!;
      if (ms !== lastMs) {
        lastMs = ms;
        occurredAt = isoInstant(ms);
      }
      return {
        ownerKey: keyOf.get(row[0])!,
        id: row[1],
        kind: detail.kind,
        occurredAt,
        occurredMs: ms,
        properties: detail.properties,
        source: detail.source,
      };
    });
  }

  /**
   * The histories these owners hold (an owner holding none is left out), read a chunk of owners per
   * statement, each with one entry per id (a loose one kept so in memory: the prune writes it so).
   */
  private histories(owners: readonly number[]): Map<number, Buffer> {
    const out = new Map<number, Buffer>();
    for (const chunk of inListChunks(owners)) {
      const rows = this.sql
        .get<[number, number, Buffer]>(`SELECT owner, loose, activities FROM behaviour_activities WHERE owner IN (${chunk.placeholders})`)
        .raw(true)
        .all(...chunk.params) as unknown as [number, number, Buffer][];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        out.set(row[0], row[1] ? compacted(row[2], -Infinity)!.history : row[2]);
      }
    }
    return out;
  }

  /**
   * Puts owners' histories, ADD_ROWS to a statement, then tens, then ones (a statement per remainder's
   * size would be prepared for every size): appended to what each holds, or in its place.
   */
  private writeHistories(rows: readonly HistoryRow[], how: "append" | "replace"): void {
    const update =
      how === "append"
        ? `oldest_ms = MIN(oldest_ms, excluded.oldest_ms), loose = 1,
           activities = CAST(activities || excluded.activities AS BLOB)`
        : "oldest_ms = excluded.oldest_ms, loose = 0, activities = excluded.activities";
    inStatementsOf(rows.length, (from, size) => {
      const params: (number | Buffer)[] = [];
      for (let k = from; k < from + size; k++) params.push(rows[k]!.owner, rows[k]!.oldestMs, rows[k]!.history);
      this.sql
        .get(
          `INSERT INTO behaviour_activities (owner, oldest_ms, activities) VALUES ${rowPlaceholders(3, size)}
           ON CONFLICT (owner) DO UPDATE SET ${update}`,
        )
        .run(...params);
    });
  }

  /**
   * The details these rows name: kind, source and parsed properties, read once per connection: activities
   * that share a detail share its properties object, frozen, since the scoring only reads it.
   */
  private detailsOf(rows: readonly ActivityRow[]): Map<number, ReadDetail> {
    const wanted = [...new Set(rows.map((r) => r[3]))];
    let missing = wanted.filter((id) => !this.readDetails.has(id));
    if (missing.length > 0 && this.readDetails.size + missing.length > DETAIL_CACHE_LIMIT) {
      this.readDetails.clear();
      missing = wanted;
    }
    for (const chunk of inListChunks(missing)) {
      const rows = this.sql
        .get<{ id: number; kind: string; source: string; properties: string }>(
          `SELECT id, kind, source, properties FROM behaviour_details WHERE id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params);
      for (const row of rows) {
        const properties = Object.freeze(JSON.parse(row.properties) as Record<string, string>);
        this.readDetails.set(row.id, { kind: row.kind, source: row.source, properties });
      }
    }
    return this.readDetails;
  }

  /**
   * Activities older than `before` have decayed out of every score: dropped, a slice of the cache at a
   * time (PRUNE_SLICE_ROWS, by owner from where the last prune stopped), so a run never scans the whole
   * cache; reads filter by time, so a row a slice has not reached yet is never scored. When the slices
   * come round to the start, details no activity since `before` used go too, and so do the numbers of
   * owners (email addresses) no activity is left for.
   */
  prune(before: string, at: string): void {
    const beforeMs = epochMs(before);
    const saved = this.fact(PRUNED_TO_FACT)?.value ?? "";
    // The fact holds the last owner pruned as a number; anything else (none yet) starts from the first.
    const from = /^-?\d+$/.test(saved) ? Number(saved) : Number.MIN_SAFE_INTEGER;
    const to = this.sql
      .get<{ owner: number }>("SELECT owner FROM behaviour_activities WHERE owner > ? ORDER BY owner LIMIT 1 OFFSET ?")
      .get(from, PRUNE_SLICE_ROWS - 1)?.owner;
    // Only owners holding a decayed activity (their oldest time is on the row) or an id twice are read,
    // and written back with one entry per id and none decayed.
    const stale = this.sql
      .get<[number, Buffer]>(
        "SELECT owner, activities FROM behaviour_activities WHERE owner > ? AND owner <= ? AND (oldest_ms < ? OR loose = 1)",
      )
      .raw(true)
      .all(from, to ?? Number.MAX_SAFE_INTEGER, beforeMs) as unknown as [number, Buffer][];
    const kept: HistoryRow[] = [];
    const emptied: number[] = [];
    for (const [owner, history] of stale) {
      const left = compacted(history, beforeMs);
      if (left) kept.push({ owner, ...left });
      else emptied.push(owner);
    }
    this.writeHistories(kept, "replace");
    for (const chunk of inListChunks(emptied)) {
      this.sql.get(`DELETE FROM behaviour_activities WHERE owner IN (${chunk.placeholders})`).run(...chunk.params);
    }
    if (to === undefined) {
      // A detail's last use is recorded a step late at most (LAST_USE_STEP_MS).
      this.sql.get("DELETE FROM behaviour_details WHERE last_ms < ?").run(beforeMs - LAST_USE_STEP_MS);
      this.sql
        .get("DELETE FROM behaviour_owners WHERE NOT EXISTS (SELECT 1 FROM behaviour_activities WHERE owner = -behaviour_owners.id)")
        .run();
      this.forgetDetails();
    }
    this.saveFact({ name: PRUNED_TO_FACT, value: to === undefined ? "" : String(to), at });
  }

  /**
   * Forgets the cached details and owners: a transaction that rolled back took the details it added with
   * it (the store calls this on every failed transaction), a prune dropped some, or another connection's
   * commit may have.
   */
  forgetDetails(): void {
    this.details.clear();
    this.forgetPaths();
    this.readDetails.clear();
    this.owners.clear();
    this.unnumbered.clear();
  }

  /**
   * An owner as the activities table keeps it: a contact's number, or minus the number of any other owner
   * in behaviour_owners (numbered when new).
   */
  private ownerOf(ownerKey: string): number {
    const contact = contactNumber(ownerKey);
    if (contact !== null) return contact;
    let id = this.owners.get(ownerKey);
    if (id === undefined) {
      id =
        this.sql.get<{ id: number }>("SELECT id FROM behaviour_owners WHERE key = ?").get(ownerKey)?.id ??
        Number(this.sql.get("INSERT INTO behaviour_owners (key) VALUES (?)").run(ownerKey).lastInsertRowid);
      this.keepOwner(ownerKey, id);
    }
    return -id;
  }

  /**
   * These owners as the activities table keeps them, each number to its key; an owner never numbered
   * owns nothing and is left out. The numbers not cached are read in one statement per chunk: a scoring
   * read names every person's email address, and most own no activity (a look-up each, with its data
   * version check, was a fifth of the scoring's behaviour reads in the 10k bench: test/bench/README.md).
   */
  private ownersOf(ownerKeys: readonly string[]): Map<number, string> {
    const keyOf = new Map<number, string>();
    const unknown: string[] = [];
    for (const key of ownerKeys) {
      const contact = contactNumber(key);
      const id = contact === null ? this.owners.get(key) : undefined;
      if (contact !== null) keyOf.set(contact, key);
      else if (id !== undefined) keyOf.set(-id, key);
      else if (!this.unnumbered.has(key)) unknown.push(key);
    }
    const found = new Set<string>();
    // On Enterprise no address is ever numbered: one look at the table spares a statement per 500 addresses.
    const anyNumbered = unknown.length > 0 && this.sql.get("SELECT 1 FROM behaviour_owners LIMIT 1").get() !== undefined;
    for (const chunk of inListChunks(anyNumbered ? unknown : [])) {
      for (const row of this.sql
        .get<{ id: number; key: string }>(`SELECT id, key FROM behaviour_owners WHERE key IN (${chunk.placeholders})`)
        .all(...chunk.params)) {
        this.keepOwner(row.key, row.id);
        keyOf.set(-row.id, row.key);
        found.add(row.key);
      }
    }
    if (this.unnumbered.size + unknown.length > DETAIL_CACHE_LIMIT) this.unnumbered.clear();
    for (const key of unknown) if (!found.has(key)) this.unnumbered.add(key);
    return keyOf;
  }

  private keepOwner(ownerKey: string, id: number): void {
    if (this.owners.size >= DETAIL_CACHE_LIMIT) this.owners.clear();
    this.owners.set(ownerKey, id);
    this.unnumbered.delete(ownerKey);
  }

  /**
   * The detail row of an activity's kind, source and properties: found along `detailPaths` by the values
   * themselves when this connection met them before (most activities of a batch share a detail), else by
   * their text (`detailOf`), and the path kept. Making each activity's properties text and its key first
   * cost a first load's bulk events read more than appending the activities to their histories.
   */
  private detailOfActivity(activity: CachedActivity, occurredMs: number): Detail {
    let bySource = this.detailPaths.get(activity.kind);
    if (!bySource) this.detailPaths.set(activity.kind, (bySource = new Map()));
    let node = bySource.get(activity.source);
    if (!node) bySource.set(activity.source, (node = {}));
    const properties = activity.properties;
    for (const name in properties) {
      node.next ??= new Map();
      let byValue = node.next.get(name);
      if (!byValue) node.next.set(name, (byValue = new Map()));
      const value = properties[name]!;
      let child = byValue.get(value);
      if (!child) {
        byValue.set(value, (child = {}));
        this.pathNodes++;
      }
      node = child;
    }
    if (node.detail) return node.detail;
    // The path's own values, in their order, are one text (JSON.stringify's): one path, one detail.
    const detail = this.detailOf(activity.kind, activity.source, JSON.stringify(properties), occurredMs);
    if (this.pathNodes > PATH_NODE_LIMIT) this.forgetPaths();
    else node.detail = detail;
    return detail;
  }

  /** `detail`'s number, its last use moved up to `occurredMs` (a step late at most, LAST_USE_STEP_MS). */
  private used(detail: Detail, occurredMs: number): number {
    if (occurredMs > detail.lastMs + LAST_USE_STEP_MS) {
      this.sql.get("UPDATE behaviour_details SET last_ms = MAX(last_ms, ?) WHERE id = ?").run(occurredMs, detail.id);
      detail.lastMs = occurredMs;
    }
    return detail.id;
  }

  private forgetPaths(): void {
    this.detailPaths.clear();
    this.pathNodes = 0;
  }

  /** The detail row for these texts, added when new (last used at `occurredMs`; `used` moves a known one's). */
  private detailOf(kind: string, source: string, properties: string, occurredMs: number): Detail {
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
      if (this.details.size >= DETAIL_CACHE_LIMIT) {
        this.details.clear();
        this.forgetPaths();
      }
      this.details.set(key, detail);
    }
    return detail;
  }

  /**
   * Keeps these marks, one person's replacing what was kept for her (the later one of a person given twice),
   * ADD_ROWS to a statement as histories are: a first load keeps a mark for every contact.
   */
  saveMarks(marks: readonly BehaviourMark[]): void {
    inStatementsOf(marks.length, (from, size) => {
      const params: (bigint | string | Buffer | number | null)[] = [];
      for (let k = from; k < from + size; k++) {
        const mark = marks[k]!;
        params.push(
          packId(mark.personId),
          packFingerprints(mark.signature),
          packCount(mark.signature.pageViews),
          packCount(mark.signature.conversions),
          epochMs(mark.readAt),
        );
      }
      this.sql
        .get(
          `INSERT INTO behaviour_marks (person, fingerprints, page_views, conversions, read_ms) VALUES ${rowPlaceholders(5, size)}
           ON CONFLICT (person) DO UPDATE SET fingerprints = excluded.fingerprints, page_views = excluded.page_views,
             conversions = excluded.conversions, read_ms = excluded.read_ms`,
        )
        .run(...params);
    });
  }

  marks(personIds: readonly string[]): Map<string, BehaviourMark> {
    const out = new Map<string, BehaviourMark>();
    for (const chunk of inListChunks(personIds.map(packId))) {
      const rows = this.sql
        .get<{
          person: StoredId;
          fingerprints: Buffer;
          pageViews: number | string | null;
          conversions: number | string | null;
          readMs: number;
        }>(
          `SELECT person, fingerprints, page_views AS pageViews, conversions, read_ms AS readMs FROM behaviour_marks
           WHERE person IN (${chunk.placeholders})`,
        )
        .all(...chunk.params);
      for (const row of rows) {
        const personId = unpackId(row.person);
        out.set(personId, {
          personId,
          signature: {
            web: row.fingerprints.readUInt32BE(0),
            forms: row.fingerprints.readUInt32BE(4),
            email: row.fingerprints.readUInt32BE(8),
            pageViews: row.pageViews === null ? null : String(row.pageViews),
            conversions: row.conversions === null ? null : String(row.conversions),
          },
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

/**
 * Runs `put` over `count` rows in order, ADD_ROWS to a statement, then tens, then ones (a statement per
 * remainder's size would be prepared for every size): `put(from, size)` writes rows from..from+size.
 */
function inStatementsOf(count: number, put: (from: number, size: number) => void): void {
  let i = 0;
  for (const size of [ADD_ROWS, 10, 1]) for (; i + size <= count; i += size) put(i, size);
}

/** A mark's three fingerprints as one 12-byte BLOB (web, forms, email; big-endian). */
export function packFingerprints(signature: Pick<MarkSignature, "web" | "forms" | "email">): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt32BE(signature.web >>> 0, 0);
  out.writeUInt32BE(signature.forms >>> 0, 4);
  out.writeUInt32BE(signature.email >>> 0, 8);
  return out;
}

/** The page-view count as shown: a canonical number as an INTEGER, any other text as it is. */
export function packCount(count: string | null): bigint | string | null {
  if (count === null) return null;
  const packed = packId(count);
  return typeof packed === "bigint" ? packed : count;
}

/**
 * The indexes `order[from..to)` (one owner's) less any id given again later in the batch: the later one is
 * kept, as it replaces the first. An owner's few are compared pairwise; a map is made only for many.
 */
function latestOfEachId(activities: readonly CachedActivity[], order: readonly number[], from: number, to: number): number[] {
  const out: number[] = [];
  if (to - from > 16) {
    const last = new Map<string, number>();
    for (let k = from; k < to; k++) last.set(activities[order[k]!]!.id, k);
    for (let k = from; k < to; k++) if (last.get(activities[order[k]!]!.id) === k) out.push(order[k]!);
    return out;
  }
  for (let k = from; k < to; k++) {
    const id = activities[order[k]!]!.id;
    let again = false;
    for (let j = k + 1; j < to && !again; j++) again = activities[order[j]!]!.id === id;
    if (!again) out.push(order[k]!);
  }
  return out;
}

/** An ISO time as epoch milliseconds; a time that is not one is a programming error, refused loudly. */
function epochMs(iso: string): number {
  // Most times are already as toISOString writes them (the systems' edges keep them so): read off the digits.
  const canonical = isoInstantMs(iso);
  if (!Number.isNaN(canonical)) return canonical;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`behaviour time ${JSON.stringify(iso)} is not an ISO date-time`);
  return ms;
}
