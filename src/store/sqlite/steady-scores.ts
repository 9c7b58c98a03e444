// The steady_scores table: per person, a key of the inputs their score was last worked out from and the
// instant until which that score stands (core/scoring/steady-score.ts), so the qualification does not
// score again a re-read contact none of whose inputs moved. Any funnel event, CRM score mark, link write
// or behaviour put in the cache for the person (by contact or by email address) drops the row: those
// change what a score would decide.
import type { SteadyScore } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

export class SteadyScoreTable {
  constructor(private readonly sql: Statements) {}

  /** Keeps a row, or drops the person's row when `untilMs` is null. */
  save(row: SteadyScore): void {
    if (row.untilMs === null) {
      this.drop(row.personId);
      return;
    }
    this.sql
      .get(
        `INSERT INTO steady_scores (person_id, email, inputs, until_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET email = excluded.email, inputs = excluded.inputs,
           until_ms = excluded.until_ms`,
      )
      .run(row.personId, row.email, row.inputs, row.untilMs);
  }

  drop(personId: string): void {
    this.dropPeople([personId]);
  }

  /** Drops these people's rows (a first load's link writes name every contact: a statement per 500). */
  dropPeople(personIds: readonly string[]): void {
    for (const chunk of inListChunks(personIds))
      this.sql.get(`DELETE FROM steady_scores WHERE person_id IN (${chunk.placeholders})`).run(...chunk.params);
  }

  /** Drops the rows of these behaviour owners (`contact:<id>`, `email:<address>`, as the cache keys them). */
  dropOwners(ownerKeys: ReadonlySet<string>): void {
    const ids: string[] = [];
    const emails: string[] = [];
    for (const key of ownerKeys) {
      if (key.startsWith("contact:")) ids.push(key.slice("contact:".length));
      else if (key.startsWith("email:")) emails.push(key.slice("email:".length));
    }
    this.dropPeople(ids);
    for (const chunk of inListChunks(emails))
      this.sql.get(`DELETE FROM steady_scores WHERE email IN (${chunk.placeholders})`).run(...chunk.params);
  }

  of(personIds: readonly string[]): Map<string, SteadyScore> {
    const out = new Map<string, SteadyScore>();
    for (const chunk of inListChunks(personIds))
      for (const row of this.sql
        .get<SteadyScore>(
          `SELECT person_id AS personId, email, inputs, until_ms AS untilMs FROM steady_scores WHERE person_id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params))
        out.set(row.personId, row);
    return out;
  }
}
