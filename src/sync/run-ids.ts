// A run's id says what ran: a sync run's is its start time and a random tail; a retry's and a digest's
// carry their kind first. Only a sync run reads and writes both systems' changes, so only it counts as
// "the last successful run" (the console's lag, the inclusion rule's last finished run).
import { randomUUID } from "node:crypto";

export type RunKind = "sync" | "retry" | "digest" | "requalify";

export function newRunId(kind: RunKind, startedAt: Date): string {
  const stamp = `${startedAt.toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  return kind === "sync" ? stamp : `${kind}-${stamp}`;
}

/** Whether the run was a sync run (not `errors retry`, `digest --write` or `requalify`'s writes). */
export function isSyncRun(runId: string): boolean {
  return /^\d{8}T\d{6}-/.test(runId);
}
