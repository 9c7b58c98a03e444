// Long values in pieces stored once (`audit_pieces`, migration 18), for the audit and the outbox. The
// funnel's texts (a score's reasons, a handoff's activity summary and task description) run to hundreds
// of characters and are decided again at every rescore, yet they are made of lines many people share
// ("+5 In a country we sell in (country "France" → FR)\n"). A value of PIECED_MIN_CHARS or more is cut
// after each line break and "; ", each piece kept once, and the value stored as the array of its pieces'
// ids: in an audit write's packed fields (audit.ts; the audit_log view puts them together in SQL) and in
// an outbox write's payload (outbox-payload.ts). A piece records the latest audit write that used it
// (moved a step at a time), so the retention prune drops the pieces only the pruned writes used, except
// those a pending outbox write holds.
import { StoreError } from "../port.js";
import { pieceHash } from "./detail-hash.js";
import { inListChunks } from "./in-list.js";
import type { OtherCommits } from "./other-commits.js";
import type { Statements } from "./statements.js";

/** Values shorter than this stay as they are: a piece and its id would take more room than they save. */
export const PIECED_MIN_CHARS = 64;
/**
 * Pieces kept in memory at most; beyond it the cache starts over (each is one indexed look-up away), about
 * 270 bytes a piece with its entries. A 10,000-contact first load cuts 23,100 pieces and uses most again when
 * the audit takes the writes the outbox kept them for: at 20,000 the cache started over before then, and
 * 28,400 of its 310,000 look-ups read a piece back from the table (issue 11).
 */
const PIECE_CACHE_LIMIT = 40_000;
/**
 * Characters of the values cut or put together kept in memory at most (TextPieceTable `joinedValues`);
 * beyond it they start over. A drain's page of 2,000 writes holds about 700,000.
 */
const JOINED_VALUE_CHARS = 1_000_000;
/** A piece's `last_write` is moved only when a write is later by this many: most uses write nothing. */
const LAST_USE_STEP_WRITES = 10_000;

/** A value as the audit and the outbox keep it: its text, or a long one as its pieces' ids. */
export type StoredValue = string | null | number[];

/**
 * The ids of the pieces the outbox's writes name: in a payload's fields (outbox-payload.ts, `f`), an
 * after or before that is an array, and a rule numbered by its piece (negative, rule-numbers.ts: the
 * payload's `r` or a field's own). The retention prune keeps these.
 */
const OUTBOX_PIECE_IDS = `SELECT p.value FROM outbox o, json_each(o.write, '$.f') f, json_each(f.value) v,
  json_each(v.value) p WHERE v.type = 'array'
  UNION ALL SELECT -(o.write ->> '$.r') FROM outbox o WHERE o.write ->> '$.r' < 0
  UNION ALL SELECT -v.value FROM outbox o, json_each(o.write, '$.f') f, json_each(f.value) v
    WHERE v.key = 3 AND v.type = 'integer' AND v.value < 0`;

/**
 * Piece id → its text, for the values one read asked about (TextPieceTable.piecesOf); read at once, before
 * the store writes again.
 */
export interface PieceTexts {
  get(id: number): string | undefined;
  /** A pieced value `textOf` put together from these pieces (`ids`), told so that keeping it again takes them. */
  joined?(text: string, ids: readonly number[]): void;
}

/**
 * The pieces a read names, told to `name` one value at a time: a stored value (its ids when pieced) or
 * the id of a rule's one piece (rule-numbers.ts `rulePiece`; null for a rule that is a name's number).
 */
export type NamePieces = (name: (value: StoredValue) => void, namePiece: (id: number | null) => void) => void;

/**
 * An outbox write's use of a piece: no audit write's, so it moves no piece's last use. The outbox holds
 * its pieces by naming them (the prune keeps those); a piece it adds records `outboxAddedUse()`.
 */
export const OUTBOX_USE = 0;

interface Piece {
  id: number;
  lastWrite: number;
  text: string;
}

export class TextPieceTable {
  /** Piece → its row, for pieces this connection read or wrote since another connection last committed. */
  private readonly cache = new Map<string, Piece>();
  /**
   * The same pieces by id, for `piecesOf`: a drain reads back the pieces its writes' values were cut into
   * when they were decided, most of them by this connection (a first load's every one), which it then
   * need not read from the table again; and for a value kept again (`usedAgain`).
   */
  private readonly byId = new Map<number, Piece>();
  /**
   * The pieced values this connection cut or reads put together (`textOf`), with their pieces' ids: a
   * score's reasons go to the contact and to the CRM record, and a drain reads its writes back and the
   * audit keeps the values of those accepted soon after, which take these pieces instead of cutting each
   * value again and looking every piece up by its text (a 10,000-contact first load kept 39,000 long
   * values, 13,600 of them different; issue 11). Emptied with the pieces.
   */
  private readonly joinedValues = new Map<string, readonly number[]>();
  private joinedChars = 0;
  /** The pieces this connection knows, as a read that names no other gets them (`piecesOf`). */
  private readonly knownTexts: PieceTexts = {
    get: (id) => this.byId.get(id)?.text,
    joined: (text, ids) => this.rememberJoined(text, ids),
  };

  /** Another connection's commit (its prune) may have dropped a cached piece: the cache is emptied then. */
  constructor(
    private readonly sql: Statements,
    private readonly otherCommits: OtherCommits,
  ) {
    otherCommits.onCommit(() => this.forget());
  }

  /**
   * The value as kept, used by audit write `writeId` (or the outbox, OUTBOX_USE): a long one as its
   * pieces' ids. A piece added records `addedUse` as its last use.
   */
  stored(value: string | null, writeId: number, addedUse = writeId): StoredValue {
    if (value === null || value.length < PIECED_MIN_CHARS) return value;
    this.otherCommits.check();
    const joined = this.joinedValues.get(value);
    return (joined && this.usedAgain(joined, writeId)) ?? this.piecedIds(value, writeId, addedUse);
  }

  /**
   * The ids of the value's pieces, cut as `splitPieces` cuts it, each looked up as it is cut: no list of
   * the pieces made first (a 10k first load keeps 14,000 long values in the outbox and again in the audit).
   */
  private piecedIds(value: string, writeId: number, addedUse: number): number[] {
    const ids: number[] = [];
    forEachPiece(value, (piece) => ids.push(this.idOf(piece, writeId, addedUse)));
    this.rememberJoined(value, ids);
    return ids.slice();
  }

  /**
   * The id of the one piece holding `text` whole, used as `stored` uses its pieces: a decision's rule
   * (rule-numbers.ts), short and mostly shared or quoting a person's values whole.
   */
  wholePiece(text: string, writeId: number, addedUse = writeId): number {
    this.otherCommits.check();
    return this.idOf(text, writeId, addedUse);
  }

  /**
   * The last use a piece the outbox adds records: a step past the audit's latest write. The audit uses
   * the piece when the write is accepted, later by fewer than two steps of writes in all but the
   * longest waits (a 10,000-contact first load decides its scores at audit write 800–1,900 and audits
   * them up to write 20,100), so that use writes nothing; recorded as 0, it moved the last use of
   * every such piece once the audit passed a step (16,811 UPDATEs in that first load). Recorded ahead,
   * it still holds that the piece outlives every write that uses it; a piece whose write was decided
   * again or dropped goes as if that audit write had used it, not at the next prune.
   */
  outboxAddedUse(): number {
    const latest = this.sql.get<{ id: number | null }>("SELECT MAX(id) AS id FROM audit_writes").get()?.id ?? 0;
    return latest + LAST_USE_STEP_WRITES;
  }

  /**
   * The texts of the pieces `named` names, read at once (`textOf` puts a value together from them). The
   * ids are told one by one, not gathered into a list first, and the pieces this connection knows are
   * looked up where they are kept, not copied into a map of their own: a drain's read of the writes its
   * run decided names no piece it does not know (a first load's 20,000 writes, issue 11's collector time).
   */
  piecesOf(named: NamePieces): PieceTexts {
    this.otherCommits.check();
    const known = this.byId;
    const wanted = new Set<number>();
    const namePiece = (id: number | null) => {
      if (id !== null && !known.has(id)) wanted.add(id);
    };
    named((value) => {
      if (!Array.isArray(value)) return;
      for (let i = 0; i < value.length; i++) namePiece(value[i]!);
    }, namePiece);
    if (wanted.size === 0) return this.knownTexts;
    const read = new Map<number, string>();
    for (const chunk of inListChunks([...wanted])) {
      for (const row of this.sql
        .get<{ id: number; piece: string }>(`SELECT id, piece FROM audit_pieces WHERE id IN (${chunk.placeholders})`)
        .all(...chunk.params))
        read.set(row.id, row.piece);
    }
    return { get: (id) => known.get(id)?.text ?? read.get(id), joined: this.knownTexts.joined! };
  }

  /**
   * Drops the pieces no audit write from `keptFrom` on uses: their last use, recorded a step late at most
   * (LAST_USE_STEP_WRITES), is before it. Write ids grow with time, so this holds whatever the clock did.
   * A piece a pending or refused outbox write names stays, whatever its last use. No index serves this
   * (migration 39): the prune runs once a run at most, when the audit's retention dropped writes, and
   * reads every outbox payload anyway, where an index by last use cost each new piece an entry.
   */
  pruneBefore(keptFrom: number): number {
    this.forget();
    return this.sql
      .get(`DELETE FROM audit_pieces WHERE last_write < ? AND id NOT IN (${OUTBOX_PIECE_IDS})`)
      .run(keptFrom - LAST_USE_STEP_WRITES).changes;
  }

  /** Forgets the cached pieces: a transaction that rolled back took the pieces it added with it. */
  forget(): void {
    this.cache.clear();
    this.byId.clear();
    this.joinedValues.clear();
    this.joinedChars = 0;
  }

  private rememberJoined(text: string, ids: readonly number[]): void {
    if (this.joinedChars + text.length > JOINED_VALUE_CHARS) {
      this.joinedValues.clear();
      this.joinedChars = 0;
    }
    this.joinedValues.set(text, ids);
    this.joinedChars += text.length;
  }

  /**
   * The ids of a value a read put together, used by audit write `writeId` as `idOf` uses a piece; undefined
   * when a piece is no longer in the cache (read by id only, or the cache started over): it is cut then.
   */
  private usedAgain(ids: readonly number[], writeId: number): number[] | undefined {
    for (let i = 0; i < ids.length; i++) {
      const piece = this.byId.get(ids[i]!);
      if (piece === undefined) return undefined;
      this.use(piece, writeId);
    }
    // slice, not a spread: a spread made an iterator result per id where V8 had not optimised this.
    return ids.slice();
  }

  private idOf(text: string, writeId: number, addedUse: number): number {
    let piece = this.cache.get(text);
    if (!piece) {
      const hash = pieceHash(text);
      const row = this.sql
        .get<{ id: number; piece: string; lastWrite: number }>(
          "SELECT id, piece, last_write AS lastWrite FROM audit_pieces WHERE hash = ?",
        )
        .all(hash)
        .find((r) => r.piece === text);
      const own = ownCopy(text);
      if (row) piece = { id: row.id, lastWrite: row.lastWrite, text: own };
      else {
        const { lastInsertRowid } = this.sql
          .get("INSERT INTO audit_pieces (hash, piece, last_write) VALUES (?, ?, ?)")
          .run(hash, text, addedUse);
        piece = { id: Number(lastInsertRowid), lastWrite: addedUse, text: own };
      }
      if (this.cache.size >= PIECE_CACHE_LIMIT) this.forget();
      this.cache.set(own, piece);
      this.byId.set(piece.id, piece);
    }
    this.use(piece, writeId);
    return piece.id;
  }

  /** Records the piece's use by audit write `writeId` when a step past the last recorded. */
  private use(piece: Piece, writeId: number): void {
    if (writeId > piece.lastWrite + LAST_USE_STEP_WRITES) {
      this.sql.get("UPDATE audit_pieces SET last_write = MAX(last_write, ?) WHERE id = ?").run(writeId, piece.id);
      piece.lastWrite = writeId;
    }
  }
}

/**
 * The piece as a string of its own. A piece is a slice of the value it was cut from (`splitPieces`), and
 * V8 keeps a slice of 13 characters or more as a view of its parent: a cached slice kept the whole score
 * reasons or activity summary it came from alive, hundreds of bytes a piece, and the cache of a daemon
 * that wrote such texts every run grew by megabytes a day until it started over (test/bench/README.md
 * "The soak"). Concatenated and sliced again, the text is copied out of the parent (the copy is one
 * character longer than the piece, never the value).
 */
function ownCopy(slice: string): string {
  return ` ${slice}`.slice(1);
}

/**
 * A stored value's text, its pieces taken from `pieces` (TextPieceTable.piecesOf): put together piece by
 * piece, with no list of them made first.
 */
export function textOf(value: StoredValue, pieces: PieceTexts): string | null {
  if (!Array.isArray(value)) return value;
  let text = "";
  for (let i = 0; i < value.length; i++) text += pieceText(value[i]!, pieces);
  pieces.joined?.(text, value);
  return text;
}

/** The text of the piece numbered `id`, from `pieces`. */
export function pieceText(id: number, pieces: PieceTexts): string {
  const piece = pieces.get(id);
  if (piece === undefined) throw new StoreError(`the store's audit_pieces hold no piece numbered ${id}`);
  return piece;
}

/** The text cut after each line break and each "; ", so that the pieces joined give it back exactly. */
export function splitPieces(text: string): string[] {
  const pieces: string[] = [];
  forEachPiece(text, (piece) => pieces.push(piece));
  return pieces;
}

/** Tells `take` each piece of the text in order, cut as `splitPieces` cuts it. */
function forEachPiece(text: string, take: (piece: string) => void): void {
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let end = -1;
    if (c === 10) end = i + 1;
    else if (c === 59 && text.charCodeAt(i + 1) === 32) end = i + 2;
    if (end > 0) {
      take(text.slice(start, end));
      start = end;
      i = end - 1;
    }
  }
  if (start < text.length) take(text.slice(start));
}
