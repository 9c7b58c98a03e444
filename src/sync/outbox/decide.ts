// Where a funnel phase hands over what it decided: one store transaction keeps the writes in the outbox
// together with the phase's funnel events, clocks and cursor. Nothing is written to a system here: the
// drain does that.
import type { BatchCommit } from "../../store/port.js";
import type { RunContext } from "../run-context.js";

export type Decision = Omit<BatchCommit, "runId" | "at">;

export async function decide(ctx: RunContext, decision: Decision): Promise<void> {
  if (isEmpty(decision)) return;
  await ctx.store.commitBatch({ runId: ctx.runId, at: ctx.now().toISOString(), ...decision });
}

function isEmpty(decision: Decision): boolean {
  return Object.values(decision).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
}
