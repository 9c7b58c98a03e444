// The person_scores table: each person's latest score, near-qualified flag and owner, so `leadloop hot`
// and `leadloop near-qualified` answer from the store without reading the portal.
import type { PersonScoreRow } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

const COLUMNS = `person_id AS personId, email, name, score, fit, behaviour, near_missing AS nearMissing,
  owner_email AS ownerEmail, scored_at AS scoredAt`;

export interface PersonScoreFilter {
  nearQualified?: boolean;
  ownerEmail?: string;
  personIds?: readonly string[];
  limit?: number;
}

export class PersonScoreTable {
  constructor(private readonly sql: Statements) {}

  save(row: PersonScoreRow): void {
    this.sql
      .get(
        `INSERT INTO person_scores (person_id, email, name, score, fit, behaviour, near_missing, owner_email, scored_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET email = excluded.email, name = excluded.name,
           score = excluded.score, fit = excluded.fit, behaviour = excluded.behaviour,
           near_missing = excluded.near_missing, owner_email = COALESCE(excluded.owner_email, owner_email),
           scored_at = excluded.scored_at`,
      )
      .run(
        row.personId,
        row.email,
        row.name,
        row.score,
        row.fit,
        row.behaviour,
        row.nearMissing,
        row.ownerEmail?.toLowerCase() ?? null,
        row.scoredAt,
      );
  }

  /** The person's email as their contact holds it now; a person without a row gets none. */
  setEmail(personId: string, email: string): void {
    this.sql.get(`UPDATE person_scores SET email = ? WHERE person_id = ?`).run(email, personId);
  }

  /** Every owner a person has, once, lower-cased (read from the owner index, not the rows). */
  ownerEmails(): string[] {
    return this.sql
      .get<{ ownerEmail: string }>(
        "SELECT DISTINCT owner_email AS ownerEmail FROM person_scores WHERE owner_email IS NOT NULL",
      )
      .all()
      .map((r) => r.ownerEmail);
  }

  list(filter: PersonScoreFilter = {}): PersonScoreRow[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.nearQualified) where.push("near_missing IS NOT NULL");
    if (filter.ownerEmail) {
      where.push("owner_email = ?");
      params.push(filter.ownerEmail.toLowerCase());
    }
    const limit = filter.limit ?? 1000;
    const query = (extra: string, extraParams: string[]) =>
      this.sql
        .get<PersonScoreRow>(
          `SELECT ${COLUMNS} FROM person_scores
           ${[...where, ...(extra ? [extra] : [])].length > 0 ? `WHERE ${[...where, ...(extra ? [extra] : [])].join(" AND ")}` : ""}
           ORDER BY score DESC, person_id LIMIT ?`,
        )
        .all(...params, ...extraParams, limit);
    if (!filter.personIds) return query("", []);
    const rows: PersonScoreRow[] = [];
    for (const chunk of inListChunks(filter.personIds))
      rows.push(...query(`person_id IN (${chunk.placeholders})`, chunk.params));
    return rows.sort((a, b) => b.score - a.score || a.personId.localeCompare(b.personId)).slice(0, limit);
  }
}
