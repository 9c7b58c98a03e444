// A handoff or reroute decided in one run and sent by a later run's drain (the run was stopped or killed
// before its drain, or its writes were refused and `errors retry` sent them): the rep gets the lead when
// that drain sends it, so its SLA clock starts then, due by the terms the decision kept, and the task the
// rep receives is due by that clock, not by the decision's (ARCHITECTURE.md "The follow-up SLA").
import { dueFieldValues, slaDueAt } from "../../core/sla/index.js";
import type { OutboxEntry } from "../../store/port.js";
import type { RunContext } from "../run-context.js";

/** A clock as a drain starts it; `kept`: an earlier drain started it, and the group holds its times. */
interface Start {
  handoffAt: string;
  dueAt: string;
  kept: boolean;
}

/** The clocks one drain starts late, by outbox group, so every write of a group is due by the same one. */
export class LateClocks {
  /** null: the group is sent as decided (done already, or decided without terms). */
  private readonly starts = new Map<string, Start | null>();

  constructor(private readonly ctx: RunContext) {}

  /** A write this drain re-times: an open task due by a clock, decided by another run than this one. */
  private late(entry: OutboxEntry): string | null {
    return entry.due && entry.runId !== this.ctx.runId ? entry.due.clock : null;
  }

  /**
   * Starts the clocks of these entries' late writes, once per group: at the time an earlier drain
   * started it (kept on the group: a write of the group it sent was accepted), else now. Reads the store
   * only when a batch holds such a write: a write decided and sent in one run keeps its decided times.
   */
  async start(entries: readonly OutboxEntry[]): Promise<void> {
    const groups = [...new Set(entries.map((e) => this.late(e)))].filter(
      (g): g is string => g !== null && !this.starts.has(g),
    );
    if (groups.length === 0) return;
    const effects = await this.ctx.store.outboxGroupEffects(groups);
    for (const group of groups) {
      const effect = effects.get(group);
      const clock = effect?.slaClock;
      if (!clock || !effect.slaTerms) {
        this.starts.set(group, null);
        continue;
      }
      const start: Start = effect.slaStartedAt
        ? { handoffAt: clock.handoffAt, dueAt: clock.dueAt, kept: true }
        : (() => {
            const at = this.ctx.now().toISOString();
            return { handoffAt: at, dueAt: slaDueAt(at, effect.slaTerms), kept: false };
          })();
      this.starts.set(group, start);
      this.ctx.log.debug("sla.clock_started_late", {
        group,
        personId: clock.personId,
        decidedAt: effect.slaStartedAt ? null : clock.handoffAt,
        handoffAt: start.handoffAt,
        dueAt: start.dueAt,
      });
    }
  }

  /** The entry as this drain sends it: a late open task's due fields say when its clock (`start`) is due. */
  timed(entry: OutboxEntry): OutboxEntry {
    const group = this.late(entry);
    const start = group === null ? null : this.starts.get(group);
    if (!start) return entry;
    const values = dueFieldValues(entry.due!.fields, start.dueAt);
    return { ...entry, fields: entry.fields.map((f) => (f.field in values ? { ...f, after: values[f.field]! } : f)) };
  }

  /**
   * The clocks these accepted entries started now, for their batch's commit to keep on their groups: the
   * group's other writes may be accepted in a later batch or run, and its clock is the one the rep's task
   * is due by. A drain killed before that commit leaves nothing kept: the next drain starts the clock
   * anew and sends the task again, upserted on its key, so the rep's one task moves to the new due time.
   */
  startedBy(accepted: readonly OutboxEntry[]): { group: string; handoffAt: string; dueAt: string }[] {
    const out = new Map<string, { group: string; handoffAt: string; dueAt: string }>();
    for (const entry of accepted) {
      const group = this.late(entry);
      const start = group === null ? null : this.starts.get(group);
      if (group === null || !start || start.kept) continue;
      out.set(group, { group, handoffAt: start.handoffAt, dueAt: start.dueAt });
    }
    return [...out.values()];
  }
}
