// Named leases (the run lock). Callers run these inside a BEGIN IMMEDIATE transaction, so the
// read-then-write of a lease is one step even with another process on the same file.
import { type HeldLock, StoreError } from "../port.js";
import type { Statements } from "./statements.js";

function expiryMs(now: string, ttlMs: number): { nowMs: number; expiresAtMs: number } {
  const nowMs = Date.parse(now);
  if (Number.isNaN(nowMs)) throw new StoreError(`lock time "${now}" is not an ISO-8601 timestamp`);
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new StoreError(`lock lease ${ttlMs} ms is not positive`);
  return { nowMs, expiresAtMs: nowMs + ttlMs };
}

export class LockTable {
  constructor(private readonly sql: Statements) {}

  acquire(name: string, holder: string, now: string, ttlMs: number): boolean {
    const { nowMs, expiresAtMs } = expiryMs(now, ttlMs);
    const current = this.sql
      .get<{ holder: string; expiresAtMs: number }>(
        "SELECT holder, expires_at_ms AS expiresAtMs FROM locks WHERE name = ?",
      )
      .get(name);
    if (current !== undefined && current.holder !== holder && current.expiresAtMs > nowMs) return false;
    this.sql
      .get(
        `INSERT INTO locks (name, holder, acquired_at, expires_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE
           SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at_ms = excluded.expires_at_ms`,
      )
      .run(name, holder, now, expiresAtMs);
    return true;
  }

  /** A lapsed lease nobody else took is still this holder's, so it can be renewed. */
  renew(name: string, holder: string, now: string, ttlMs: number): boolean {
    const { expiresAtMs } = expiryMs(now, ttlMs);
    return (
      this.sql
        .get("UPDATE locks SET expires_at_ms = ? WHERE name = ? AND holder = ?")
        .run(expiresAtMs, name, holder).changes > 0
    );
  }

  release(name: string, holder: string): boolean {
    return this.sql.get("DELETE FROM locks WHERE name = ? AND holder = ?").run(name, holder).changes > 0;
  }

  holder(name: string): HeldLock | undefined {
    const row = this.sql
      .get<{ holder: string; acquiredAt: string; expiresAtMs: number }>(
        "SELECT holder, acquired_at AS acquiredAt, expires_at_ms AS expiresAtMs FROM locks WHERE name = ?",
      )
      .get(name);
    if (row === undefined) return undefined;
    return {
      name,
      holder: row.holder,
      acquiredAt: row.acquiredAt,
      expiresAt: new Date(row.expiresAtMs).toISOString(),
    };
  }
}
