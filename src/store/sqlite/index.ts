// The SQLite state store, for open-store.ts and the tests.
export { openSqliteStore, SqliteStateStore, type SqliteStoreOptions } from "./sqlite-store.js";
