// The error queue: record writes a system refused, kept for `errors list` and `errors retry`. A write
// that fails again while its entry is open counts as another attempt on that entry.
import {
  type ErrorClass,
  type ErrorFilter,
  type ErrorStatus,
  type NewQueuedError,
  type OutboxWrite,
  type QueuedError,
  sentAgainByRuns,
  StoreError,
} from "../port.js";
import { outboxKeyOf } from "../../core/payload-text.js";
import { ownProblemKey, personProblemKey, problemKeysOf } from "../../core/text/error-problems.js";
import { inListChunks } from "./in-list.js";
import { fromJsonText, toJsonText } from "./json.js";
import type { Statements } from "./statements.js";

const COLUMNS = `id, run_id AS runId, system, object, record_id AS recordId, operation, payload,
  error_class AS errorClass, message, attempts, sent_by_runs AS sentByRuns, status, first_seen_at AS firstSeenAt,
  last_seen_at AS lastSeenAt, status_changed_at AS statusChangedAt`;

type ErrorRow = Omit<QueuedError, "payload" | "sentByRuns"> & { payload: string | null; sentByRuns: number };

function toQueuedError(row: ErrorRow): QueuedError {
  return { ...row, payload: fromJsonText(row.payload), sentByRuns: row.sentByRuns === 1 };
}

export class ErrorQueueTable {
  constructor(private readonly sql: Statements) {}

  /**
   * Adds an entry, or counts another attempt on the open entry for the same system, object, record and
   * operation. Entries without a record id are never merged: two failed creates are two records.
   */
  add(error: NewQueuedError): number {
    // The keys its problem is counted by (problem-keys.ts), written with every change of what they read.
    const { person, cause } = problemKeysOf(error);
    const row = this.sql
      .get<{ id: number }>(
        `INSERT INTO error_queue (run_id, system, object, record_id, operation, payload, error_class,
           message, attempts, sent_by_runs, status, first_seen_at, last_seen_at, problem_person, problem_cause)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 'open', ?, ?, ?, ?)
         ON CONFLICT (system, object, record_id, operation) WHERE status = 'open' DO UPDATE
           SET attempts = attempts + 1, message = excluded.message, last_seen_at = excluded.last_seen_at,
               payload = excluded.payload, error_class = excluded.error_class, run_id = excluded.run_id,
               sent_by_runs = excluded.sent_by_runs,
               problem_person = excluded.problem_person, problem_cause = excluded.problem_cause
         RETURNING id`,
      )
      .get(
        error.runId,
        error.system,
        error.object,
        error.recordId,
        error.operation,
        toJsonText(error.payload, `the payload of the failed ${error.system} ${error.object} write`),
        error.errorClass,
        error.message,
        sentAgainByRuns(error) ? 1 : 0,
        error.at,
        error.at,
        person,
        cause,
      );
    // RETURNING yields the inserted or updated row whenever the statement succeeds. A create naming no
    // person never meets an open entry (no record id), so it is new and its key is the id just given.
    const id = row!.id;
    if (person === null) this.sql.get("UPDATE error_queue SET problem_person = ? WHERE id = ?").run(ownProblemKey(id), id);
    return id;
  }

  countOpen(): { system: string; errorClass: ErrorClass; count: number }[] {
    return this.sql
      .get<{ system: string; errorClass: ErrorClass; count: number }>(
        `SELECT system, error_class AS errorClass, COUNT(*) AS count FROM error_queue WHERE status = 'open'
         GROUP BY system, error_class ORDER BY system, error_class`,
      )
      .all();
  }

  /**
   * The open problems per class: one group per system, class and stored keys, read from the problems
   * index alone (migration 32), where grouping the entries themselves parsed every open payload.
   */
  countOpenProblems(): { errorClass: ErrorClass; count: number }[] {
    return this.sql
      .get<{ errorClass: ErrorClass; count: number }>(
        `SELECT errorClass, COUNT(*) AS count FROM (
           SELECT error_class AS errorClass FROM error_queue WHERE status = 'open'
           GROUP BY problem_person, problem_cause, system, error_class)
         GROUP BY errorClass ORDER BY errorClass`,
      )
      .all();
  }

  get(id: number): QueuedError | undefined {
    const row = this.sql.get<ErrorRow>(`SELECT ${COLUMNS} FROM error_queue WHERE id = ?`).get(id);
    return row === undefined ? undefined : toQueuedError(row);
  }

  /** Oldest first, so the queue is worked in the order it filled. */
  list(filter: ErrorFilter = {}): QueuedError[] {
    const where: string[] = [];
    const params: unknown[] = [];
    /** A condition with its one bound value, where the filter sets it. */
    const when = (value: unknown, condition: string) => {
      if (value === undefined) return;
      where.push(condition);
      params.push(value);
    };
    when(filter.status, "status = ?");
    // Asked about people or records, their indexes find the few entries: `+` keeps SQLite (no statistics
    // kept) from reading all of a system's open entries through the status index instead.
    when(filter.system, filter.personIds || filter.recordIds ? "+system = ?" : "system = ?");
    when(filter.afterId, "id > ?");
    when(filter.object, "object = ?");
    when(filter.seenSince, "last_seen_at >= ?");
    // Id lists as one bound JSON array, however many ids: no limit on the statement's variables to mind.
    // By the stored person key, which the problems index serves for open entries.
    when(filter.personIds && JSON.stringify(filter.personIds.map(personProblemKey)), "problem_person IN (SELECT value FROM json_each(?))");
    when(filter.recordIds && JSON.stringify(filter.recordIds), "record_id IN (SELECT value FROM json_each(?))");
    if (filter.sentByRuns) where.push("sent_by_runs = 1");
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return this.sql
      .get<ErrorRow>(`SELECT ${COLUMNS} FROM error_queue ${clause} ORDER BY id LIMIT ?`)
      .all(...params, filter.limit ?? -1)
      .map(toQueuedError);
  }

  /** Open entries about these records, keyed by record id. */
  openFor(recordIds: readonly string[]): Map<string, QueuedError[]> {
    const out = new Map<string, QueuedError[]>();
    // Every page of a sync asks; usually nothing is open, which one probe of the status index tells
    // without binding and scanning the page's ids.
    if (recordIds.length === 0 || !this.anyOpen()) return out;
    for (const chunk of inListChunks(recordIds)) {
      const rows = this.sql
        .get<ErrorRow>(`SELECT ${COLUMNS} FROM error_queue WHERE status = 'open' AND record_id IN (${chunk.placeholders})`)
        .all(...chunk.params);
      for (const row of rows) {
        const entry = toQueuedError(row);
        const key = entry.recordId ?? "";
        out.set(key, [...(out.get(key) ?? []), entry]);
      }
    }
    return out;
  }

  private anyOpen(): boolean {
    return this.sql
      .get<{ open: number }>("SELECT EXISTS (SELECT 1 FROM error_queue WHERE status = 'open') AS open")
      .get()!.open === 1;
  }

  /**
   * The open entry follows its write to another record. OR IGNORE: that record's own open entry of the
   * same operation (one per record and operation) leaves this one where it was, still open.
   */
  move(id: number, recordId: string, payload: unknown): void {
    this.sql
      .get(
        `UPDATE OR IGNORE error_queue SET record_id = @recordId, payload = @payload,
           problem_person = leadloop_problem_person(id, object, @recordId, @payload) WHERE id = @id AND status = 'open'`,
      )
      .run({ recordId, payload: toJsonText(payload, `the payload of error queue entry ${id}`), id });
  }

  recordAttempt(id: number, message: string, at: string): void {
    const result = this.sql
      .get(
        `UPDATE error_queue SET attempts = attempts + 1, message = @message, last_seen_at = @at,
           problem_cause = leadloop_problem_cause(object, @message) WHERE id = @id`,
      )
      .run({ message, at, id });
    if (result.changes === 0) throw new StoreError(`error queue entry ${id} does not exist`);
  }

  /** Discards the open entries among `ids`; returns the outbox keys of the funnel writes behind them. */
  discard(ids: readonly number[], at: string): string[] {
    const keys: string[] = [];
    for (const id of ids) {
      const row = this.sql
        .get<{ payload: string | null }>(
          "UPDATE error_queue SET status = 'discarded', status_changed_at = ? WHERE id = ? AND status = 'open' RETURNING payload",
        )
        .get(at, id);
      const key = outboxKeyOf({ payload: fromJsonText(row?.payload ?? null) });
      if (key !== null) keys.push(key);
    }
    return keys;
  }

  /**
   * The open entries a refusal of these outbox writes left, resolved now that the system accepted the
   * write under the same key: a write decided again keeps the fields it does not name, so it carried
   * the refused values or newer ones. Most batches meet an empty queue, which one look settles.
   */
  resolveAccepted(writes: readonly OutboxWrite[], at: string): void {
    if (writes.length === 0 || !this.anyOpen()) return;
    const resolve = this.sql.get(
      `UPDATE error_queue SET status = 'resolved', status_changed_at = ?
       WHERE status = 'open' AND system = ? AND object = ? AND record_id = ? AND operation = ?
         AND json_extract(payload, '$.outboxKey') = ?`,
    );
    for (const w of writes) if (w.recordId) resolve.run(at, w.system, w.object, w.recordId, w.phase, w.key);
  }

  setStatus(id: number, status: ErrorStatus, at: string): void {
    const result = this.sql
      .get("UPDATE error_queue SET status = ?, status_changed_at = ? WHERE id = ?")
      .run(status, at, id);
    if (result.changes === 0) throw new StoreError(`error queue entry ${id} does not exist`);
  }
}
