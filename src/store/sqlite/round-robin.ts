// Round-robin pointers of routing queues. Callers run `take` inside a BEGIN IMMEDIATE transaction, so
// two processes never hand out the same turn.
import { StoreError } from "../port.js";
import type { Statements } from "./statements.js";

export class RoundRobinTable {
  constructor(private readonly sql: Statements) {}

  /** Whether the queue has taken a turn in this store. */
  kept(queue: string): boolean {
    return this.sql.get("SELECT 1 FROM round_robin WHERE queue = ?").get(queue) !== undefined;
  }

  take(queue: string, size: number, firstTurn = 0): number {
    if (!Number.isInteger(size) || size < 1) {
      throw new StoreError(`round-robin queue "${queue}" needs a size of at least 1, got ${size}`);
    }
    const row = this.sql
      .get<{ nextIndex: number }>("SELECT next_index AS nextIndex FROM round_robin WHERE queue = ?")
      .get(queue);
    // A queue that shrank since the last turn wraps instead of pointing past its end.
    const turn = (row?.nextIndex ?? firstTurn) % size;
    this.sql
      .get(
        `INSERT INTO round_robin (queue, next_index, turns) VALUES (?, ?, 1)
         ON CONFLICT (queue) DO UPDATE SET next_index = excluded.next_index, turns = turns + 1`,
      )
      .run(queue, (turn + 1) % size);
    return turn;
  }
}
