// Kept reads: the pages of one change read, kept for a later stream of the same window in the same run
// (the qualification's contacts for the contact sync), so the object is listed once, not twice. A run
// holds them in memory up to a bound (sync/kept-reads.ts); the pages of a read past it are kept here, so
// a first load of a million contacts holds none of them (ARCHITECTURE.md, "Every phase reads its change
// stream"). Such a read is large, so a page is kept compactly (its field names once, each record's
// values in that order, deflated: about a ninth of the page's JSON) and is deleted as it is taken.
// Packed with V8's serializer rather than as JSON text: a page's JSON is one string of 100 KB or more,
// placed afresh in V8's large-object space each time (the 10k bench's runs packed in 1.3 s and took in
// 1.1 s as JSON, 0.9 s and 0.5 s so). V8's format may change between Node versions, which is harmless
// here: a page is read only by the run that kept it.
import { deserialize, serialize } from "node:v8";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { IndexedRecord, KeptPage } from "../port.js";
import type { Statements } from "./statements.js";

/** A page as stored: field names once, then per record its object, id, time and values in that order. */
interface PackedPage {
  fields: string[];
  /** A value the record does not have at all (not read) is 0; null is a blank the system answered. */
  records: (string | null | 0)[][];
}

/** Deflate's fastest level: the pages are read back within the run, and most of the gain is at level 1. */
const DEFLATE_LEVEL = 1;

export class KeptReadTable {
  constructor(private readonly sql: Statements) {}

  add(key: string, pages: readonly KeptPage[]): void {
    const insert = this.sql.get("INSERT INTO kept_reads (read_key, cursor, last_id, records) VALUES (?, ?, ?, ?)");
    for (const page of pages) insert.run(key, page.cursor.modifiedAt, page.cursor.lastId, packRecords(page.records));
  }

  /** The first `limit` pages of the read `key` still kept, in order; they are deleted as they are taken. */
  take(key: string, limit: number): KeptPage[] {
    const rows = this.sql
      .get<{ seq: number; cursor: string; last_id: string | null; records: Buffer }>(
        "SELECT seq, cursor, last_id, records FROM kept_reads WHERE read_key = ? ORDER BY seq LIMIT ?",
      )
      .all(key, limit);
    const last = rows[rows.length - 1];
    if (last) this.sql.get("DELETE FROM kept_reads WHERE read_key = ? AND seq <= ?").run(key, last.seq);
    return rows.map((row) => ({
      records: unpackRecords(row.records),
      cursor: { modifiedAt: row.cursor, lastId: row.last_id },
    }));
  }

  clear(): void {
    this.sql.get("DELETE FROM kept_reads").run();
  }
}

export function packRecords(records: readonly IndexedRecord[]): Buffer {
  const fields: string[] = [];
  const column = new Map<string, number>();
  for (const record of records) {
    for (const name in record.fields) {
      if (!column.has(name)) {
        column.set(name, fields.length);
        fields.push(name);
      }
    }
  }
  const packed: PackedPage = {
    fields,
    records: records.map((record) => {
      const row: (string | null | 0)[] = [record.object, record.id, record.modifiedAt];
      for (const name of fields) {
        // Own fields only: a field named like an Object member (`constructor`) that this record lacks is absent.
        const value = Object.hasOwn(record.fields, name) ? record.fields[name] : undefined;
        row.push(value === undefined ? 0 : value);
      }
      return row;
    }),
  };
  return deflateRawSync(serialize(packed), { level: DEFLATE_LEVEL });
}

export function unpackRecords(stored: Buffer): IndexedRecord[] {
  const { fields, records } = deserialize(inflateRawSync(stored)) as PackedPage;
  return records.map((row) => {
    const values: Record<string, string | null> = {};
    for (let i = 0; i < fields.length; i++) {
      const value = row[i + 3];
      if (value !== 0 && value !== undefined) values[fields[i]!] = value;
    }
    return { object: row[0] as string, id: row[1] as string, modifiedAt: row[2] as string, fields: values };
  });
}
