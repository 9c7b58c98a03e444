// A marketing merge made two contacts one, and HubSpot gives the result a new id: what the funnel kept
// under the old id (its events, follow-up clock, touches and breaches, score, history still to fill) is
// the merged person's, so the person is not taken for someone new and handed off a second time.
import type { Statements } from "./statements.js";

/** Tables with one row per person: a row the merged record holds already gives way to the one moved. */
const ONE_PER_PERSON = ["sla_clocks", "person_scores", "history_to_fill"] as const;
/** Tables keyed by person and something else: a row the merged record holds already is kept. */
const KEYED_PER_PERSON = ["sla_touches", "sla_breaches"] as const;

export class MergedPeopleTable {
  constructor(private readonly sql: Statements) {}

  /** Moves the funnel state of person `from` to person `to`. */
  move(from: string, to: string): void {
    if (from === to) return;
    this.sql.get("UPDATE funnel_events SET person_id = ? WHERE person_id = ?").run(to, from);
    for (const table of ONE_PER_PERSON)
      this.sql.get(`UPDATE OR REPLACE ${table} SET person_id = ? WHERE person_id = ?`).run(to, from);
    for (const table of KEYED_PER_PERSON) {
      this.sql.get(`UPDATE OR IGNORE ${table} SET person_id = ? WHERE person_id = ?`).run(to, from);
      this.sql.get(`DELETE FROM ${table} WHERE person_id = ?`).run(from);
    }
  }
}
