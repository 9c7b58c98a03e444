// Where the org's records live: one map per object, soft deletes (the Recycle Bin that queryAll and
// getDeleted still see), and the schema each object follows.
import { IdFactory } from "./ids.js";
import { findField, type OrgSetup, type SObjectSchema, standardSchema } from "./schema.js";
import type { SObjectRecord } from "./values.js";

export interface Deletion {
  type: string;
  id: string;
  deletedDate: number;
}

export class RecordStore {
  readonly schemas: Map<string, SObjectSchema>;
  readonly ids = new IdFactory();
  private readonly records = new Map<string, Map<string, SObjectRecord>>();
  readonly deletions: Deletion[] = [];

  constructor(setup: OrgSetup = "configured") {
    this.schemas = standardSchema(setup);
  }

  schema(type: string): SObjectSchema | undefined {
    return this.schemas.get(type.toLowerCase());
  }

  /** The object an Id belongs to, from its key prefix. */
  typeOfId(id: string): SObjectSchema | undefined {
    const prefix = id.slice(0, 3);
    return [...this.schemas.values()].find((s) => s.keyPrefix === prefix);
  }

  find(id: string): { schema: SObjectSchema; record: SObjectRecord } | undefined {
    const schema = this.typeOfId(id);
    if (!schema) return undefined;
    const record = this.table(schema.name).get(id);
    return record ? { schema, record } : undefined;
  }

  get(type: string, id: string): SObjectRecord | undefined {
    return this.table(type).get(id);
  }

  /** Records of one object in creation order; deleted ones only when asked (queryAll). */
  all(type: string, includeDeleted = false): SObjectRecord[] {
    const rows = [...this.table(type).values()];
    return includeDeleted ? rows : rows.filter((r) => r.IsDeleted !== true);
  }

  /** A copy of every record, taken before an all-or-none save so a failure can roll it back. */
  snapshot(): () => void {
    const saved = new Map(
      [...this.records].map(([k, t]) => [k, new Map([...t].map(([id, r]) => [id, { ...r }]))]),
    );
    const deletions = this.deletions.length;
    return () => {
      this.records.clear();
      for (const [k, t] of saved) this.records.set(k, t);
      this.deletions.length = deletions;
    };
  }

  put(type: string, record: SObjectRecord): void {
    this.table(type).set(String(record.Id), record);
  }

  /** Finds live records whose field equals the value, compared case-insensitively like unique text fields. */
  findBy(type: string, fieldName: string, value: unknown): SObjectRecord[] {
    const schema = this.schema(type);
    const fieldDef = schema ? findField(schema, fieldName) : undefined;
    if (!fieldDef || value === null || value === undefined) return [];
    const wanted = String(value).toLowerCase();
    return this.all(type).filter((r) => {
      const v = r[fieldDef.name];
      return v !== null && v !== undefined && String(v).toLowerCase() === wanted;
    });
  }

  private table(type: string): Map<string, SObjectRecord> {
    const key = type.toLowerCase();
    let table = this.records.get(key);
    if (!table) {
      table = new Map();
      this.records.set(key, table);
    }
    return table;
  }
}
