// The person_scores table: each person's latest score, near-qualified flag and owner, so `leadloop hot`
// and `leadloop near-qualified` answer from the store without reading the portal. Its steady-score
// columns are steady-scores.ts's.
import { personName } from "../../core/text/person-name.js";
import type { PersonContactWritten, PersonScoreRow } from "../port.js";
import { inListChunks } from "./in-list.js";
import { instantMs, isoOf } from "./snapshot-times.js";
import { steadyEmailKept } from "./steady-scores.js";
import type { Statements } from "./statements.js";

const COLUMNS = `person_id AS personId, email, name, score, fit, behaviour, near_missing AS nearMissing,
  owner_email AS ownerEmail, scored_at AS scoredAt`;

export interface PersonScoreFilter {
  nearQualified?: boolean;
  ownerEmail?: string;
  personIds?: readonly string[];
  limit?: number;
}

/** A row as stored: its scoring's time is epoch ms where that gives its text back (migration 42). */
type StoredScoreRow = Omit<PersonScoreRow, "scoredAt"> & { scoredAt: number | string };

function scoreRowOf(row: StoredScoreRow): PersonScoreRow {
  if (typeof row.scoredAt === "number") row.scoredAt = isoOf(row.scoredAt);
  return row as PersonScoreRow;
}

export class PersonScoreTable {
  constructor(private readonly sql: Statements) {}

  save(row: PersonScoreRow): void {
    this.sql
      .get(
        `INSERT INTO person_scores (person_id, email, name, score, fit, behaviour, near_missing, owner_email, scored_at,
           first_name, last_name)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET ${steadyEmailKept("excluded.email")}, email = excluded.email,
           name = excluded.name,
           score = excluded.score, fit = excluded.fit, behaviour = excluded.behaviour,
           near_missing = excluded.near_missing, owner_email = COALESCE(excluded.owner_email, owner_email),
           scored_at = excluded.scored_at, first_name = COALESCE(excluded.first_name, first_name),
           last_name = COALESCE(excluded.last_name, last_name)`,
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
        instantMs(row.scoredAt) ?? row.scoredAt,
        // A blank part is kept as "" so that NULL says the part is not known (a row from before migration 30).
        row.nameParts ? (row.nameParts.firstname ?? "") : null,
        row.nameParts ? (row.nameParts.lastname ?? "") : null,
      );
  }

  /**
   * What a write put on the person's contact: its email, and a new name when the row knows the part the
   * write left (a row from before migration 30 keeps its name until its next qualification). A person
   * without a row gets none.
   */
  setContact(written: PersonContactWritten): void {
    if (written.email !== undefined)
      this.sql
        .get(`UPDATE person_scores SET ${steadyEmailKept("?")}, email = ? WHERE person_id = ?`)
        .run(written.email, written.email, written.personId);
    if (written.firstname === undefined && written.lastname === undefined) return;
    const row = this.sql
      .get<{ first: string | null; last: string | null }>(
        `SELECT first_name AS first, last_name AS last FROM person_scores WHERE person_id = ?`,
      )
      .get(written.personId);
    if (!row) return;
    const first = written.firstname !== undefined ? (written.firstname ?? "") : row.first;
    const last = written.lastname !== undefined ? (written.lastname ?? "") : row.last;
    const name = first !== null && last !== null ? personName(first, last) : undefined;
    this.sql
      .get(
        `UPDATE person_scores SET first_name = ?, last_name = ?, name = CASE WHEN ? THEN ? ELSE name END
         WHERE person_id = ?`,
      )
      .run(first, last, name === undefined ? 0 : 1, name ?? null, written.personId);
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
    // A row a steady score was kept for before any score (steady-scores.ts) is no scored person.
    const where: string[] = ["score IS NOT NULL"];
    const params: (string | number)[] = [];
    if (filter.nearQualified) where.push("near_missing IS NOT NULL");
    if (filter.ownerEmail) {
      where.push("owner_email = ?");
      params.push(filter.ownerEmail.toLowerCase());
    }
    const limit = filter.limit ?? 1000;
    const query = (extra: string, extraParams: string[]) =>
      this.sql
        .get<StoredScoreRow>(
          `SELECT ${COLUMNS} FROM person_scores
           WHERE ${[...where, ...(extra ? [extra] : [])].join(" AND ")}
           ORDER BY score DESC, person_id LIMIT ?`,
        )
        .all(...params, ...extraParams, limit)
        .map(scoreRowOf);
    if (!filter.personIds) return query("", []);
    const rows: PersonScoreRow[] = [];
    for (const chunk of inListChunks(filter.personIds))
      rows.push(...query(`person_id IN (${chunk.placeholders})`, chunk.params));
    return rows.sort((a, b) => b.score - a.score || a.personId.localeCompare(b.personId)).slice(0, limit);
  }
}
