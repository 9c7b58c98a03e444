// Prepared statements compiled once per connection: lookups run per record during a sync, and
// re-parsing the SQL each time would dominate their cost.
import type Database from "better-sqlite3";

export class Statements {
  private readonly cache = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(readonly db: Database.Database) {}

  get<Row = unknown>(sql: string): Database.Statement<unknown[], Row> {
    let statement = this.cache.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.cache.set(sql, statement);
    }
    return statement as Database.Statement<unknown[], Row>;
  }
}
