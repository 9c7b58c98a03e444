// Where a funnel phase hands over what it decided: one store transaction keeps the writes in the outbox
// together with the phase's funnel events, clocks and cursor. Nothing is written to a system here: the
// drain does that.
import type { BatchCommit } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import { findLoops } from "./write-loops.js";

export type Decision = Omit<BatchCommit, "runId" | "at">;

export async function decide(ctx: RunContext, decision: Decision): Promise<void> {
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

/** Several decisions as one, their lists in order (a scalar, such as a prune instant, the last given). */
export function joinDecisions(decisions: readonly Decision[]): Decision {
  const out: Record<string, unknown> = {};
  // Each list is the join's own, appended to in place: a group's two thousand people's decisions copied
  // into a new list at each person made the join quadratic (68 MB of a 10k first load's garbage).
  const lists = new Set<string>();
  for (const decision of decisions) {
    for (const [key, value] of Object.entries(decision)) {
      if (value === undefined) continue;
      if (!Array.isArray(value)) {
        out[key] = value;
        lists.delete(key);
      } else if (lists.has(key)) {
        const held = out[key] as unknown[];
        for (const item of value) held.push(item);
      } else {
        out[key] = [...value];
        lists.add(key);
      }
    }
  }
  return out as Decision;
}

function isEmpty(decision: Decision): boolean {
  return Object.values(decision).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
}
