// CRM records whose score fields the history fill owes, kept from the commit that linked them until its
// writes are in the outbox, so a crash in between loses none: reps' own records linked to known people
// (their history to write), the links a lost store's run restored (whose records may carry a score
// leadloop wrote before), and the Contacts converted Leads became (the Lead's score to carry over).
import type { HistoryToFill } from "../port.js";
import type { Statements } from "./statements.js";

export class HistoryToFillTable {
  constructor(private readonly sql: Statements) {}

  add(item: HistoryToFill, at: string): void {
    this.sql
      .get(
        `INSERT INTO history_to_fill (person_id, crm_type, crm_id, decided_at, cause) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET crm_type = excluded.crm_type, crm_id = excluded.crm_id,
           cause = excluded.cause`,
      )
      .run(item.personId, item.crmType, item.crmId, at, item.cause ? CAUSES.indexOf(item.cause) : 0);
  }

  remove(personId: string): void {
    this.sql.get("DELETE FROM history_to_fill WHERE person_id = ?").run(personId);
  }

  list(page?: { after: string | null; limit: number }): HistoryToFill[] {
    const columns = "person_id AS personId, crm_type AS crmType, crm_id AS crmId, cause";
    const rows = page
      ? this.sql
          .get<Row>(`SELECT ${columns} FROM history_to_fill WHERE person_id > ? ORDER BY person_id LIMIT ?`)
          .all(page.after ?? "", page.limit)
      : this.sql.get<Row>(`SELECT ${columns} FROM history_to_fill ORDER BY person_id`).all();
    return rows.map(({ cause, ...item }) => (cause > 0 ? { ...item, cause: CAUSES[cause]! } : item));
  }
}

/** The `cause` column's numbers (migration 29): 0 is none, a record met. */
const CAUSES = [null, "restored", "converted"] as const;

interface Row extends Omit<HistoryToFill, "cause"> {
  cause: number;
}
