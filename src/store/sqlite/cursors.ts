// Durable read cursors, one per (system, object): where the next incremental read starts.
import type { Cursor } from "../port.js";
import type { Statements } from "./statements.js";

const COLUMNS = "system, object, value, last_id AS lastId, updated_at AS updatedAt";

export class CursorTable {
  constructor(private readonly sql: Statements) {}

  get(system: string, object: string): Cursor | undefined {
    return this.sql
      .get<Cursor>(`SELECT ${COLUMNS} FROM cursors WHERE system = ? AND object = ?`)
      .get(system, object);
  }

  list(): Cursor[] {
    return this.sql.get<Cursor>(`SELECT ${COLUMNS} FROM cursors ORDER BY system, object`).all();
  }

  save(cursor: Omit<Cursor, "updatedAt">, at: string): void {
    this.sql
      .get(
        `INSERT INTO cursors (system, object, value, last_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (system, object) DO UPDATE
           SET value = excluded.value, last_id = excluded.last_id, updated_at = excluded.updated_at`,
      )
      .run(cursor.system, cursor.object, cursor.value, cursor.lastId, at);
  }
}
