// Where a funnel phase hands over what it decided: in a real run, one store transaction keeps the writes
// in the outbox together with the phase's funnel events, clocks and cursor; in a dry run they join the
// plan instead. Nothing is written to a system here: the drain does that.
import type { BatchCommit, OutboxWrite } from "../../store/port.js";
import type { PlannedWrite } from "../planned-write.js";
import type { RunContext } from "../run-context.js";
import { clearingWrite, toPlanned } from "./funnel-write.js";
import { findLoops } from "./write-loops.js";

export type Decision = Omit<BatchCommit, "runId" | "at">;

export async function decide(ctx: RunContext, decision: Decision): Promise<void> {
  if (ctx.dryRun) {
    for (const w of decision.outbox ?? []) planFunnelWrite(ctx, w);
    return;
  }
  if (isEmpty(decision)) return;
  // A write that would flip a value back once more is kept refused, with its loop in the error queue.
  const loops = await findLoops(ctx, decision.outbox ?? []);
  await ctx.store.commitBatch({
    runId: ctx.runId,
    at: ctx.now().toISOString(),
    ...decision,
    ...(loops.keys.length > 0
      ? {
          errors: [...(decision.errors ?? []), ...loops.errors],
          outboxRefused: [...(decision.outboxRefused ?? []), ...loops.keys],
        }
      : {}),
  });
}

/** A write joins the plan as the executor would send it: its clears first, then the write. */
export function planFunnelWrite(ctx: RunContext, w: OutboxWrite): void {
  const clear = clearingWrite(w);
  if (clear) ctx.plan.push({ ...toPlanned(clear), key: `${w.key}#clear` });
  ctx.plan.push(toPlanned(w));
}

/**
 * A dry run's plan holds one write per key, the latest decision, as the outbox would: what the real run
 * would send.
 */
export function oneWritePerKey(plan: readonly PlannedWrite[]): PlannedWrite[] {
  const last = new Map<string, number>();
  plan.forEach((w, i) => {
    if (w.key) last.set(w.key, i);
  });
  return plan.filter((w, i) => !w.key || last.get(w.key) === i);
}

function isEmpty(decision: Decision): boolean {
  return Object.values(decision).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
}
