// A bulk behaviour read's pages on their way to the behaviour cache: held until some thousands of activities
// are, then put in one commit (ARCHITECTURE.md "Behaviour on every tier"). Each commit rewrites the whole
// history of every owner it adds to, and an events page's owners are scattered over the whole table: a
// commit per 1,000-activity page made a first load write its owners' histories and the log's pages seven
// times over, and one per 10,000 still put 2,891 pages in the log for a table of 483; a crash loses only
// activities no cursor has passed, which the next run reads again.
import type { BatchCommit, CachedActivity } from "../../store/port.js";
import type { RunContext } from "../run-context.js";

/**
 * Activities held before they are committed: twenty of the events API's pages, about 8 MB at most (some
 * 380 bytes each as read). At 10,000 a 10k first load's histories took 2,891 pages of the write-ahead
 * log, at 20,000 1,783 and at 30,000 1,547 for 4 MB more held: most of the cut for half the memory.
 */
export const HELD_ACTIVITIES = 20_000;

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
