// The records of one object type with the indexes the API paths read through, so no call reads the whole
// portal: ids in creation (= id) order for list paging, contact emails (primary and additional, as stored:
// HubSpot keeps them lower-cased) for unique look-ups, the modified date in order for search, and the
// records a merge made (they hold `hs_merged_object_ids`), which a connector's merge search asks for.
// Indexes follow a record's values, so every write calls `reindex` after changing one.
import { SortedIndex } from "../emulator/sorted-index.js";
import { parseInstant } from "./property-values.js";
import { compareIds } from "./record-ids.js";

const MERGED_IDS = "hs_merged_object_ids";

export interface TableRecord {
  id: string;
  archived: boolean;
  properties: Record<string, string>;
}

export class ObjectTable<R extends TableRecord> {
  private readonly rows = new Map<string, R>();
  /** Every id ever created, ascending (ids only grow); removed ids are skipped when read. */
  private readonly idOrder: string[] = [];
  /** Each id's place in `idOrder`: exact where the ids themselves, past 2^53, are no exact doubles. */
  private readonly placeOf = new Map<string, number>();
  private readonly emails = new Map<string, Set<string>>();
  private readonly emailsOf = new Map<string, string[]>();
  private readonly modified = new SortedIndex();
  /** Live records holding `hs_merged_object_ids`: the records merges made. */
  private readonly merged = new Set<string>();
  /** Records archived or removed, keyed by their place in `idOrder`: what `liveCountFrom` leaves out. */
  private readonly gone = new SortedIndex();
  /**
   * A unique property's values → the record that last took each: entries are checked against the record
   * when read (`holding`), so a value a record gave up needs no removal.
   */
  private readonly uniques = new Map<string, Map<string, string>>();
  private changes = 0;

  get(id: string): R | undefined {
    return this.rows.get(id);
  }

  /** Moves with every add, change and removal: an answer computed from the table holds while it stays. */
  get revision(): number {
    return this.changes;
  }

  /** Counted by `reindex`, which it ends with. */
  add(record: R): void {
    this.rows.set(record.id, record);
    this.placeOf.set(record.id, this.idOrder.length);
    this.idOrder.push(record.id);
    this.reindex(record);
  }

  delete(id: string): void {
    const record = this.rows.get(id);
    if (!record) return;
    this.changes++;
    this.rows.delete(id);
    this.setEmails(id, []);
    this.modified.remove(id);
    this.merged.delete(id);
    this.gone.set(id, this.placeOf.get(id)!);
  }

  /** Brings the indexes up to date with a record's values after a write changed them. */
  reindex(record: R): void {
    this.changes++;
    this.setEmails(record.id, emailKeys(record));
    const modified = parseInstant(record.properties.hs_lastmodifieddate ?? "")?.getTime();
    if (record.archived || modified === undefined) this.modified.remove(record.id);
    else this.modified.set(record.id, modified);
    if (record.archived) this.gone.set(record.id, this.placeOf.get(record.id)!);
    else this.gone.remove(record.id);
    if (!record.archived && record.properties[MERGED_IDS]) this.merged.add(record.id);
    else this.merged.delete(record.id);
    for (const [name, holders] of this.uniques) {
      const value = record.properties[name];
      if (value) holders.set(value, record.id);
    }
  }

  /** Keeps an index of a unique property's values, from the records that hold them now. */
  indexUnique(name: string): void {
    if (this.uniques.has(name)) return;
    const holders = new Map<string, string>();
    for (const r of this.rows.values()) {
      const value = r.properties[name];
      if (value) holders.set(value, r.id);
    }
    this.uniques.set(name, holders);
  }

  /** The live record holding this value of a unique property (`indexUnique` first), if any. */
  holding(name: string, value: string): R | undefined {
    this.indexUnique(name);
    const id = this.uniques.get(name)!.get(value);
    const record = id === undefined ? undefined : this.rows.get(id);
    return record && !record.archived && record.properties[name] === value ? record : undefined;
  }

  /** Ids of live records holding `hs_merged_object_ids` (what merges made), in no particular order. */
  mergedIds(): string[] {
    return [...this.merged];
  }

  /** Live or archived records in id order. */
  records(archived: boolean): R[] {
    const out: R[] = [];
    for (const r of this.rows.values()) if (r.archived === archived) out.push(r);
    return out;
  }

  /**
   * Up to `count` live or archived records in id order, from the first whose id is at least `fromId`, of
   * those `keep` keeps.
   */
  page(archived: boolean, fromId: string | undefined, count: number, keep: (r: R) => boolean = () => true): R[] {
    const out: R[] = [];
    for (let i = fromId === undefined ? 0 : this.firstAtLeast(fromId); i < this.idOrder.length && out.length < count; i++) {
      const r = this.rows.get(this.idOrder[i]!);
      if (r && r.archived === archived && keep(r)) out.push(r);
    }
    return out;
  }

  /** How many live records have an id of at least `fromId`. */
  liveCountFrom(fromId: string): number {
    const first = this.firstAtLeast(fromId);
    return this.idOrder.length - first - this.gone.count(first);
  }

  /** The position in the id order of the first id at least `fromId`. */
  private firstAtLeast(fromId: string): number {
    let i = 0;
    let hi = this.idOrder.length;
    while (i < hi) {
      const mid = (i + hi) >> 1;
      if (compareIds(this.idOrder[mid]!, fromId) < 0) i = mid + 1;
      else hi = mid;
    }
    return i;
  }

  /** Records holding this email as their own or as an additional one (lower-cased), in id order. */
  withEmail(email: string): R[] {
    const ids = this.emails.get(email);
    if (!ids) return [];
    return [...ids]
      .sort(compareIds)
      .map((id) => this.rows.get(id)!)
      .filter(Boolean);
  }

  /** Ids of live records whose modified instant is in [low, high] ms. */
  modifiedBetween(low?: number, high?: number): string[] {
    return this.modified.range(low, high);
  }

  /** Visits live records by modified instant in [low, high], in instant order, until `visit` says stop. */
  walkModified(low: number, high: number, visit: (record: R, modified: number) => boolean): void {
    this.modified.walk(low, high, (id, key) => visit(this.rows.get(id)!, key));
  }

  modifiedCount(low?: number, high?: number): number {
    return this.modified.count(low, high);
  }

  private setEmails(id: string, keys: string[]): void {
    for (const key of this.emailsOf.get(id) ?? []) {
      const ids = this.emails.get(key);
      ids?.delete(id);
      if (ids?.size === 0) this.emails.delete(key);
    }
    if (keys.length === 0) {
      this.emailsOf.delete(id);
      return;
    }
    this.emailsOf.set(id, keys);
    for (const key of keys) {
      let ids = this.emails.get(key);
      if (!ids) {
        ids = new Set();
        this.emails.set(key, ids);
      }
      ids.add(id);
    }
  }
}

/** A contact's emails, primary and additional, as stored (lower-cased). */
export function emailKeys(record: TableRecord): string[] {
  const keys = [record.properties.email, ...(record.properties.hs_additional_emails ?? "").split(";")];
  return [...new Set(keys.filter((k): k is string => Boolean(k)))];
}
