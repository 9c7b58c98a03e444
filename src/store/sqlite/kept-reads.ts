// Kept reads: the pages of one change read, kept for a later stream of the same window in the same run
// (the qualification's contacts for the contact sync), so the object is listed once, not twice, and
// nothing of it is held in memory (ARCHITECTURE.md, "Every phase reads its change stream").
import type { KeptPage } from "../port.js";
import type { Statements } from "./statements.js";

export class KeptReadTable {
  constructor(private readonly sql: Statements) {}

  add(key: string, pages: readonly KeptPage[]): void {
    const insert = this.sql.get("INSERT INTO kept_reads (read_key, cursor, last_id, records) VALUES (?, ?, ?, ?)");
    for (const page of pages) insert.run(key, page.cursor.modifiedAt, page.cursor.lastId, JSON.stringify(page.records));
  }

  pages(key: string, after: number, limit: number): { seq: number; page: KeptPage }[] {
    const rows = this.sql
      .get<{ seq: number; cursor: string; last_id: string | null; records: string }>(
        "SELECT seq, cursor, last_id, records FROM kept_reads WHERE read_key = ? AND seq > ? ORDER BY seq LIMIT ?",
      )
      .all(key, after, limit);
    return rows.map((row) => ({
      seq: row.seq,
      page: {
        records: JSON.parse(row.records) as KeptPage["records"],
        cursor: { modifiedAt: row.cursor, lastId: row.last_id },
      },
    }));
  }

  clear(): void {
    this.sql.get("DELETE FROM kept_reads").run();
  }
}
