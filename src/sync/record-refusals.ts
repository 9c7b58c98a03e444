// A write refused for its record whatever its values (RecordFailure.ofRecord: a Lead a deactivated user
// owns, one an approval locked) waits in the outbox until the record changes (ARCHITECTURE.md "One write
// path"): a page that reads the record modified since the refusal's last attempt (given to an active
// user, unlocked) releases its writes, and the run's drain sends them once, less what was decided on the
// record since (outbox/stale-writes.ts).
import { outboxKeyOf } from "../core/payload-text.js";
import type { SourceRecord } from "../core/records.js";
import type { QueuedError } from "../store/port.js";
import type { RunContext } from "./run-context.js";
import { writeOf } from "./outbox/funnel-write.js";
import { staleOutcome, staleWrites } from "./outbox/stale-writes.js";

/**
 * The keys of the writes refused for their record that these records, read modified after the refusal
 * last met them (their open entries, `open`: the page's one read of the queue), may take now, with the
 * record each is for. Such a record is no echo though it changed no mapped field (a Lead given to another
 * user): page-sync.ts keeps it for this. Salesforce's SystemModstamp is the org's clock and the entry's
 * time leadloop's; a change a few seconds after a refusal on a clock behind leadloop's is missed, and
 * waits for `errors retry`, as before.
 */
export async function releasedByChange(
  ctx: RunContext,
  records: readonly SourceRecord[],
  open: ReadonlyMap<string, readonly QueuedError[]>,
): Promise<{ key: string; recordId: string }[]> {
  if (records.length === 0 || open.size === 0) return [];
  const changedAfter = new Map<string, string>();
  for (const record of records) {
    for (const entry of open.get(record.id) ?? []) {
      const key = outboxKeyOf(entry);
      if (key !== null && Date.parse(record.modifiedAt) > Date.parse(entry.lastSeenAt)) changedAfter.set(key, record.id);
    }
  }
  if (changedAfter.size === 0) return [];
  const refused = (await ctx.store.listOutbox({ keys: [...changedAfter.keys()], refused: "of record" })).filter(
    (w) => w.recordId !== null && w.recordId === changedAfter.get(w.key),
  );
  // The change may be someone's decision (a manager's owner and status): what moved is left out. The rest
  // replaces the refused write under its key, pending for this run's drain (a write decided again would keep
  // the fields it does not name); its group is done with the refused one, as a handoff whose last write is
  // accepted, so the clock starts at this commit. A write left with nothing is dropped.
  const stale = await staleWrites(ctx, refused);
  if (stale.length === 0) return refused.map((w) => ({ key: w.key, recordId: w.recordId! }));
  const errorOf = new Map(
    [...open.values()].flat().flatMap((e) => {
      const key = outboxKeyOf(e);
      return key === null ? [] : [[key, e.id] as const];
    }),
  );
  const { kept, commit } = staleOutcome(stale, (key) => errorOf.get(key));
  await ctx.store.commitBatch({
    runId: ctx.runId,
    at: ctx.now().toISOString(),
    ...commit,
    outboxSuperseded: [...commit.outboxSuperseded!, ...kept.map((e) => e.key)],
    outbox: kept.map(writeOf),
  });
  const decidedAgain = new Set(stale.map((s) => s.entry.key));
  return refused.flatMap((w) => (decidedAgain.has(w.key) ? [] : [{ key: w.key, recordId: w.recordId! }]));
}
