// Tells a connection's caches (the link reads, behaviour details and owners, text pieces) that another
// connection has committed since they last looked, so they forget what its prune may have dropped.
// SQLite's `PRAGMA data_version` moves when another connection commits
// (https://www.sqlite.org/pragma.html#pragma_data_version). It is a statement of its own, so it is read
// once per cached read (a page's links, a scoring step's behaviour), not per look-up, and once per write
// transaction, at its start: while this connection holds the write lock no other connection can commit.

export class OtherCommits {
  private readonly forgets: (() => void)[] = [];
  private seen: number | undefined;
  private writing = false;

  constructor(private readonly readVersion: () => number) {}

  /** `forget` empties a cache; it is called whenever another connection has committed since the last check. */
  onCommit(forget: () => void): void {
    this.forgets.push(forget);
  }

  /** Forgets every cache if another connection committed since the last check; free inside a write transaction after its first. */
  check(): void {
    if (this.writing) return;
    const version = this.readVersion();
    if (version === this.seen) return;
    this.seen = version;
    for (const forget of this.forgets) forget();
  }

  /** Runs `work`, which holds the write lock (BEGIN IMMEDIATE), after one check. */
  whileWriting<T>(work: () => T): T {
    this.check();
    const outer = this.writing;
    this.writing = true;
    try {
      return work();
    } finally {
      this.writing = outer;
    }
  }
}
