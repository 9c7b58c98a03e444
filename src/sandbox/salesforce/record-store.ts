// Where the org's records live: one map per object, soft deletes (the Recycle Bin that queryAll and
// getDeleted still see), the schema each object follows, and the indexes that keep a query or a write
// from reading every row. Salesforce indexes Id, Name, OwnerId, lookup fields, Email, unique and external
// id fields, and the audit dates (Salesforce Developers, "Query & Search Optimization Cheat Sheet",
// "Standard indexed fields"); the emulator indexes the same, built on first use and kept on every put.
// Indexes change how fast an answer comes, never what it is: the query evaluator still checks every
// candidate against the whole WHERE clause (soql-planner.ts).
import { SortedIndex } from "../emulator/sorted-index.js";
import { IdFactory, normaliseId } from "./ids.js";
import { type FieldDescribe, findField, type OrgSetup, type SObjectSchema, standardSchema } from "./schema.js";
import { parseDateTime, type SObjectRecord, toSecond } from "./values.js";

/** Whether getDeleted lists a record emptied from the Recycle Bin (emulator.ts `emptiedDeletions`). */
export type EmptiedDeletions = "unlisted" | "listed";

export interface Deletion {
  type: string;
  id: string;
  deletedDate: number;
  /** The record whose deletion took this one with it (an Account's Contacts and Opportunities). */
  cascadedFrom?: string;
  /** Emptied from the Recycle Bin (emptyRecycleBin): getDeleted may no longer list it (emulator.ts `emptiedDeletions`). */
  emptied?: true;
}

/** dateTime fields kept in order by their second, for range reads (change windows, getUpdated). */
const ORDERED_FIELDS = new Set(["systemmodstamp", "lastmodifieddate", "createddate"]);
const TEXT_KEYED = new Set(["string", "email", "phone", "url", "picklist", "textarea", "id", "reference"]);

/** The key a record is found by in an index: undefined for a record the index leaves out. */
export type MatchKey = (record: SObjectRecord) => string | undefined;

interface Table {
  rows: Map<string, SObjectRecord>;
  /** Creation order of each id: the order a scan returns rows in, and candidates are put back in. */
  order: Map<string, number>;
  nextOrder: number;
  /**
   * Lower-cased field name → folded value → ids holding it; and `match:<name>` → a match key (a duplicate
   * rule's, duplicate-rules.ts) → ids whose record gives it.
   */
  equal: Map<string, Map<string, Set<string>>>;
  /** Lower-cased field name → ids ordered by the second the field holds. */
  ordered: Map<string, SortedIndex>;
}

export class RecordStore {
  readonly schemas: Map<string, SObjectSchema>;
  readonly ids = new IdFactory();
  private readonly tables = new Map<string, Table>();
  readonly deletions: Deletion[] = [];
  /** While an all-or-none save runs: each touched row as it was before (undefined: it did not exist). */
  private journal: Map<string, { type: string; id: string; before: SObjectRecord | undefined }> | undefined;

  constructor(setup: OrgSetup = "configured") {
    this.schemas = standardSchema(setup);
  }

  schema(type: string): SObjectSchema | undefined {
    return this.schemas.get(type.toLowerCase());
  }

  /** The object an Id belongs to, from its key prefix. */
  typeOfId(id: string): SObjectSchema | undefined {
    const prefix = id.slice(0, 3);
    for (const s of this.schemas.values()) if (s.keyPrefix === prefix) return s;
    return undefined;
  }

  find(id: string): { schema: SObjectSchema; record: SObjectRecord } | undefined {
    const schema = this.typeOfId(id);
    if (!schema) return undefined;
    const record = this.table(schema.name).rows.get(id);
    return record ? { schema, record } : undefined;
  }

  get(type: string, id: string): SObjectRecord | undefined {
    return this.table(type).rows.get(id);
  }

  /** Records of one object in creation order; deleted ones only when asked (queryAll). */
  all(type: string, includeDeleted = false): SObjectRecord[] {
    const rows = [...this.table(type).rows.values()];
    return includeDeleted ? rows : rows.filter((r) => r.IsDeleted !== true);
  }

  /** The first live record of an object in creation order, without listing the rest. */
  first(type: string): SObjectRecord | undefined {
    for (const r of this.table(type).rows.values()) if (r.IsDeleted !== true) return r;
    return undefined;
  }

  count(type: string): number {
    return this.table(type).rows.size;
  }

  /** Puts rows (by id) back in creation order, the order a scan of the table would give them in. */
  inCreationOrder(type: string, ids: Iterable<string>): SObjectRecord[] {
    const table = this.table(type);
    const known = [...ids].filter((id) => table.rows.has(id));
    known.sort((a, b) => table.order.get(a)! - table.order.get(b)!);
    return known.map((id) => table.rows.get(id)!);
  }

  /**
   * Starts an all-or-none save: until the returned restore runs (or is dropped), every put remembers the
   * row it replaced, so restoring undoes exactly what the save wrote instead of copying the whole org first.
   */
  snapshot(): () => void {
    const journal = new Map<string, { type: string; id: string; before: SObjectRecord | undefined }>();
    this.journal = journal;
    const deletions = this.deletions.length;
    return () => {
      if (this.journal === journal) this.journal = undefined;
      for (const { type, id, before } of [...journal.values()].reverse()) {
        const table = this.table(type);
        const current = table.rows.get(id);
        if (current) this.unindex(table, id, current);
        if (before) {
          table.rows.set(id, before);
          this.index(table, id, before);
        } else {
          table.rows.delete(id);
          table.order.delete(id);
        }
      }
      this.deletions.length = deletions;
    };
  }

  /** Ends the all-or-none save a snapshot started, keeping what it wrote. */
  commit(): void {
    this.journal = undefined;
  }

  put(type: string, record: SObjectRecord): void {
    const table = this.table(type);
    const id = String(record.Id);
    const before = table.rows.get(id);
    if (this.journal && !this.journal.has(`${type.toLowerCase()}:${id}`)) {
      this.journal.set(`${type.toLowerCase()}:${id}`, { type, id, before });
    }
    if (before) this.unindex(table, id, before);
    else table.order.set(id, table.nextOrder++);
    table.rows.set(id, record);
    this.index(table, id, record);
  }

  /**
   * Removes a row for good (a record emptied from the Recycle Bin): queryAll no longer finds it, while
   * its entry in `deletions`, the delete log getDeleted reads, stays. Never part of an all-or-none save.
   */
  purge(type: string, id: string): void {
    const table = this.table(type);
    const before = table.rows.get(id);
    if (!before) return;
    this.unindex(table, id, before);
    table.rows.delete(id);
    table.order.delete(id);
  }

  /**
   * Finds live records whose field equals the value, compared case-insensitively like unique text fields
   * (and ids in their 15- or 18-character forms), through the field's index.
   */
  findBy(type: string, fieldName: string, value: unknown): SObjectRecord[] {
    const schema = this.schema(type);
    const fieldDef = schema ? findField(schema, fieldName) : undefined;
    if (!fieldDef || value === null || value === undefined) return [];
    const ids = this.equalIds(type, fieldDef, value);
    if (!ids) return [];
    return this.inCreationOrder(type, ids).filter((r) => r.IsDeleted !== true);
  }

  /** Whether a field has (or can have) an equality index: what the query planner may look up. */
  indexedForEquality(field: FieldDescribe): boolean {
    if (!TEXT_KEYED.has(field.type)) return false;
    return (
      field.type === "id" ||
      field.type === "reference" ||
      field.type === "email" ||
      field.unique ||
      field.externalId ||
      field.idLookup ||
      field.name === "Name"
    );
  }

  /** Whether a field is kept in time order: what the planner may read a range from. */
  indexedForRange(field: FieldDescribe): boolean {
    return field.type === "datetime" && ORDERED_FIELDS.has(field.name.toLowerCase());
  }

  /** Ids (live or deleted) whose field equals `value` as SOQL compares it; undefined when none. */
  equalIds(type: string, field: FieldDescribe, value: unknown): ReadonlySet<string> | undefined {
    const key = equalityKey(field, value);
    if (key === undefined) return undefined;
    return this.equalIndex(this.table(type), field).get(key);
  }

  /** Ids (live or deleted) whose dateTime field falls in [low, high] seconds, in time order. */
  rangeIds(type: string, field: FieldDescribe, low?: number, high?: number): string[] {
    return this.orderedIndex(this.table(type), field).range(low, high);
  }

  rangeCount(type: string, field: FieldDescribe, low?: number, high?: number): number {
    return this.orderedIndex(this.table(type), field).count(low, high);
  }

  /**
   * Live records whose match key (`keyOf`, a duplicate rule's: duplicate-rules.ts) is `key`, through an
   * index named `name` built on first use and kept on every put as the field indexes are.
   */
  findByMatchKey(type: string, name: string, keyOf: MatchKey, key: string): SObjectRecord[] {
    const ids = this.keyIndex(this.table(type), `match:${name}`, keyOf).get(key);
    return ids ? this.inCreationOrder(type, ids).filter((r) => r.IsDeleted !== true) : [];
  }

  private equalIndex(table: Table, field: FieldDescribe): Map<string, Set<string>> {
    return this.keyIndex(table, field.name.toLowerCase(), (record) => equalityKey(field, record[field.name]));
  }

  private keyIndex(table: Table, name: string, keyOf: MatchKey): Map<string, Set<string>> {
    let index = table.equal.get(name);
    if (!index) {
      index = new Map();
      table.equal.set(name, index);
      for (const [id, record] of table.rows) addKey(index, keyOf(record), id);
      // Remember how the index keys a record so puts keep it without looking the field up again.
      this.indexKeys.set(index, keyOf);
    }
    return index;
  }

  private orderedIndex(table: Table, field: FieldDescribe): SortedIndex {
    const name = field.name.toLowerCase();
    let index = table.ordered.get(name);
    if (!index) {
      index = new SortedIndex();
      table.ordered.set(name, index);
      for (const [id, record] of table.rows) index.set(id, secondOf(record[field.name]));
      this.orderedNames.set(index, field.name);
    }
    return index;
  }

  private readonly indexKeys = new WeakMap<Map<string, Set<string>>, MatchKey>();
  private readonly orderedNames = new WeakMap<SortedIndex, string>();

  private index(table: Table, id: string, record: SObjectRecord): void {
    for (const index of table.equal.values()) addKey(index, this.indexKeys.get(index)!(record), id);
    for (const index of table.ordered.values()) {
      index.set(id, secondOf(record[this.orderedNames.get(index)!]));
    }
  }

  private unindex(table: Table, id: string, record: SObjectRecord): void {
    for (const index of table.equal.values()) {
      const key = this.indexKeys.get(index)!(record);
      if (key === undefined) continue;
      const ids = index.get(key);
      ids?.delete(id);
      if (ids?.size === 0) index.delete(key);
    }
    for (const index of table.ordered.values()) index.remove(id);
  }

  private table(type: string): Table {
    const key = type.toLowerCase();
    let table = this.tables.get(key);
    if (!table) {
      table = { rows: new Map(), order: new Map(), nextOrder: 0, equal: new Map(), ordered: new Map() };
      this.tables.set(key, table);
    }
    return table;
  }
}

/**
 * The folded form two values share exactly when SOQL's `=` holds between them: text compared ignoring
 * case, ids in their 18-character form. Undefined for null, which `=` never matches through the index.
 */
export function equalityKey(field: FieldDescribe, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  if (field.type === "id" || field.type === "reference") return (normaliseId(text) ?? text).toUpperCase();
  return text.toUpperCase();
}

function secondOf(value: unknown): number {
  if (typeof value !== "string") return Number.NaN;
  return toSecond(parseDateTime(value));
}

function addKey(index: Map<string, Set<string>>, key: string | undefined, id: string): void {
  if (key === undefined) return;
  let ids = index.get(key);
  if (!ids) {
    ids = new Set();
    index.set(key, ids);
  }
  ids.add(id);
}
