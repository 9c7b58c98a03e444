// A funnel write sent later than the run that decided it (a refusal retried) must not undo what was
// decided on the record meanwhile (a rep's or manager's status, a new owner): the fields it read when it
// was decided (OutboxWrite.guarded) are read again, and one moved to a third value is left out of it, the
// newer value standing (ARCHITECTURE.md "One write path", README "The error queue").
import type { FieldValue } from "../../core/records.js";
import type { BatchCommit, OutboxEntry } from "../../store/port.js";
import { port, type RunContext } from "../run-context.js";
import { groupBy } from "../../core/grouping.js";

/** A write found stale: the guarded fields that moved since its decision, with what they hold now. */
export interface StaleWrite {
  entry: OutboxEntry;
  moved: { field: string; before: FieldValue; now: FieldValue }[];
}

/**
 * Those of `entries` whose record moved since they were decided, one read per record object and a
 * hundred records (the systems' batch reads): a field holding neither what the decision read nor what
 * the write sets was changed by someone else. A record the read no longer finds is left to the write.
 */
export async function staleWrites(ctx: RunContext, entries: readonly OutboxEntry[]): Promise<StaleWrite[]> {
  const guarded = entries.filter((e) => e.recordId !== null && (e.guarded?.length ?? 0) > 0);
  const stale: StaleWrite[] = [];
  for (const group of groupBy(guarded, (e) => `${e.side}\u0000${e.object}`).values()) {
    const { side, object } = group[0]!;
    const fields = [...new Set(group.flatMap((e) => e.guarded!))];
    for (let i = 0; i < group.length; i += READ_PAGE) {
      const page = group.slice(i, i + READ_PAGE);
      const read = await port(ctx, side).readByIds(object, [...new Set(page.map((e) => e.recordId!))], fields);
      const records = new Map(read.map((r) => [r.id, r]));
      for (const entry of page) {
        const record = records.get(entry.recordId!);
        if (!record) continue;
        const moved = entry.fields.flatMap((f) => {
          const now = record.fields[f.field] ?? null;
          return entry.guarded!.includes(f.field) && now !== (f.before ?? null) && now !== f.after
            ? [{ field: f.field, before: f.before, now }]
            : [];
        });
        if (moved.length === 0) continue;
        stale.push({ entry, moved });
        ctx.log.info("write.stale", { phase: entry.phase, object, recordId: entry.recordId, fields: moved.map((m) => m.field) });
      }
    }
  }
  return stale;
}

const READ_PAGE = 100;

/**
 * What these stale writes come to: `kept`, each less its moved fields, to send; `gone`, the keys of those
 * left with nothing, which leave the outbox (pending or refused; their group done, so a handoff's clock
 * starts as when its last write is accepted); and the commit that drops those and gives each one's open
 * entry (`errorOf`, by key) the reason, resolving a gone one's (a kept one's is resolved when accepted).
 */
export function staleOutcome(
  stale: readonly StaleWrite[],
  errorOf: (key: string) => number | undefined,
): { kept: OutboxEntry[]; gone: string[]; commit: Pick<BatchCommit, "outboxSuperseded" | "outboxWithdrawn" | "errorAttempts" | "resolvedErrors"> } {
  const kept: OutboxEntry[] = [];
  const gone: OutboxEntry[] = [];
  const errorAttempts: { id: number; message: string }[] = [];
  const resolvedErrors: number[] = [];
  for (const s of stale) {
    const rest = withoutMoved(s);
    if (rest) kept.push(rest);
    else gone.push(s.entry);
    const id = errorOf(s.entry.key);
    if (id === undefined) continue;
    errorAttempts.push({ id, message: staleMessage(s, rest !== null) });
    if (!rest) resolvedErrors.push(id);
  }
  return {
    kept,
    gone: gone.map((e) => e.key),
    commit: {
      outboxSuperseded: gone.filter((e) => e.refusedAt !== null).map((e) => e.key),
      outboxWithdrawn: gone.filter((e) => e.refusedAt === null).map((e) => e.key),
      errorAttempts,
      resolvedErrors,
    },
  };
}

/** The entry less its moved fields; null when none is left to send. */
function withoutMoved(stale: StaleWrite): OutboxEntry | null {
  const moved = new Set(stale.moved.map((m) => m.field));
  const fields = stale.entry.fields.filter((f) => !moved.has(f.field));
  if (fields.length === 0) return null;
  const { guarded, clearFirst, ...entry } = stale.entry;
  const kept = (names: readonly string[] | undefined) => names?.filter((f) => !moved.has(f));
  return { ...entry, fields, ...(guarded ? { guarded: kept(guarded)! } : {}), ...(clearFirst ? { clearFirst: kept(clearFirst)! } : {}) };
}

/** What the retry did with a stale write, as `errors list` shows its entry (resolved when the rest is accepted). */
function staleMessage(stale: StaleWrite, sent: boolean): string {
  const { entry } = stale;
  const moved = stale.moved.map((m) => `${m.field} ${shown(m.before)} → ${shown(m.now)}`).join(", ");
  return (
    `${sent ? "sent without" : "not sent:"} ${stale.moved.map((m) => m.field).join(", ")}: changed in ${entry.system} ` +
    `${entry.object} ${entry.recordId} since leadloop decided this ${entry.phase} write (${moved}); the newer values stand` +
    `${entry.email ? ` (${entry.email})` : ""}`
  );
}

function shown(value: FieldValue): string {
  return value === null || value === "" ? "(blank)" : `"${value}"`;
}
