// Follow-up clocks of handed-off leads, one per person, for SLA tracking.
import type { SlaBreachRow, SlaClock, SlaClockFilter, SlaReassignment } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

// `reached` as read: a clock whose CRM took none of its handoff's writes is unreached once its record is
// gone (port.ts SlaClock `unreached`); on a live record it runs and counts as any (the writes were refused
// and discarded, say: its breach alerts the manager).
const REACHED = "(reached = 1 OR gone_at IS NULL)";
const CLOCK_COLUMNS = `person_id AS personId, crm_type AS crmType, crm_id AS crmId, owner_id AS ownerId,
  handoff_at AS handoffAt, due_at AS dueAt, first_touch_at AS firstTouchAt, touches,
  breached_at AS breachedAt`;
const COLUMNS = `${CLOCK_COLUMNS}, ${REACHED} AS reached`;
/** The history keeps `reached` as read when the clock was replaced. */
const HISTORY_COLUMNS = `${CLOCK_COLUMNS}, reached`;

/** A clock as read: `unreached` only where nothing of its handoff reached the rep (port.ts SlaClock). */
function clockOf({ reached, ...clock }: SlaClock & { reached: number }): SlaClock {
  return reached === 1 ? clock : { ...clock, unreached: true };
}

export class SlaTable {
  constructor(private readonly sql: Statements) {}

  upsert(clock: SlaClock): void {
    // A new handoff's clock replaces the person's earlier one: that one goes to the history first.
    this.sql
      .get(
        `INSERT OR IGNORE INTO sla_clock_history (person_id, crm_type, crm_id, owner_id, handoff_at, due_at,
           first_touch_at, touches, breached_at, replaced_at, reached)
         SELECT person_id, crm_type, crm_id, owner_id, handoff_at, due_at, first_touch_at, touches, breached_at, ?, ${REACHED}
         FROM sla_clocks WHERE person_id = ? AND handoff_at <> ?`,
      )
      .run(clock.handoffAt, clock.personId, clock.handoffAt);
    this.sql
      .get(
        `INSERT INTO sla_clocks (person_id, crm_type, crm_id, owner_id, handoff_at, due_at, first_touch_at,
           touches, breached_at, reached) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET crm_type = excluded.crm_type, crm_id = excluded.crm_id,
           owner_id = excluded.owner_id, handoff_at = excluded.handoff_at, due_at = excluded.due_at,
           first_touch_at = excluded.first_touch_at, touches = excluded.touches,
           breached_at = excluded.breached_at,
           reached = CASE WHEN handoff_at = excluded.handoff_at THEN min(reached, excluded.reached) ELSE excluded.reached END,
           gone_at = CASE WHEN handoff_at = excluded.handoff_at THEN gone_at END`,
      )
      .run(
        clock.personId,
        clock.crmType,
        clock.crmId,
        clock.ownerId,
        clock.handoffAt,
        clock.dueAt,
        clock.firstTouchAt,
        clock.touches,
        clock.breachedAt,
        clock.unreached ? 0 : 1,
      );
  }

  /**
   * Stops the clocks on these deleted CRM records, or only the person's there when one is named (her own
   * contact deleted: ARCHITECTURE.md "The follow-up SLA"): each reads as decided at `at`, so no breach is
   * raised. A clock stopped already keeps its time.
   */
  stopOn(records: readonly { object: string; recordId: string; personId?: string }[], at: string): void {
    const stop = this.sql.get("UPDATE sla_clocks SET gone_at = ? WHERE crm_type = ? AND crm_id = ? AND gone_at IS NULL");
    const stopHers = this.sql.get(
      "UPDATE sla_clocks SET gone_at = ? WHERE crm_type = ? AND crm_id = ? AND person_id = ? AND gone_at IS NULL",
    );
    for (const r of records) {
      if (r.personId === undefined) stop.run(at, r.object, r.recordId);
      else stopHers.run(at, r.object, r.recordId, r.personId);
    }
  }

  /** Clocks a deletion stopped run again: their person came back (a contact restored from the recycle bin). */
  resume(clocks: readonly { personId: string; handoffAt: string }[]): void {
    const resume = this.sql.get("UPDATE sla_clocks SET gone_at = NULL WHERE person_id = ? AND handoff_at = ? AND gone_at IS NOT NULL");
    for (const c of clocks) resume.run(c.personId, c.handoffAt);
  }

  /** The clocks later handoffs replaced, oldest handoff first; with `personIds`, only these people's. */
  replaced(filter: { personIds?: readonly string[] } = {}): SlaClock[] {
    if (!filter.personIds)
      return this.sql
        .get<SlaClock & { reached: number }>(`SELECT ${HISTORY_COLUMNS} FROM sla_clock_history ORDER BY handoff_at, person_id`)
        .all().map(clockOf);
    // Chunked like `list`; each chunk reads the primary key (person_id, handoff_at), no scan of the history.
    const out: SlaClock[] = [];
    for (const chunk of inListChunks(filter.personIds))
      out.push(
        ...this.sql
          .get<SlaClock & { reached: number }>(`SELECT ${HISTORY_COLUMNS} FROM sla_clock_history WHERE person_id IN (${chunk.placeholders})`)
          .all(...chunk.params).map(clockOf),
      );
    return out.sort((a, b) => a.handoffAt.localeCompare(b.handoffAt) || a.personId.localeCompare(b.personId));
  }

  /**
   * Gives the clock to the owner the CRM record names now, when it still has the owner and handoff the
   * reassignment was read against (a clock replaced or moved since is left alone), and keeps the
   * reassignment; the same one kept again changes nothing.
   */
  reassign(r: SlaReassignment): void {
    const moved = this.sql
      .get("UPDATE sla_clocks SET owner_id = ? WHERE person_id = ? AND handoff_at = ? AND owner_id IS ?")
      .run(r.toOwnerId, r.personId, r.handoffAt, r.fromOwnerId).changes;
    if (moved === 0) return;
    this.sql
      .get(
        `INSERT INTO sla_reassignments (person_id, handoff_at, from_owner_id, to_owner_id, to_email, at, run_id)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, handoff_at, at) DO NOTHING`,
      )
      .run(r.personId, r.handoffAt, r.fromOwnerId, r.toOwnerId, r.toEmail, r.at, r.runId);
  }

  /** The reassignments of these people's clocks, oldest first (chunked like `list`). */
  reassignments(personIds: readonly string[]): SlaReassignment[] {
    const out: SlaReassignment[] = [];
    for (const chunk of inListChunks(personIds))
      out.push(
        ...this.sql
          .get<SlaReassignment>(
            `SELECT person_id AS personId, handoff_at AS handoffAt, from_owner_id AS fromOwnerId,
               to_owner_id AS toOwnerId, to_email AS toEmail, at, run_id AS runId
             FROM sla_reassignments WHERE person_id IN (${chunk.placeholders})`,
          )
          .all(...chunk.params),
      );
    return out.sort((a, b) => a.at.localeCompare(b.at) || a.personId.localeCompare(b.personId));
  }

  /**
   * Counts a touch once per key: a touch read again (a look-back re-read) changes nothing. Touches of a
   * person without a clock are ignored.
   */
  touch(personId: string, key: string, at: string): void {
    const inserted = this.sql
      .get(
        `INSERT INTO sla_touches (person_id, touch_key, at)
         SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM sla_clocks WHERE person_id = ?)
         ON CONFLICT (person_id, touch_key) DO NOTHING`,
      )
      .run(personId, key, at, personId).changes;
    if (inserted === 0) return;
    this.sql
      .get(
        `UPDATE sla_clocks SET touches = touches + 1,
           first_touch_at = CASE WHEN first_touch_at IS NULL OR first_touch_at > ? THEN ? ELSE first_touch_at END
         WHERE person_id = ?`,
      )
      .run(at, at, personId);
  }

  /** Keeps a raised breach; the same clock's breach raised again changes nothing. */
  addBreach(b: SlaBreachRow): void {
    this.sql
      .get(
        `INSERT INTO sla_breaches (person_id, handoff_at, crm_type, crm_id, owner_id, owner_email, kind, due_at,
           breached_at, raised_at, run_id, alert_to, reroute_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id, handoff_at) DO NOTHING`,
      )
      .run(
        b.personId,
        b.handoffAt,
        b.crmType,
        b.crmId,
        b.ownerId,
        b.ownerEmail,
        b.kind,
        b.dueAt,
        b.breachedAt,
        b.raisedAt,
        b.runId,
        b.alertTo,
        b.rerouteTo,
      );
  }

  /** The owners breaches were raised for, once, lower-cased: a reroute keeps the missed owner here alone. */
  breachOwnerEmails(): string[] {
    return this.sql
      .get<{ ownerEmail: string }>(
        "SELECT DISTINCT lower(owner_email) AS ownerEmail FROM sla_breaches WHERE owner_email IS NOT NULL",
      )
      .all()
      .map((r) => r.ownerEmail);
  }

  /** The latest first. */
  listBreaches(filter: { ownerId?: string } = {}): SlaBreachRow[] {
    const clause = filter.ownerId !== undefined ? "WHERE owner_id = ?" : "";
    return this.sql
      .get<SlaBreachRow>(
        `SELECT person_id AS personId, handoff_at AS handoffAt, crm_type AS crmType, crm_id AS crmId,
           owner_id AS ownerId, owner_email AS ownerEmail, kind, due_at AS dueAt, breached_at AS breachedAt, raised_at AS raisedAt,
           run_id AS runId, alert_to AS alertTo, reroute_to AS rerouteTo
         FROM sla_breaches ${clause} ORDER BY breached_at DESC, person_id`,
      )
      .all(...(filter.ownerId !== undefined ? [filter.ownerId] : []));
  }

  /** Soonest due first; with `page`, by person id (see the port's `listSlaClocks`). */
  list(filter: SlaClockFilter = {}): SlaClock[] {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.open !== undefined)
      where.push(filter.open ? "first_touch_at IS NULL" : "first_touch_at IS NOT NULL");
    if (filter.unraised) where.push("breached_at IS NULL");
    if (filter.gone !== undefined) where.push(filter.gone ? "gone_at IS NOT NULL" : "gone_at IS NULL");
    if (filter.ownerId !== undefined) {
      where.push("owner_id = ?");
      params.push(filter.ownerId);
    }
    if (filter.dueBy !== undefined) {
      where.push("due_at <= ?");
      params.push(filter.dueBy);
    }
    const ids = filter.personIds ?? filter.crmIds;
    if (filter.personIds && filter.crmIds) throw new Error("listSlaClocks: personIds or crmIds, not both");
    if (ids) {
      // Chunked: a page's ids stay below SQLite's variable limit; each chunk is one indexed look-up.
      const column = filter.personIds ? "person_id" : "crm_id";
      const out: SlaClock[] = [];
      for (const chunk of inListChunks(ids)) {
        const clause = [...where, `${column} IN (${chunk.placeholders})`].join(" AND ");
        out.push(
          ...this.sql
            .get<SlaClock & { reached: number }>(`SELECT ${COLUMNS} FROM sla_clocks WHERE ${clause}`)
            .all(...params, ...chunk.params).map(clockOf),
        );
      }
      return out.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.personId.localeCompare(b.personId));
    }
    if (filter.page) {
      if (filter.page.after !== null) {
        where.push("person_id > ?");
        params.push(filter.page.after);
      }
      const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
      return this.sql
        .get<SlaClock & { reached: number }>(`SELECT ${COLUMNS} FROM sla_clocks ${clause} ORDER BY person_id LIMIT ?`)
        .all(...params, filter.page.limit).map(clockOf);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return this.sql
      .get<SlaClock & { reached: number }>(`SELECT ${COLUMNS} FROM sla_clocks ${clause} ORDER BY due_at, person_id`)
      .all(...params).map(clockOf);
  }

  earliestHandoff(): string | null {
    return this.sql.get<{ at: string | null }>("SELECT MIN(handoff_at) AS at FROM sla_clocks").get()?.at ?? null;
  }

  openClockObjects(): Map<string, string> {
    const rows = this.sql
      .get<{ crmType: string; at: string }>(
        `SELECT crm_type AS crmType, MIN(handoff_at) AS at FROM sla_clocks
         WHERE first_touch_at IS NULL AND breached_at IS NULL AND gone_at IS NULL GROUP BY crm_type`,
      )
      .all();
    return new Map(rows.map((r) => [r.crmType, r.at]));
  }
}
