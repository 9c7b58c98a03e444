// Field snapshots: the value last synced on each side of every linked field, the base of the three-way
// merge, kept as one JSON object per link (read a page of links in one pass). Writes replace the named
// fields only. Each field is stored as `[marketing, crm, syncedAt]` (a third of the bytes of the
// `{marketing, crm, syncedAt}` objects older stores hold, which are still read), since a store holds one
// per linked record and parsing them is on every changed record's path.
import type { FieldSnapshot } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

type Snapshots = Record<string, FieldSnapshot>;

export class SnapshotTable {
  constructor(private readonly sql: Statements) {}

  replace(linkId: number, snapshots: Snapshots): void {
    const current = this.sql
      .get<{ fields: string }>("SELECT fields FROM link_snapshots WHERE link_id = ?")
      .get(linkId);
    const merged: Snapshots = { ...(current ? decode(current.fields) : {}), ...snapshots };
    this.sql
      .get(
        `INSERT INTO link_snapshots (link_id, fields) VALUES (?, ?)
         ON CONFLICT (link_id) DO UPDATE SET fields = excluded.fields`,
      )
      .run(linkId, encode(merged));
  }

  forLinks(linkIds: readonly number[]): Map<number, Snapshots> {
    const found = new Map<number, Snapshots>();
    for (const chunk of inListChunks(linkIds)) {
      const rows = this.sql
        .get<{ linkId: number; fields: string }>(
          `SELECT link_id AS linkId, fields FROM link_snapshots WHERE link_id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params);
      for (const { linkId, fields } of rows) found.set(linkId, decode(fields));
    }
    return found;
  }
}

type StoredField = [FieldSnapshot["marketing"], FieldSnapshot["crm"], string] | FieldSnapshot;

function encode(snapshots: Snapshots): string {
  const out: Record<string, StoredField> = {};
  for (const key in snapshots) {
    const s = snapshots[key]!;
    out[key] = [s.marketing, s.crm, s.syncedAt];
  }
  return JSON.stringify(out);
}

function decode(text: string): Snapshots {
  const stored = JSON.parse(text) as Record<string, StoredField>;
  const out: Snapshots = {};
  for (const key in stored) {
    const s = stored[key]!;
    out[key] = Array.isArray(s) ? { marketing: s[0], crm: s[1], syncedAt: s[2] } : s;
  }
  return out;
}
