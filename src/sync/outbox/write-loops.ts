// The loop hold of the one write path: before decided writes join the outbox, each field is compared with
// what accepted writes put on the same record lately; a write that would flip a value back a third time is
// kept refused, with an error-queue entry naming the field and the values it alternates between, until
// `errors retry` (a person's decision) sends it.
import { alternation, fingerprintedLength, LOOP_WINDOW_HOURS, loopValue, mayAlternate } from "../../core/write-loop.js";
import type { NewQueuedError, OutboxWrite } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import { aboutRecord } from "../system-port.js";

export interface HeldLoops {
  keys: string[];
  errors: NewQueuedError[];
}

export async function findLoops(ctx: RunContext, writes: readonly OutboxWrite[]): Promise<HeldLoops> {
  const targets = writes.filter((w): w is OutboxWrite & { recordId: string } => w.recordId !== null);
  if (targets.length === 0) return { keys: [], errors: [] };
  const now = ctx.now();
  const since = new Date(now.getTime() - LOOP_WINDOW_HOURS * 3_600_000).toISOString();
  const history = await ctx.store.writtenValues(
    targets.map((w) => ({ system: w.system, object: w.object, recordId: w.recordId })),
    since,
  );
  const held: HeldLoops = { keys: [], errors: [] };
  for (const w of targets) {
    const written = history.get(`${w.system}/${w.object}/${w.recordId}`);
    // Most records have no such history (a first load's every one): nothing to compare, nothing hashed.
    if (written === undefined || !mayAlternate(written.length)) continue;
    const byField = new Map<string, (string | null)[]>();
    for (const v of written) {
      // Kept values are in the loop hold's form (long ones as fingerprints): the next one is compared so.
      const values = byField.get(v.field);
      if (values) values.push(loopValue(v.value));
      else byField.set(v.field, [loopValue(v.value)]);
    }
    const loops = w.fields.flatMap((f) => {
      const earlier = byField.get(f.field);
      const pair = earlier && mayAlternate(earlier.length) ? alternation(earlier, loopValue(f.after)) : null;
      // The alternation starts and ends on the value decided now, so its first value is shown in full.
      return pair ? [`${f.field} alternates between ${show(f.after)} and ${show(pair[1])}`] : [];
    });
    if (loops.length === 0) continue;
    held.keys.push(w.key);
    const message =
      `loop held: ${loops.join("; ")} in the last ${LOOP_WINDOW_HOURS} hours (${w.phase} ${w.key}); ` +
      "the write is kept, not sent, until `leadloop errors retry`";
    held.errors.push({
      runId: ctx.runId,
      system: w.system,
      object: w.object,
      recordId: w.recordId,
      operation: w.phase,
      payload: {
        outboxKey: w.key,
        personId: w.personId,
        email: w.email,
        fields: Object.fromEntries(w.fields.map((f) => [f.field, f.after])),
      },
      errorClass: "conflict",
      message: aboutRecord(message, w.email),
      at: now.toISOString(),
    });
    ctx.log.warn("write.loop_held", { phase: w.phase, key: w.key, recordId: w.recordId, loops });
  }
  return held;
}

function show(value: string | null): string {
  if (value === null) return "(blank)";
  // A long value written earlier is kept as its fingerprint only: its length and hash say which it was.
  const length = fingerprintedLength(value);
  return length === null ? `"${value}"` : `a value of ${length} characters ${value}`;
}
