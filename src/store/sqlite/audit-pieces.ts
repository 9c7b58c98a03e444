// The audit's long values in pieces stored once (migration 18). The funnel's texts (a score's reasons, a
// handoff's activity summary and task description) run to hundreds of characters and are written again
// at every rescore, yet they are made of lines many people share ("+5 In a country we sell in (country
// "France" → FR)\n"). A value of PIECED_MIN_CHARS or more is cut after each line break and "; ", each
// piece kept once in `audit_pieces`, and the value stored as the array of its pieces' ids (in its
// write's packed fields since migration 19, audit.ts). The audit_log view puts them together again in
// SQL; `AuditTable.list` here. A piece records the latest audit write that used it (moved a step at a
// time), so the retention prune drops the pieces only the pruned writes used.
import { StoreError } from "../port.js";
import { pieceHash } from "./detail-hash.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

/** Values shorter than this stay as they are: a piece and its id would take more room than they save. */
export const PIECED_MIN_CHARS = 64;
/** Pieces kept in memory at most; beyond it the cache starts over (each is one indexed look-up away). */
const PIECE_CACHE_LIMIT = 20_000;
/** A piece's `last_write` is moved only when a write is later by this many: most uses write nothing. */
const LAST_USE_STEP_WRITES = 10_000;

/** A value as the audit keeps it: its text, or a long one as its pieces' ids. */
export type StoredValue = string | null | number[];

interface Piece {
  id: number;
  lastWrite: number;
}

export class AuditPieceTable {
  /** Piece → its row, for pieces this connection read or wrote since another connection last committed. */
  private readonly cache = new Map<string, Piece>();
  private cacheVersion: number | undefined;

  /** `dataVersion` moves when another connection commits (PRAGMA data_version): its prune may have dropped a cached piece. */
  constructor(
    private readonly sql: Statements,
    private readonly dataVersion: () => number,
  ) {}

  /** The value as the audit keeps it, used by audit write `writeId`: a long one as its pieces' ids. */
  stored(value: string | null, writeId: number): StoredValue {
    if (value === null || value.length < PIECED_MIN_CHARS) return value;
    const version = this.dataVersion();
    if (version !== this.cacheVersion) {
      this.cache.clear();
      this.cacheVersion = version;
    }
    return splitPieces(value).map((piece) => this.idOf(piece, writeId));
  }

  /** Every stored value back as its text, pieced values put together from one read of their pieces. */
  texts(values: readonly StoredValue[]): (string | null)[] {
    const wanted = new Set<number>();
    for (const v of values) if (Array.isArray(v)) for (const id of v) wanted.add(id);
    const pieces = new Map<number, string>();
    for (const chunk of inListChunks([...wanted])) {
      for (const row of this.sql
        .get<{ id: number; piece: string }>(`SELECT id, piece FROM audit_pieces WHERE id IN (${chunk.placeholders})`)
        .all(...chunk.params))
        pieces.set(row.id, row.piece);
    }
    return values.map((v) => {
      if (!Array.isArray(v)) return v;
      return v
        .map((id) => {
          const piece = pieces.get(id);
          if (piece === undefined) throw new StoreError(`the store's audit_pieces hold no piece numbered ${id}`);
          return piece;
        })
        .join("");
    });
  }

  /**
   * Drops the pieces no write from `keptFrom` on uses: their last use, recorded a step late at most
   * (LAST_USE_STEP_WRITES), is before it. Write ids grow with time, so this holds whatever the clock did.
   */
  pruneBefore(keptFrom: number): number {
    this.cache.clear();
    return this.sql.get("DELETE FROM audit_pieces WHERE last_write < ?").run(keptFrom - LAST_USE_STEP_WRITES).changes;
  }

  /** Forgets the cached pieces: a transaction that rolled back took the pieces it added with it. */
  forget(): void {
    this.cache.clear();
  }

  private idOf(text: string, writeId: number): number {
    let piece = this.cache.get(text);
    if (!piece) {
      const hash = pieceHash(text);
      const row = this.sql
        .get<{ id: number; piece: string; lastWrite: number }>(
          "SELECT id, piece, last_write AS lastWrite FROM audit_pieces WHERE hash = ?",
        )
        .all(hash)
        .find((r) => r.piece === text);
      if (row) piece = { id: row.id, lastWrite: row.lastWrite };
      else {
        const { lastInsertRowid } = this.sql
          .get("INSERT INTO audit_pieces (hash, piece, last_write) VALUES (?, ?, ?)")
          .run(hash, text, writeId);
        piece = { id: Number(lastInsertRowid), lastWrite: writeId };
      }
      if (this.cache.size >= PIECE_CACHE_LIMIT) this.cache.clear();
      this.cache.set(text, piece);
    }
    if (writeId > piece.lastWrite + LAST_USE_STEP_WRITES) {
      this.sql.get("UPDATE audit_pieces SET last_write = MAX(last_write, ?) WHERE id = ?").run(writeId, piece.id);
      piece.lastWrite = writeId;
    }
    return piece.id;
  }
}

/** The text cut after each line break and each "; ", so that the pieces joined give it back exactly. */
export function splitPieces(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let end = -1;
    if (c === 10) end = i + 1;
    else if (c === 59 && text.charCodeAt(i + 1) === 32) end = i + 2;
    if (end > 0) {
      pieces.push(text.slice(start, end));
      start = end;
      i = end - 1;
    }
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}
