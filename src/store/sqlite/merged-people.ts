// A marketing merge made two contacts one, and HubSpot gives the result a new id: what the funnel kept
// under an old id (its events, follow-up clock, touches and breaches, score, history still to fill) is
// the merged person's, so the person is not taken for someone new and handed off a second time.
import type { Statements } from "./statements.js";

/** Tables with one row per person. */
const ONE_PER_PERSON = ["sla_clocks", "person_scores", "history_to_fill", "crm_score_marks"] as const;
/** Tables keyed by person and something else. */
const KEYED_PER_PERSON = ["sla_touches", "sla_breaches", "sla_clock_history", "sla_reassignments"] as const;

export class MergedPeopleTable {
  constructor(private readonly sql: Statements) {}

  /**
   * Moves the funnel state of person `from` to person `to`, when `to` has no funnel history of its own
   * yet: a merge's record takes the state of the first person moved to it, and two people's histories
   * are never interleaved into one (the others' stays under their old ids, as history).
   */
  move(from: string, to: string): void {
    if (from === to) return;
    if (this.sql.get("SELECT 1 FROM funnel_events WHERE person_id = ? LIMIT 1").get(to) !== undefined) return;
    this.sql.get("UPDATE funnel_events SET person_id = ? WHERE person_id = ?").run(to, from);
    // A score or clock the merged record got before it had a history gives way to the person's.
    for (const table of ONE_PER_PERSON)
      this.sql.get(`UPDATE OR REPLACE ${table} SET person_id = ? WHERE person_id = ?`).run(to, from);
    for (const table of KEYED_PER_PERSON) this.sql.get(`UPDATE ${table} SET person_id = ? WHERE person_id = ?`).run(to, from);
    // A clock on the person's own record (HubSpot as the CRM: the contact is the record) follows it too.
    this.sql.get("UPDATE sla_clocks SET crm_id = ? WHERE person_id = ? AND crm_id = ?").run(to, to, from);
  }
}
