// The store's names: texts many rows repeat (runs, systems, objects, operations, fields, a link's
// snapshot keys; rules until migration 44, which numbers them by their piece: rule-numbers.ts), each
// stored once in `names` (audit_names before migration 16) and named by its number in the audit, the
// written values, the snapshots and the outbox. Names are never deleted (another process's cache may hold
// their numbers), so a number once read names the same text for good, and a text that quotes a person's
// values belongs in the pieces, which go with the audit's retention. A name is found again by its text's
// hash (detail-hash.ts), as a piece is (migration 39): a unique index on the text kept every name twice.
// A name is only added inside a write transaction, which no other connection's can overlap, so its
// look-up and insert keep one number per text as the unique index did.
import { StoreError } from "../port.js";
import { pieceHash } from "./detail-hash.js";
import type { Statements } from "./statements.js";

/** Names kept in memory at most; beyond it the cache starts over (each is one indexed look-up away). */
const NAME_CACHE_LIMIT = 10_000;
/**
 * Numbers below this are held in a list, not the Map: a store's field keys are among its first names,
 * and a list's element is found without the hashing a Map's look-up does, for each field of each snapshot
 * row a page reads. Later names (a run's id is one) would leave the list sparse, which V8 then keeps as a
 * hash table: they stay in the Map.
 */
const LISTED_BELOW = 4_096;

/**
 * The list made at its full length: V8 keeps a list written at an index far past its end (a store whose
 * first name read is its 3,000th) as a hash table too.
 */
function listedNames(): (string | undefined)[] {
  return new Array<string | undefined>(LISTED_BELOW);
}

export class NameTable {
  /** Name → id, for names this connection saw committed or wrote in the transaction in hand. */
  private readonly ids = new Map<string, number>();
  /**
   * Id → name, for the numbers this connection read back: keyed by number, which a look-up needs no text
   * made for (a page's snapshot rows name each of their fields by one); below LISTED_BELOW in `listed`.
   */
  private readonly byId = new Map<number, string>();
  private listed = listedNames();

  constructor(private readonly sql: Statements) {}

  /** The name's number, added when new (inside a write transaction). */
  idOf(name: string): number {
    const cached = this.ids.get(name);
    if (cached !== undefined) return cached;
    const hash = pieceHash(name);
    const found = this.stored(name, hash);
    if (found !== undefined) return this.remember(name, found);
    const { lastInsertRowid } = this.sql.get("INSERT INTO names (hash, name) VALUES (?, ?)").run(hash, name);
    return this.remember(name, Number(lastInsertRowid));
  }

  /** The name's number, or undefined when no row ever named it (a read adds nothing). */
  findId(name: string): number | undefined {
    const cached = this.ids.get(name);
    if (cached !== undefined) return cached;
    const found = this.stored(name, pieceHash(name));
    return found === undefined ? undefined : this.remember(name, found);
  }

  /** The number of the row holding this very text among those of its hash (two texts may share one). */
  private stored(name: string, hash: number): number | undefined {
    return this.sql
      .get<{ id: number; name: string }>("SELECT id, name FROM names WHERE hash = ?")
      .all(hash)
      .find((row) => row.name === name)?.id;
  }

  /**
   * The name numbered `id` (a number, or its decimal text as a parsed snapshot row's key holds it); a
   * number no row names is a corrupt store, refused loudly.
   */
  nameOf(id: number | string): string {
    const number = typeof id === "number" ? id : Number(id);
    const cached = number < LISTED_BELOW ? this.listed[number] : this.byId.get(number);
    if (cached !== undefined) return cached;
    const row = this.sql.get<{ id: number; name: string }>("SELECT id, name FROM names WHERE id = ?").get(number);
    if (row === undefined) throw new StoreError(`the store's names hold no name numbered ${id}`);
    this.remember(row.name, row.id);
    return row.name;
  }

  /**
   * Forgets the cached ids: a transaction that rolled back took the names it added with it. The store
   * calls this on every failed transaction.
   */
  forget(): void {
    this.ids.clear();
    this.byId.clear();
    this.listed = listedNames();
  }

  private remember(name: string, id: number): number {
    if (this.ids.size >= NAME_CACHE_LIMIT) this.forget();
    this.ids.set(name, id);
    if (id < LISTED_BELOW) this.listed[id] = name;
    else this.byId.set(id, name);
    return id;
  }
}
