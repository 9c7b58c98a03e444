// Field snapshots: the value last synced on each side of every linked field, the base of the three-way
// merge, kept as one JSON object per link (read a page of links in one pass). Writes replace the named
// fields only, merged into the stored object by SQLite's json_patch (RFC 7396: each named field's array
// replaces the stored value), so a page's commit neither reads nor parses the rows it updates.
//
// A store holds one object per linked record and every changed record's path parses one, so each field
// is kept compactly: `[syncedAt]` when both sides are blank, `[syncedAt, value]` when both sides hold the
// same value, `[syncedAt, marketing, crm]` otherwise, with syncedAt in epoch milliseconds. A row written
// whole (a new link) names its time once, as `t`, and the fields synced then drop it: `0` when both sides
// are blank, the value itself when both hold it, `[marketing, crm]` otherwise; most fields of most links
// never change again, so most of a store's fields are kept so, and parse into no array and no number.
// A patch always names each field's time (it cannot know the row's `t`). Older rows (`[marketing, crm,
// syncedAt]` arrays, or `{marketing, crm, syncedAt}` objects) are still read; migration 9 converts them.
// A field's key (`marketing>crm`, or `link stamp`) is its number in the store's names (names.ts), which
// migration 18 gave the rows before it: keys no longer repeat in every link's row.
import { type FieldSnapshot, type SnapshotWrite, StoreError } from "../port.js";
import { snapshotsByField } from "../../core/merge/snapshots-by-field.js";
import { inListChunks } from "./in-list.js";
import { scanSnapshotRow } from "./snapshot-row-scan.js";
import { blankAt, instantMs, isoOf } from "./snapshot-times.js";
import type { NameTable } from "./names.js";
import type { Statements } from "./statements.js";

export type Snapshots = Record<string, FieldSnapshot>;

type FieldValue = FieldSnapshot["marketing"];
type StoredField =
  | [number]
  | [number, FieldValue]
  | [number, FieldValue, FieldValue]
  /** Before migration 12, or a time that is not an ISO instant. */
  | [FieldValue, FieldValue, string]
  | FieldSnapshot
  /** In a row with its time `t`: both blank, the one value both sides hold, or the two values. */
  | 0
  | string
  | [FieldValue, FieldValue];

/** A whole row's time, in epoch milliseconds; not a name's number, so no field's key. */
const ROW_TIME = "t";

export class SnapshotTable {
  constructor(
    private readonly sql: Statements,
    private readonly names: NameTable,
  ) {}

  /** Replaces the named fields' snapshots; a snapshot without its own time takes `at`. */
  replace(linkId: number, snapshots: Record<string, SnapshotWrite>, at: string): void {
    const fields = encodeSnapshots(snapshots, at, this.names);
    // Most links have their row: patch it by its key first (an upsert tries the INSERT, fails on the
    // key and only then updates); a new link's row is inserted.
    const patched = this.sql
      .get("UPDATE link_snapshots SET fields = json_patch(fields, ?) WHERE link_id = ?")
      .run(fields, linkId);
    if (patched.changes === 0) {
      this.sql.get("INSERT INTO link_snapshots (link_id, fields) VALUES (?, ?)").run(linkId, fields);
    }
  }

  /** The snapshots of a link that has none stored yet (a new link): its row written whole. */
  insert(linkId: number, snapshots: Record<string, SnapshotWrite>, at: string): void {
    this.sql
      .get("INSERT INTO link_snapshots (link_id, fields) VALUES (?, ?) ON CONFLICT (link_id) DO UPDATE SET fields = excluded.fields")
      .run(linkId, encodeSnapshotRow(snapshots, at, this.names));
  }

  /** A snapshot row as stored (LinkTable.withSnapshotText's text), decoded. */
  decode(text: string): Snapshots {
    return decodeSnapshots(text, this.names);
  }

  forLinks(linkIds: readonly number[]): Map<number, Snapshots> {
    const found = new Map<number, Snapshots>();
    for (const chunk of inListChunks(linkIds)) {
      const rows = this.sql
        .get<{ linkId: number; fields: string }>(
          `SELECT link_id AS linkId, fields FROM link_snapshots WHERE link_id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params);
      for (const { linkId, fields } of rows) found.set(linkId, decodeSnapshots(fields, this.names));
    }
    return found;
  }
}

/** A patch: every field with its own time, so it may join a row of any time. */
export function encodeSnapshots(
  snapshots: Record<string, SnapshotWrite>,
  at: string,
  names: Pick<NameTable, "idOf">,
): string {
  const out = new Map<number, StoredField>();
  for (const key in snapshots) out.set(names.idOf(key), timedField(snapshots[key]!, at));
  return objectText(out);
}

/** A whole row: its time `t` once (the batch's), and the fields synced then without their own. */
export function encodeSnapshotRow(
  snapshots: Record<string, SnapshotWrite>,
  at: string,
  names: Pick<NameTable, "idOf">,
): string {
  const rowMs = instantMs(at);
  if (rowMs === undefined) return encodeSnapshots(snapshots, at, names);
  const out = new Map<number, StoredField>();
  for (const key in snapshots) {
    const s = snapshots[key]!;
    const id = names.idOf(key);
    if (s.syncedAt !== undefined && s.syncedAt !== at) out.set(id, timedField(s, at));
    else if (s.marketing !== s.crm) out.set(id, [s.marketing, s.crm]);
    else out.set(id, s.marketing ?? 0);
  }
  return objectText(out, rowMs);
}

/**
 * The JSON object of these fields by name number, and the row's time `t` when given: the text
 * JSON.stringify makes of such an object (number keys ascending, then `t`), made without the object. An
 * object keyed by name numbers is an array to V8, its backing store as long as the highest number: a
 * first load's new rows allocated kilobytes each, most of the collector's work in their commits.
 */
function objectText(fields: ReadonlyMap<number, StoredField>, rowMs?: number): string {
  const ids = [...fields.keys()].sort((a, b) => a - b);
  const parts = ids.map((id) => `"${id}":${JSON.stringify(fields.get(id))}`);
  if (rowMs !== undefined) parts.push(`"${ROW_TIME}":${JSON.stringify(rowMs)}`);
  return `{${parts.join(",")}}`;
}

function timedField(s: SnapshotWrite, at: string): StoredField {
  const syncedAt = s.syncedAt ?? at;
  const ms = instantMs(syncedAt);
  if (ms === undefined) return [s.marketing, s.crm, syncedAt];
  if (s.marketing === s.crm) return s.marketing === null ? [ms] : [ms, s.marketing];
  return [ms, s.marketing, s.crm];
}

/**
 * A link's snapshot row read back. The forms the writers above make are read straight from the text
 * (snapshot-row-scan.ts); anything else (an escaped character, an older form) goes through JSON.parse.
 */
export function decodeSnapshots(text: string, names: Pick<NameTable, "nameOf">): Snapshots {
  return scanSnapshotRow(text, names) ?? parsedSnapshots(text, names);
}

function parsedSnapshots(text: string, names: Pick<NameTable, "nameOf">): Snapshots {
  const stored = JSON.parse(text) as Record<string, StoredField>;
  const rowMs = stored[ROW_TIME];
  const rowAt = typeof rowMs === "number" ? isoOf(rowMs) : undefined;
  const out: Snapshots = snapshotsByField();
  for (const id in stored) {
    if (id === ROW_TIME) continue;
    const s = stored[id]!;
    const key = names.nameOf(id);
    if (typeof s === "string") out[key] = { marketing: s, crm: s, syncedAt: rowAt ?? untimed(key) };
    else if (s === 0) out[key] = blankAt(rowAt ?? untimed(key));
    else if (!Array.isArray(s)) out[key] = s;
    else if (s.length === 2 && typeof s[0] !== "number") {
      out[key] = { marketing: s[0], crm: s[1], syncedAt: rowAt ?? untimed(key) };
    } else if (typeof s[0] === "number") {
      const syncedAt = isoOf(s[0]);
      if (s.length === 1) {
        out[key] = blankAt(syncedAt);
        continue;
      }
      const marketing = s[1] as FieldValue;
      out[key] = { marketing, crm: s.length === 3 ? (s[2] as FieldValue) : marketing, syncedAt };
    } else out[key] = { marketing: s[0], crm: s[1] as FieldValue, syncedAt: s[2] as string };
  }
  return out;
}

/** A field kept without its time in a row without one: no write makes it, so the store is corrupt. */
function untimed(key: string): never {
  throw new StoreError(`a link's snapshot row holds field "${key}" without the time it was synced, and no row time`);
}
