// Round-robin pointers of routing queues: where each queue's next turn is. Turns are taken in memory by
// the decisions that use them (sync/funnel/round-robin.ts) and kept here by the same commit
// (`BatchCommit.roundRobinTurns`), so a run that stops before it commits gives no turn away.
import type { RoundRobinTurns } from "../port.js";
import type { Statements } from "./statements.js";

export class RoundRobinTable {
  constructor(private readonly sql: Statements) {}

  /** The queue's next member index, undefined when it never took a turn in this store. */
  next(queue: string): number | undefined {
    return this.sql
      .get<{ nextIndex: number }>("SELECT next_index AS nextIndex FROM round_robin WHERE queue = ?")
      .get(queue)?.nextIndex;
  }

  save(turns: RoundRobinTurns): void {
    this.sql
      .get(
        `INSERT INTO round_robin (queue, next_index, turns) VALUES (?, ?, ?)
         ON CONFLICT (queue) DO UPDATE SET next_index = excluded.next_index, turns = turns + excluded.turns`,
      )
      .run(turns.queue, turns.next, turns.taken);
  }
}
