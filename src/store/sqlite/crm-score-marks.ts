// The crm_score_marks table: per person, the score and texts leadloop last wrote on their CRM record (a
// handoff, a history fill, a re-score), so a later re-score writes the record only when they moved.
import type { CrmScoreMark } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

const COLUMNS = `person_id AS personId, crm_type AS crmType, crm_id AS crmId, since, score, fit, behaviour,
  reasons, summary, at`;

export class CrmScoreMarkTable {
  constructor(private readonly sql: Statements) {}

  save(mark: CrmScoreMark): void {
    this.sql
      .get(
        `INSERT INTO crm_score_marks (person_id, crm_type, crm_id, since, score, fit, behaviour, reasons, summary, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET crm_type = excluded.crm_type, crm_id = excluded.crm_id,
           since = excluded.since, score = excluded.score, fit = excluded.fit, behaviour = excluded.behaviour,
           reasons = excluded.reasons, summary = excluded.summary, at = excluded.at`,
      )
      .run(
        mark.personId,
        mark.crmType,
        mark.crmId,
        mark.since,
        mark.score,
        mark.fit,
        mark.behaviour,
        mark.reasons,
        mark.summary,
        mark.at,
      );
  }

  of(personIds: readonly string[]): Map<string, CrmScoreMark> {
    const out = new Map<string, CrmScoreMark>();
    for (const chunk of inListChunks(personIds))
      for (const m of this.sql
        .get<CrmScoreMark>(`SELECT ${COLUMNS} FROM crm_score_marks WHERE person_id IN (${chunk.placeholders})`)
        .all(...chunk.params))
        out.set(m.personId, m);
    return out;
  }
}
