// Writes one BatchCommit; the caller wraps it in a single transaction so the batch lands whole or not
// at all. The cursor goes last: it may only move once everything it covers is written.
import type { BatchCommit } from "../port.js";
import type { AuditTable } from "./audit.js";
import type { CursorTable } from "./cursors.js";
import type { ErrorQueueTable } from "./error-queue.js";
import type { FunnelTable } from "./funnel.js";
import type { LinkTable } from "./links.js";
import type { SnapshotTable } from "./snapshots.js";

export interface BatchTables {
  links: LinkTable;
  snapshots: SnapshotTable;
  audit: AuditTable;
  errors: ErrorQueueTable;
  funnel: FunnelTable;
  cursors: CursorTable;
}

export function writeBatch(tables: BatchTables, batch: BatchCommit): number[] {
  // Retire before linking, so a batch can retire a link and link the same records anew.
  for (const { id, reason } of batch.retireLinks ?? []) tables.links.retire(id, reason, batch.at);
  const linkIds = (batch.links ?? []).map((write) => {
    const id = tables.links.upsert(write, batch.at);
    if (write.snapshots !== undefined) tables.snapshots.replace(id, write.snapshots);
    return id;
  });
  for (const entry of batch.audit ?? []) tables.audit.add(entry);
  for (const error of batch.errors ?? []) tables.errors.add(error);
  for (const id of batch.resolvedErrors ?? []) tables.errors.setStatus(id, "resolved", batch.at);
  for (const event of batch.funnelEvents ?? []) tables.funnel.add(event);
  for (const cursor of batch.cursors ?? []) tables.cursors.save(cursor, batch.at);
  return linkIds;
}
