// Funnel stage events (lead → MQL → SAL → ...), the source of current stages and funnel metrics.
import type { FunnelEvent } from "../port.js";
import { RESTORED_CAUSE } from "../../core/funnel/restore.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

const COLUMNS = `person_id AS personId, email, from_stage AS fromStage, to_stage AS toStage, at, cause,
  run_id AS runId, source, campaign, campaign_id AS campaignId, campaign_origin AS campaignOrigin,
  owner_id AS ownerId, amount`;

/** A person's latest funnel move: its stage, when, why, and the money it carried. */
export interface LatestEvent {
  stage: string;
  at: string;
  cause: string;
  amount: number | null;
}

export interface FunnelFilter {
  personId?: string;
  /** Inclusive. */
  from?: string;
  /** Exclusive, so consecutive periods do not count an event twice. */
  to?: string;
}

export class FunnelTable {
  constructor(private readonly sql: Statements) {}

  add(event: FunnelEvent): void {
    this.sql
      .get(
        `INSERT INTO funnel_events (person_id, email, from_stage, to_stage, at, cause, run_id, source,
           campaign, campaign_id, campaign_origin, owner_id, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        event.personId,
        event.email,
        event.fromStage,
        event.toStage,
        event.at,
        event.cause,
        event.runId,
        event.source,
        event.campaign,
        event.campaignId ?? null,
        event.campaignOrigin ?? null,
        event.ownerId,
        event.amount,
      );
  }

  /** In time order; events at the same instant in the order they were recorded. */
  list(filter: FunnelFilter = {}): FunnelEvent[] {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.personId !== undefined) {
      where.push("person_id = ?");
      params.push(filter.personId);
    }
    if (filter.from !== undefined) {
      where.push("at >= ?");
      params.push(filter.from);
    }
    if (filter.to !== undefined) {
      where.push("at < ?");
      params.push(filter.to);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return this.sql
      .get<FunnelEvent>(`SELECT ${COLUMNS} FROM funnel_events ${clause} ORDER BY at, id`)
      .all(...params);
  }

  /** People whose latest move to mql is at or after `from`, in the order of their first such move. */
  mqlsSince(from: string): { personId: string; mqlAt: string }[] {
    return this.sql
      .get<{ personId: string; mqlAt: string }>(
        `SELECT person_id AS personId, MAX(at) AS mqlAt FROM funnel_events
         WHERE at >= ? AND to_stage = 'mql' GROUP BY person_id ORDER BY MIN(at), MIN(id)`,
      )
      .all(from);
  }

  /** Events per stage reached and kind of cause (the cause up to its first colon). */
  counts(): { stage: string; cause: string; fromStage: string | null; count: number }[] {
    return this.sql
      .get<{ stage: string; cause: string; fromStage: string | null; count: number }>(
        `SELECT to_stage AS stage, substr(cause, 1, instr(cause || ':', ':') - 1) AS cause, from_stage AS fromStage,
           COUNT(*) AS count
         FROM funnel_events GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      )
      .all();
  }

  /**
   * For each clock, the time of its person's first funnel move recorded after the MQL its handoff was
   * for (the latest move to mql at or before the handoff), keyed by person and handoff; a clock with
   * none is left out. Moves are taken in the order they were recorded, not by their times: a verdict
   * carries the CRM record's modification time, which Salesforce keeps to the second and so may read a
   * moment before the handoff it answers. One statement per chunk, the clocks passed as one JSON array.
   */
  movesAfter(clocks: readonly { personId: string; handoffAt: string }[]): Map<string, string> {
    const out = new Map<string, string>();
    const CHUNK = 5_000;
    for (let i = 0; i < clocks.length; i += CHUNK) {
      const pairs = JSON.stringify(clocks.slice(i, i + CHUNK).map((c) => [c.personId, c.handoffAt]));
      const rows = this.sql
        .get<{ personId: string; handoffAt: string; at: string | null; goneAt: string | null }>(
          `SELECT c.value ->> 0 AS personId, c.value ->> 1 AS handoffAt,
             (SELECT e.at FROM funnel_events e
              WHERE e.person_id = c.value ->> 0 AND e.id > COALESCE(
                (SELECT MAX(m.id) FROM funnel_events m
                 WHERE m.person_id = c.value ->> 0 AND m.to_stage = 'mql' AND m.at <= c.value ->> 1), 0)
              ORDER BY e.id LIMIT 1) AS at,
             (SELECT g.gone_at FROM sla_clocks g WHERE g.person_id = c.value ->> 0 AND g.handoff_at = c.value ->> 1) AS goneAt
           FROM json_each(?) AS c`,
        )
        .all(pairs);
      // A clock whose record was deleted is owed nothing from then (SlaTable.stopOn).
      for (const row of rows) {
        const at = row.at === null || (row.goneAt !== null && row.goneAt < row.at) ? row.goneAt : row.at;
        if (at !== null) out.set(`${row.personId}\u0000${row.handoffAt}`, at);
      }
    }
    return out;
  }

  /** Each person's latest event: the stage it moved them to, and when. */
  latestEvents(personIds: readonly string[]): Map<string, LatestEvent> {
    const latest = new Map<string, LatestEvent>();
    for (const chunk of inListChunks(personIds)) {
      const rows = this.sql
        .get<{ personId: string; toStage: string; at: string; cause: string; amount: number | null }>(
          `SELECT person_id AS personId, to_stage AS toStage, at, cause, amount FROM funnel_events
           WHERE person_id IN (${chunk.placeholders}) ORDER BY person_id, at, id`,
        )
        .all(...chunk.params);
      for (const row of rows) latest.set(row.personId, { stage: row.toStage, at: row.at, cause: row.cause, amount: row.amount });
    }
    return latest;
  }

  /**
   * Whether any restored win (a lost store's rebuild: its cause begins `restored:`) still has no amount,
   * through the index of wins without one (migration 36).
   */
  restoredWinsAwaitDeals(): boolean {
    return (
      this.sql
        .get<{ one: number }>(
          `SELECT 1 AS one FROM funnel_events INDEXED BY funnel_events_won_without_amount
           WHERE to_stage = 'won' AND amount IS NULL AND substr(cause, 1, ${RESTORED_CAUSE.length}) = ? LIMIT 1`,
        )
        .get(RESTORED_CAUSE) !== undefined
    );
  }

  /**
   * A won deal's amount changed after it closed: the person's latest move to won with this cause (the
   * deal's own) takes the new amount, so the report's revenue is the deal's as its system holds it; and
   * `newCause` (the cause itself, unless a restored win takes the name of its deal).
   */
  setWonAmount(personId: string, cause: string, amount: number | null, newCause: string): void {
    this.sql
      .get(
        `UPDATE funnel_events SET amount = ?, cause = ? WHERE id = (SELECT MAX(id) FROM funnel_events
           WHERE person_id = ? AND to_stage = 'won' AND cause = ?)`,
      )
      .run(amount, newCause, personId, cause);
  }

  /** The person's latest move to mql takes the handoff's time (port.ts heldMqlsHandedOff). */
  dateHeldMql(personId: string, at: string): void {
    this.sql
      .get(
        `UPDATE funnel_events SET at = ? WHERE id = (SELECT id FROM funnel_events
           WHERE person_id = ? AND to_stage = 'mql' ORDER BY at DESC, id DESC LIMIT 1)`,
      )
      .run(at, personId);
  }

  /** The person's latest restored move to `toStage` takes `cause`, the verdict behind it (port.ts restoredVerdicts). */
  setRestoredVerdict(personId: string, toStage: string, cause: string): void {
    this.sql
      .get(
        `UPDATE funnel_events SET cause = ? WHERE id = (SELECT MAX(id) FROM funnel_events
           WHERE person_id = ? AND to_stage = ? AND substr(cause, 1, 9) = 'restored:')`,
      )
      .run(cause, personId, toStage);
  }
}
