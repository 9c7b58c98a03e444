// Where a store's bytes go: SQLite's `dbstat` virtual table names every page's owner (table or index),
// so a table's bytes are its own pages and its indexes' pages summed (https://sqlite.org/dbstat.html).
import { statSync } from "node:fs";
import type Database from "better-sqlite3";
import type { StoreSize } from "../port.js";

export function storeSize(db: Database.Database, file: string): StoreSize {
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const freePages = db.pragma("freelist_count", { simple: true }) as number;
  const owners = db
    .prepare(`SELECT name, tbl_name AS tableName, type FROM sqlite_schema WHERE type IN ('table', 'index')`)
    .all() as { name: string; tableName: string; type: string }[];
  const pages = new Map(
    (db.prepare(`SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name`).all() as { name: string; bytes: number }[]).map(
      (r) => [r.name, r.bytes] as const,
    ),
  );
  const tables = new Map<string, { name: string; rows: number; bytes: number; indexBytes: number }>();
  for (const owner of owners.filter((o) => o.type === "table")) {
    // A virtual table (none today) has no pages and may not count its rows cheaply.
    const rows = (db.prepare(`SELECT COUNT(*) AS n FROM "${owner.name.replaceAll('"', '""')}"`).get() as { n: number }).n;
    tables.set(owner.name, { name: owner.name, rows, bytes: pages.get(owner.name) ?? 0, indexBytes: 0 });
  }
  for (const owner of owners.filter((o) => o.type === "index")) {
    const table = tables.get(owner.tableName);
    if (table) table.indexBytes += pages.get(owner.name) ?? 0;
  }
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    fileBytes: fileBytes(file),
    walBytes: fileBytes(`${file}-wal`),
    pageSize,
    freeBytes: freePages * pageSize,
    tables: [...tables.values()].sort((a, b) => b.bytes + b.indexBytes - (a.bytes + a.indexBytes) || a.name.localeCompare(b.name)),
    linkedContacts: count(`SELECT COUNT(DISTINCT marketing_id) AS n FROM links WHERE pair = 'contact' AND status = 'active'`),
    scoredContacts: count(`SELECT COUNT(*) AS n FROM person_scores WHERE score IS NOT NULL`),
  };
}

function fileBytes(path: string): number {
  if (path === ":memory:") return 0;
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
