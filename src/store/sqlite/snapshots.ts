// Field snapshots: the value last synced on each side of every linked field, the base of the three-way
// merge, kept as one JSON object per link (read a page of links in one pass). Writes replace the named
// fields only, merged into the stored object by SQLite's json_patch (RFC 7396: each named field's array
// replaces the stored value), so a page's commit neither reads nor parses the rows it updates.
//
// A store holds one object per linked record and every changed record's path parses one, so each field
// is kept compactly: `[syncedAt]` when both sides are blank, `[syncedAt, value]` when both sides hold the
// same value, `[syncedAt, marketing, crm]` otherwise, with syncedAt in epoch milliseconds. Older rows
// (`[marketing, crm, syncedAt]` arrays, or `{marketing, crm, syncedAt}` objects) are still read; migration
// 9 converts them. A field's key (`marketing>crm`, or `link stamp`) is its number in the store's names
// (names.ts), which migration 18 gave the rows before it: keys no longer repeat in every link's row.
import type { FieldSnapshot, SnapshotWrite } from "../port.js";
import { inListChunks } from "./in-list.js";
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
  | FieldSnapshot;

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

export function encodeSnapshots(
  snapshots: Record<string, SnapshotWrite>,
  at: string,
  names: Pick<NameTable, "idOf">,
): string {
  const out: Record<string, StoredField> = {};
  for (const key in snapshots) {
    const s = snapshots[key]!;
    const syncedAt = s.syncedAt ?? at;
    const ms = instantMs(syncedAt);
    const id = names.idOf(key);
    if (ms === undefined) out[id] = [s.marketing, s.crm, syncedAt];
    else if (s.marketing === s.crm) out[id] = s.marketing === null ? [ms] : [ms, s.marketing];
    else out[id] = [ms, s.marketing, s.crm];
  }
  return JSON.stringify(out);
}

export function decodeSnapshots(text: string, names: Pick<NameTable, "nameOf">): Snapshots {
  const stored = JSON.parse(text) as Record<string, StoredField | FieldSnapshot>;
  const out: Snapshots = {};
  for (const id in stored) {
    const s = stored[id] as StoredField;
    const key = names.nameOf(id);
    if (!Array.isArray(s)) out[key] = s;
    else if (typeof s[0] === "number") {
      const syncedAt = isoOf(s[0]);
      const marketing = s.length === 1 ? null : (s[1] as FieldValue);
      out[key] = { marketing, crm: s.length === 3 ? (s[2] as FieldValue) : marketing, syncedAt };
    } else out[key] = { marketing: s[0], crm: s[1] as FieldValue, syncedAt: s[2] as string };
  }
  return out;
}

// A page's snapshots share a handful of times: the last conversion each way is remembered.
let lastIso = "";
let lastMs: number | undefined;
let lastMsIn = Number.NaN;
let lastIsoOut = "";

/** The instant as epoch ms when it reads back as the very same string, else undefined. */
function instantMs(iso: string): number | undefined {
  if (iso === lastIso) return lastMs;
  const ms = Date.parse(iso);
  lastIso = iso;
  lastMs = Number.isNaN(ms) || new Date(ms).toISOString() !== iso ? undefined : ms;
  return lastMs;
}

function isoOf(ms: number): string {
  if (ms !== lastMsIn) {
    lastMsIn = ms;
    lastIsoOut = new Date(ms).toISOString();
  }
  return lastIsoOut;
}
