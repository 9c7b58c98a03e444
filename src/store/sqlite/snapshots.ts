// Field snapshots: the value last synced on each side of every linked field, the base of the three-way
// merge, kept as one JSON object per link (read a page of links in one pass). Writes replace the named
// fields only.
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
    const merged: Snapshots = { ...(current ? (JSON.parse(current.fields) as Snapshots) : {}), ...snapshots };
    this.sql
      .get(
        `INSERT INTO link_snapshots (link_id, fields) VALUES (?, ?)
         ON CONFLICT (link_id) DO UPDATE SET fields = excluded.fields`,
      )
      .run(linkId, JSON.stringify(merged));
  }

  forLinks(linkIds: readonly number[]): Map<number, Snapshots> {
    const found = new Map<number, Snapshots>();
    for (const chunk of inListChunks(linkIds)) {
      const rows = this.sql
        .get<{ linkId: number; fields: string }>(
          `SELECT link_id AS linkId, fields FROM link_snapshots WHERE link_id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params);
      for (const { linkId, fields } of rows) found.set(linkId, JSON.parse(fields) as Snapshots);
    }
    return found;
  }
}
