// A prospect's score the qualification decided for a person the same run then finds won (or a stopped run
// decided and never sent): the deals phase scores her as the customer she now is, and where that is what
// her contact holds it writes nothing, which left the prospect's score pending to go out with the win and
// be corrected a run later (ARCHITECTURE.md "One run", step 5). Such a write loses its score fields.
import type { OutboxWrite } from "../../store/port.js";
import type { Decision } from "../outbox/decide.js";
import { writeOf } from "../outbox/funnel-write.js";
import type { RunContext } from "../run-context.js";

/**
 * For the pending writes under `keys` that name any of `scoreFields`: each withdrawn (`outboxWithdrawn`,
 * before the decision's puts), and what it holds besides them decided again under its key.
 */
export async function staleScoresWithdrawn(
  ctx: RunContext,
  keys: readonly string[],
  scoreFields: ReadonlySet<string>,
): Promise<Required<Pick<Decision, "outbox" | "outboxWithdrawn">>> {
  const out = { outbox: [] as OutboxWrite[], outboxWithdrawn: [] as string[] };
  if (keys.length === 0) return out;
  for (const entry of await ctx.store.listOutbox({ keys })) {
    if (!entry.fields.some((f) => scoreFields.has(f.field))) continue;
    out.outboxWithdrawn.push(entry.key);
    const rest = entry.fields.filter((f) => !scoreFields.has(f.field));
    if (rest.length > 0) out.outbox.push({ ...writeOf(entry), fields: rest });
    ctx.log.debug("score.stale_withdrawn", { personId: entry.personId, key: entry.key, kept: rest.length });
  }
  return out;
}
