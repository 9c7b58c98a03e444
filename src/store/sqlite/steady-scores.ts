// A person's steady score: a key of the inputs her score was last worked out from and the instant until
// which that score stands (core/scoring/steady-score.ts), so the qualification does not score again a
// re-read contact none of whose inputs moved. Kept as columns of her person_scores row (migration 42),
// which the same page commits write: the key packed (activity-id.ts, its hex two digits to a byte), the
// email found by its 32-bit hash (detail-hash.ts), which the index holds in the place of the text, and
// kept as text only where it is not the row's own `email` (the seed's and most contacts' are). Any
// funnel event, CRM score mark, merge, behaviour put in the cache for the person (by contact or by email
// address) and a link to a record other than her mark's blanks them: those change what a score would decide.
import type { SteadyScore } from "../port.js";
import { packId, type StoredId, unpackId } from "./activity-id.js";
import { pieceHash } from "./detail-hash.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

const BLANK = "steady_inputs = NULL, steady_until_ms = NULL, steady_email = NULL, steady_mail = NULL";
/** The steady score's email: the row's own where none is kept apart (`steady_mail` says there is one). */
const STEADY_EMAIL = "CASE WHEN steady_mail IS NOT NULL THEN COALESCE(steady_email, email) END";

/** A link a batch writes: the person (the marketing contact's id) and the CRM record she is linked to. */
export interface Linked {
  personId: string;
  crmId: string;
}

/**
 * The SET term a write of the row's `email` (to `next`, an SQL expression) takes with it: a steady
 * email that was the row's own is kept apart first, so the score stands for the address it was for.
 */
export function steadyEmailKept(next: string): string {
  return `steady_email = CASE WHEN steady_email IS NULL AND steady_mail IS NOT NULL AND email IS NOT ${next} THEN email
    ELSE steady_email END`;
}

export class SteadyScoreTable {
  constructor(private readonly sql: Statements) {}

  /**
   * Keeps a person's steady score, or blanks it when `untilMs` is null. A person with no score row yet
   * gets one holding only this (no scored person: person-scores.ts reads rows with a score).
   */
  private save(row: SteadyScore): void {
    if (row.untilMs === null) {
      this.drop(row.personId);
      return;
    }
    this.sql
      .get(
        `INSERT INTO person_scores (person_id, steady_email, steady_mail, steady_inputs, steady_until_ms)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET steady_email = NULLIF(excluded.steady_email, email),
           steady_mail = excluded.steady_mail,
           steady_inputs = excluded.steady_inputs, steady_until_ms = excluded.steady_until_ms`,
      )
      .run(row.personId, row.email, row.email === null ? null : pieceHash(row.email), packId(row.inputs), row.untilMs);
  }

  /**
   * A batch's steady scores, and the blanks of the people it moved, of those it linked to a record other
   * than the one their CRM score mark is on, and of the behaviour owners it cached for (`contact:<id>`,
   * `email:<address>`, as the cache keys them). The batch's own scores were worked out with its moves
   * decided (qualify-phase.ts keeps none for a person it moves, and one for a person the history fill
   * marks only as her record will carry that score), so they are written after those blanks; behaviour
   * the batch caches may be another contact's read for her address, so a score it names is not written.
   */
  commit(rows: readonly SteadyScore[], people: readonly string[], links: readonly Linked[], ownerKeys: readonly string[]): void {
    const ids = new Set<string>();
    const emails = new Set<string>();
    for (const key of ownerKeys) {
      if (key.startsWith("contact:")) ids.add(key.slice("contact:".length));
      else if (key.startsWith("email:")) emails.add(key.slice("email:".length));
    }
    this.dropPeople([...new Set(people)]);
    this.dropRelinked(links);
    for (const row of rows) {
      const blanked = ids.has(row.personId) || (row.email !== null && emails.has(row.email));
      if (row.untilMs === null || !blanked) this.save(row);
    }
    this.dropPeople([...ids]);
    this.dropEmails([...emails]);
  }

  /**
   * Blanks those of the people linked to a record other than their CRM score mark's: a re-score writes
   * to the record linked now (crm-rescore.ts), so a conversion or a CRM merge moving the link asks for
   * one; a link with no mark, or to the marked record, changes nothing a score decides.
   */
  private dropRelinked(links: readonly Linked[]): void {
    if (links.length === 0) return;
    this.sql
      .get(
        `UPDATE person_scores SET ${BLANK}
         WHERE steady_until_ms IS NOT NULL AND person_id IN (
           SELECT m.person_id FROM json_each(?) AS l
           JOIN crm_score_marks AS m ON m.person_id = json_extract(l.value, '$[0]')
           WHERE m.crm_id IS NOT json_extract(l.value, '$[1]'))`,
      )
      .run(JSON.stringify(links.map((l) => [l.personId, l.crmId])));
  }

  private drop(personId: string): void {
    this.dropPeople([personId]);
  }

  /** Blanks these people's steady scores (a statement per 500). */
  private dropPeople(personIds: readonly string[]): void {
    for (const chunk of inListChunks(personIds))
      this.sql
        .get(`UPDATE person_scores SET ${BLANK} WHERE person_id IN (${chunk.placeholders}) AND steady_until_ms IS NOT NULL`)
        .run(...chunk.params);
  }

  /** Blanks those kept for these addresses: found by the hash, the text compared (two may share a hash). */
  private dropEmails(emails: readonly string[]): void {
    for (const chunk of inListChunks(emails))
      this.sql
        .get(
          `UPDATE person_scores SET ${BLANK}
           WHERE steady_mail IN (${chunk.placeholders}) AND ${STEADY_EMAIL} IN (${chunk.placeholders})`,
        )
        .run(...chunk.params.map(pieceHash), ...chunk.params);
  }

  of(personIds: readonly string[]): Map<string, SteadyScore> {
    const out = new Map<string, SteadyScore>();
    for (const chunk of inListChunks(personIds))
      for (const row of this.sql
        .get<{ personId: string; email: string | null; inputs: StoredId; untilMs: number }>(
          `SELECT person_id AS personId, ${STEADY_EMAIL} AS email, steady_inputs AS inputs, steady_until_ms AS untilMs
           FROM person_scores WHERE person_id IN (${chunk.placeholders}) AND steady_until_ms IS NOT NULL`,
        )
        .all(...chunk.params))
        out.set(row.personId, { ...row, inputs: unpackId(row.inputs) });
    return out;
  }
}
