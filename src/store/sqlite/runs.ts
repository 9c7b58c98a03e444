// Sync runs: when each started and finished, how it ended, and its summary.
import { type RunRecord, StoreError } from "../port.js";
import { fromJsonText, toJsonText } from "./json.js";
import type { Statements } from "./statements.js";

type RunRow = Omit<RunRecord, "dryRun" | "summary"> & { dryRun: number; summary: string | null };

export class RunTable {
  constructor(private readonly sql: Statements) {}

  start(run: { id: string; startedAt: string; dryRun: boolean }): void {
    this.sql
      .get("INSERT INTO runs (id, started_at, status, dry_run) VALUES (?, ?, 'running', ?)")
      .run(run.id, run.startedAt, run.dryRun ? 1 : 0);
  }

  finish(id: string, outcome: { finishedAt: string; status: string; summary: unknown }): void {
    const result = this.sql
      .get("UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?")
      .run(outcome.finishedAt, outcome.status, toJsonText(outcome.summary, `the summary of run ${id}`), id);
    if (result.changes === 0) throw new StoreError(`cannot finish run ${id}: it was never started`);
  }

  /** Marks every run still `running` (a dry run aside) as failed at `at`; returns their ids. */
  closeAbandoned(at: string): string[] {
    return this.sql
      .get<{ id: string }>(
        "UPDATE runs SET status = 'failed', finished_at = ? WHERE status = 'running' AND dry_run = 0 RETURNING id",
      )
      .all(at)
      .map((r) => r.id);
  }

  /** Most recent first. */
  list(limit: number): RunRecord[] {
    return this.sql
      .get<RunRow>(
        `SELECT id, started_at AS startedAt, finished_at AS finishedAt, status, dry_run AS dryRun, summary
         FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?`,
      )
      .all(limit)
      .map((row) => ({ ...row, dryRun: row.dryRun === 1, summary: fromJsonText(row.summary) }));
  }
}
