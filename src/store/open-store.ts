// The one place the state store implementation is chosen; everything else sees the StateStore port.
import { existsSync } from "node:fs";
import { type StateStore, StoreError } from "./port.js";
import { openSqliteStore } from "./sqlite/index.js";

export interface StoreConfig {
  /** The SQLite file (created with its directory when missing), or ":memory:". */
  path: string;
}

export interface OpenOptions {
  /**
   * Refuse a file that does not exist yet instead of creating it: a command that only reads the store
   * must not answer "nothing here" from a new, empty store at a mistyped `store.path`.
   */
  existing?: boolean;
  /**
   * With no file at the path, open an empty store in memory in its place instead of creating the file:
   * for a command that reads the store when there is one and does its work without it (`route`,
   * `forecast --live`, `validate --live`), so it leaves no store behind, and what it would keep there is
   * kept only in a store that already exists.
   */
  inMemoryWhenMissing?: boolean;
}

export function openStore(config: StoreConfig, options: OpenOptions = {}): Promise<StateStore> {
  const missing = config.path !== ":memory:" && !existsSync(config.path);
  if (options.existing && missing) {
    return Promise.reject(
      new StoreError(`no state store at ${config.path} (store.path); \`leadloop sync\` creates it`),
    );
  }
  return openSqliteStore(missing && options.inMemoryWhenMissing ? ":memory:" : config.path);
}
