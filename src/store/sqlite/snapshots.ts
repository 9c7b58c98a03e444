// Field snapshots: the value last synced on each side of every linked field, the base of the three-way
// merge. Writes replace the named fields only.
import type { FieldSnapshot } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

interface SnapshotRow extends FieldSnapshot {
  linkId: number;
  field: string;
}

export class SnapshotTable {
  constructor(private readonly sql: Statements) {}

  replace(linkId: number, snapshots: Record<string, FieldSnapshot>): void {
    const statement = this.sql.get(
      `INSERT INTO field_snapshots (link_id, field, marketing, crm, synced_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (link_id, field) DO UPDATE
         SET marketing = excluded.marketing, crm = excluded.crm, synced_at = excluded.synced_at`,
    );
    for (const [field, snapshot] of Object.entries(snapshots)) {
      statement.run(linkId, field, snapshot.marketing, snapshot.crm, snapshot.syncedAt);
    }
  }

  forLinks(linkIds: readonly number[]): Map<number, Record<string, FieldSnapshot>> {
    const found = new Map<number, Record<string, FieldSnapshot>>();
    for (const chunk of inListChunks(linkIds)) {
      const rows = this.sql
        .get<SnapshotRow>(
          `SELECT link_id AS linkId, field, marketing, crm, synced_at AS syncedAt FROM field_snapshots
           WHERE link_id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params);
      for (const { linkId, field, marketing, crm, syncedAt } of rows) {
        let fields = found.get(linkId);
        if (fields === undefined) {
          fields = {};
          found.set(linkId, fields);
        }
        fields[field] = { marketing, crm, syncedAt };
      }
    }
    return found;
  }
}
