// Writes one BatchCommit; the caller wraps it in a single transaction so the batch lands whole or not
// at all. The cursor goes last: it may only move once everything it covers is written.
import { groupBy } from "../../core/grouping.js";
import type { BatchCommit, OutboxEntry, SnapshotWrite } from "../port.js";
import type { AuditTable } from "./audit.js";
import type { BehaviourCacheTable } from "./behaviour-cache.js";
import type { CursorTable } from "./cursors.js";
import type { ErrorQueueTable } from "./error-queue.js";
import type { FunnelTable } from "./funnel.js";
import type { HistoryToFillTable } from "./history-to-fill.js";
import type { LinkTable } from "./links.js";
import type { MatchMissTable } from "./match-misses.js";
import type { MergedPeopleTable } from "./merged-people.js";
import type { OutsideJobRecordTable } from "./outside-job-records.js";
import type { FinishedGroup, OutboxTable } from "./outbox.js";
import type { PersonScoreTable } from "./person-scores.js";
import type { SlaTable } from "./sla.js";
import type { Snapshots, SnapshotTable } from "./snapshots.js";
import type { LeadStatusTable, RecordWritten, WrittenValuesTable } from "./written-values.js";
import type { CrmScoreMarkTable } from "./crm-score-marks.js";
import type { SteadyScoreTable } from "./steady-scores.js";
import type { RoundRobinTable } from "./round-robin.js";

export interface BatchTables {
  links: LinkTable;
  snapshots: SnapshotTable;
  audit: AuditTable;
  errors: ErrorQueueTable;
  funnel: FunnelTable;
  cursors: CursorTable;
  outbox: OutboxTable;
  sla: SlaTable;
  personScores: PersonScoreTable;
  historyToFill: HistoryToFillTable;
  crmScoreMarks: CrmScoreMarkTable;
  steadyScores: SteadyScoreTable;
  writtenValues: WrittenValuesTable;
  leadStatuses: LeadStatusTable;
  behaviour: BehaviourCacheTable;
  matchMisses: MatchMissTable;
  outsideJobRecords: OutsideJobRecordTable;
  mergedPeople: MergedPeopleTable;
  roundRobin: RoundRobinTable;
}

export function writeBatch(
  tables: BatchTables,
  batch: BatchCommit,
): { linkIds: number[]; completedGroups: string[] } {
  // Retire before linking, so a batch can retire a link and link the same records anew.
  for (const { id, reason } of batch.retireLinks ?? []) tables.links.retire(id, reason, batch.at);
  const linkIds = (batch.links ?? []).map((write) => {
    const { id, created } = tables.links.upsert(write, batch.at);
    // A new link (no row read for it) ends its record's miss note; a retired one links nothing.
    if (write.linkId === undefined && write.retired === undefined) tables.matchMisses.drop(write.pair, write.marketingId);
    if (write.snapshots === undefined) return id;
    if (created) tables.snapshots.insert(id, write.snapshots, batch.at);
    else tables.snapshots.replace(id, write.snapshots, batch.at);
    return id;
  });
  for (const { from, to } of batch.peopleMerged ?? []) tables.mergedPeople.move(from, to);
  tables.audit.addAll(batch.audit ?? []);
  for (const error of batch.errors ?? []) tables.errors.add(error);
  for (const { id, message } of batch.errorAttempts ?? []) tables.errors.recordAttempt(id, message, batch.at);
  for (const id of batch.resolvedErrors ?? []) tables.errors.setStatus(id, "resolved", batch.at);
  for (const { id, recordId, payload } of batch.movedErrors ?? []) tables.errors.move(id, recordId, payload);
  for (const event of batch.funnelEvents ?? []) tables.funnel.add(event);
  for (const w of batch.wonAmounts ?? []) tables.funnel.setWonAmount(w.personId, w.cause, w.amount, w.newCause ?? w.cause);
  for (const v of batch.restoredVerdicts ?? []) tables.funnel.setRestoredVerdict(v.personId, v.toStage, v.cause);
  for (const h of batch.heldMqlsHandedOff ?? []) tables.funnel.dateHeldMql(h.personId, h.at);
  for (const clock of batch.slaClocks ?? []) tables.sla.upsert(clock);
  // Before the touches: a touch the new owner logged counts on the clock that is theirs now.
  for (const r of batch.slaReassignments ?? []) tables.sla.reassign(r);
  for (const t of batch.slaTouches ?? []) tables.sla.touch(t.personId, t.key, t.at);
  for (const breach of batch.slaBreaches ?? []) tables.sla.addBreach(breach);
  for (const row of batch.personScores ?? []) tables.personScores.save(row);
  for (const written of batch.personContacts ?? []) tables.personScores.setContact(written);
  for (const item of batch.historyToFill ?? []) tables.historyToFill.add(item, batch.at);
  for (const personId of batch.historyDecided ?? []) tables.historyToFill.remove(personId);
  for (const mark of batch.crmScoreMarks ?? []) tables.crmScoreMarks.save(mark);
  // What a steady score did not weigh: a move of the person's stage, a score on their CRM record, a link
  // to a record other than the marked one, another contact's behaviour moved onto theirs
  // (core/scoring/steady-score.ts), and behaviour put in the cache for her contact or her address.
  tables.steadyScores.commit(
    batch.steadyScores ?? [],
    [
      ...(batch.funnelEvents ?? []).map((e) => e.personId),
      ...(batch.crmScoreMarks ?? []).map((m) => m.personId),
      ...(batch.contactsMerged ?? []).map((m) => m.to),
      // A person's score row moved onto another id carries the steady columns of another contact's inputs.
      ...(batch.peopleMerged ?? []).map((m) => m.to),
    ],
    // The record a CRM score mark is compared against is the one linked now (a conversion, a merge).
    (batch.links ?? []).filter((l) => l.pair === "contact").map((l) => ({ personId: l.marketingId, crmId: l.crmId })),
    (batch.behaviour ?? []).map((a) => a.ownerKey),
  );
  for (const seen of batch.leadStatuses ?? []) tables.leadStatuses.save(seen.crmId, seen.status, seen.reason ?? null, seen.at);
  // Groups before their writes, so a group is never complete before it is known.
  for (const { group, onDone } of batch.outboxGroups ?? []) tables.outbox.putGroup(group, onDone, batch.at);
  // Before the accepted writes: the write that starts a clock late may be its group's last.
  for (const { group, handoffAt, dueAt } of batch.outboxGroupsStarted ?? []) tables.outbox.startClock(group, handoffAt, dueAt);
  // Before the puts: a superseded refusal's key, or a withdrawn write's, may be decided anew in this batch.
  const superseded = [
    ...tables.outbox.dropRefused(batch.outboxSuperseded ?? []),
    ...tables.outbox.dropPending(batch.outboxWithdrawn ?? []),
  ];
  tables.outbox.putAll(batch.outbox ?? [], batch.runId, batch.at);
  const ofRecord = new Set(batch.outboxRefusedOfRecord ?? []);
  for (const key of batch.outboxRefused ?? []) tables.outbox.refuse(key, batch.at, ofRecord.has(key));
  for (const key of batch.outboxReleased ?? []) tables.outbox.release(key);
  const completedGroups: string[] = [];
  const accepted = tables.outbox.acceptAll(batch.outboxAccepted ?? []);
  tables.errors.resolveAccepted(accepted.written, batch.at);
  const writtenValues: RecordWritten[] = [];
  syncedSnapshots(tables, accepted.written, batch.at);
  for (const written of accepted.written) {
    // The loop hold watches funnel decisions; the field sync's own three-way merge keeps it from looping.
    if (!written.synced && written.recordId) {
      const record = { system: written.system, object: written.object, recordId: written.recordId };
      writtenValues.push({ record, fields: written.fields.map((f) => ({ field: f.field, value: f.after })) });
    }
  }
  tables.writtenValues.addAll(writtenValues, batch.at);
  const dropped = tables.outbox.dropFor(batch.outboxDroppedFor ?? [], (batch.outbox ?? []).map((w) => w.key));
  const discarded = tables.outbox.dropRefused(tables.errors.discard(batch.discardedErrors ?? [], batch.at));
  for (const finished of [...accepted.done, ...dropped, ...discarded, ...superseded]) {
    applyGroupEffect(tables, finished);
    completedGroups.push(finished.group);
  }
  // After the group effects: a handoff the deletion's dropped writes completed starts a clock that stops.
  tables.sla.stopOn(batch.slaClocksStoppedOn ?? [], batch.at);
  tables.sla.resume(batch.slaClocksBack ?? []);
  for (const { from, to } of batch.contactsMerged ?? []) tables.behaviour.moveContact(from, to);
  tables.behaviour.addAll(batch.behaviour ?? []);
  tables.behaviour.saveMarks(batch.behaviourMarks ?? []);
  if (batch.behaviourPruneBefore) tables.behaviour.prune(batch.behaviourPruneBefore, batch.at);
  for (const fact of batch.facts ?? []) tables.behaviour.saveFact(fact);
  for (const turns of batch.roundRobinTurns ?? []) tables.roundRobin.save(turns);
  for (const miss of batch.matchMisses ?? []) tables.matchMisses.save(miss);
  tables.outsideJobRecords.saveAll(batch.outsideJobRecords ?? []);
  for (const cursor of batch.cursors ?? []) tables.cursors.save(cursor, batch.at);
  return { linkIds, completedGroups };
}

/**
 * Field-sync writes were accepted: each one's link's snapshots now hold, on the written side, what it
 * wrote (the other side's values stay as the page committed them). A link gone or re-pointed since keeps
 * its own. The links and their snapshot rows are read once per pair, one statement per chunk, not two
 * statements per write (a drain's commit accepts a batch of them); a link two of the writes name takes
 * the later one over what the earlier left, as when each was read after the other's patch.
 */
function syncedSnapshots(tables: BatchTables, written: readonly OutboxEntry[], at: string): void {
  const synced = written.filter((w) => w.synced);
  for (const [pair, writes] of groupBy(synced, (w) => w.synced!.pair)) {
    const { links, snapshotText } = tables.links.withSnapshotText(pair, "marketing", writes.map((w) => w.synced!.marketingId));
    const patched = new Map<number, Snapshots>();
    for (const { synced: s, recordId } of writes) {
      const { marketingId, side, values } = s!;
      const link = links.get(marketingId);
      if (!link || (side === "crm" ? link.crmId : link.marketingId) !== recordId) continue;
      let current = patched.get(link.id);
      if (current === undefined) {
        const text = snapshotText.get(link.id);
        current = text == null ? {} : tables.snapshots.decode(text);
        patched.set(link.id, current);
      }
      const patch: Record<string, SnapshotWrite> = {};
      for (const [key, value] of Object.entries(values)) {
        const held = current[key] ?? { marketing: null, crm: null };
        patch[key] = { marketing: held.marketing, crm: held.crm, [side]: value };
        current[key] = { marketing: patch[key].marketing, crm: patch[key].crm, syncedAt: at };
      }
      tables.snapshots.replace(link.id, patch, at);
    }
  }
}

/**
 * A finished group's effect. Its clock keeps whether the CRM accepted any of the group's writes: where it
 * took none (a deletion dropped them, before or after the rest went out) nothing reached the rep.
 */
function applyGroupEffect(tables: BatchTables, { onDone: effect, reachedSystems }: FinishedGroup): void {
  const unreached = effect.crmSystem !== undefined && reachedSystems !== "any" && !reachedSystems.includes(effect.crmSystem);
  if (effect.slaClock) tables.sla.upsert(unreached ? { ...effect.slaClock, unreached } : effect.slaClock);
  for (const row of effect.personScores ?? []) tables.personScores.save(row);
}
