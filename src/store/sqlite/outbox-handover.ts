// The writes this connection put in the outbox, kept as entries so the same process's drain takes them as
// they were decided instead of decoding their rows again (ARCHITECTURE.md "Outbox rows"). The row is still
// read, and it decides: an entry is used only while its row is as this connection put it.
import type { OutboxEntry } from "../port.js";

/**
 * Entries kept at most. A first load decides every write before its one drain (2.2 million at 1M
 * contacts), so only the first are kept, the ones the drain reads first; the rest are decoded from their
 * rows as before. A 10,000-contact first load decides 24,503 keys (its 27,655 puts).
 */
export const HANDOVER_LIMIT = 30_000;

/** What a row must still say for the entry kept for it to be its own. */
export interface HandoverRow {
  seq: number;
  key: string;
  run: number;
  decidedMs: number;
  refusedMs: number | null;
}

interface Held {
  entry: OutboxEntry;
  run: number;
  decidedMs: number;
}

export class OutboxHandover {
  private readonly bySeq = new Map<number, Held>();

  /**
   * Keeps the entry put as row `seq`, pending (inside the write transaction: `forget` when it rolls back).
   * A key decided again replaces its entry, when kept or while there is room.
   */
  keep(entry: OutboxEntry, run: number, decidedMs: number): void {
    if (this.bySeq.size >= HANDOVER_LIMIT && !this.bySeq.has(entry.seq)) return;
    this.bySeq.set(entry.seq, { entry, run, decidedMs });
  }

  /**
   * The entry this connection put as `row`, if the row is still that decision: a key decided anew (by
   * another process too) changes its run or decision time (outbox.ts `put`), and SQLite may give a
   * deleted row's seq to a new key. Refusal is the row's: an entry kept pending comes back refused when
   * the row is.
   */
  entryOf(row: HandoverRow): OutboxEntry | undefined {
    const held = this.bySeq.get(row.seq);
    if (!held || held.entry.key !== row.key || held.run !== row.run || held.decidedMs !== row.decidedMs)
      return undefined;
    if (row.refusedMs === null) return held.entry;
    return { ...held.entry, refusedAt: new Date(row.refusedMs).toISOString() };
  }

  /** The row left the outbox (accepted): its entry is no longer owed to anyone. */
  drop(seq: number): void {
    this.bySeq.delete(seq);
  }

  /** A transaction that rolled back took its rows with it, and SQLite may number new rows the same. */
  forget(): void {
    this.bySeq.clear();
  }
}
