// Reps' own CRM records linked to known people whose history is still to be written there: kept from the
// commit that linked them until the history writes are in the outbox, so a crash in between loses none;
// and the links a lost store's run restored, whose records may carry a score leadloop wrote before.
import type { HistoryToFill } from "../port.js";
import type { Statements } from "./statements.js";

export class HistoryToFillTable {
  constructor(private readonly sql: Statements) {}

  add(item: HistoryToFill, at: string): void {
    this.sql
      .get(
        `INSERT INTO history_to_fill (person_id, crm_type, crm_id, decided_at, restored) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET crm_type = excluded.crm_type, crm_id = excluded.crm_id,
           restored = excluded.restored`,
      )
      .run(item.personId, item.crmType, item.crmId, at, item.restored ? 1 : 0);
  }

  remove(personId: string): void {
    this.sql.get("DELETE FROM history_to_fill WHERE person_id = ?").run(personId);
  }

  list(page?: { after: string | null; limit: number }): HistoryToFill[] {
    const columns = "person_id AS personId, crm_type AS crmType, crm_id AS crmId, restored";
    const rows = page
      ? this.sql
          .get<Row>(`SELECT ${columns} FROM history_to_fill WHERE person_id > ? ORDER BY person_id LIMIT ?`)
          .all(page.after ?? "", page.limit)
      : this.sql.get<Row>(`SELECT ${columns} FROM history_to_fill ORDER BY person_id`).all();
    return rows.map(({ restored, ...item }) => (restored ? { ...item, restored: true } : item));
  }
}

interface Row extends Omit<HistoryToFill, "restored"> {
  restored: number;
}
