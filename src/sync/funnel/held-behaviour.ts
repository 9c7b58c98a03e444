// A bulk behaviour read's pages on their way to the behaviour cache: held until a few thousand activities
// are, then put in one commit (ARCHITECTURE.md "Behaviour on every tier"). A commit per 1,000-activity
// page made a first load write its owners' histories and the log's pages seven times over; a crash loses
// only activities no cursor has passed, which the next run reads again.
import type { BatchCommit, CachedActivity } from "../../store/port.js";
import type { RunContext } from "../run-context.js";

/** Activities held before they are committed: a few MB at most, ten of the events API's pages. */
export const HELD_ACTIVITIES = 10_000;

export class HeldBehaviour {
  private held: CachedActivity[] = [];

  constructor(private readonly ctx: RunContext) {}

  /** Holds a page's activities, committing what is held once it reaches HELD_ACTIVITIES. */
  async add(activities: readonly CachedActivity[]): Promise<void> {
    for (const a of activities) this.held.push(a);
    if (this.held.length >= HELD_ACTIVITIES) await this.commit();
  }

  /** Commits what is held, with `rest` of the same commit (the read's cursor), or `rest` alone. */
  async commit(rest: Omit<BatchCommit, "runId" | "at" | "behaviour"> = {}): Promise<void> {
    if (this.held.length === 0 && Object.keys(rest).length === 0) return;
    const behaviour = this.held;
    this.held = [];
    await this.ctx.store.commitBatch({
      runId: this.ctx.runId,
      ...rest,
      ...(behaviour.length > 0 ? { behaviour } : {}),
      at: this.ctx.now().toISOString(),
    });
  }
}
