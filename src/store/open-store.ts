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
}

export function openStore(config: StoreConfig, options: OpenOptions = {}): Promise<StateStore> {
  if (options.existing && config.path !== ":memory:" && !existsSync(config.path)) {
    return Promise.reject(
      new StoreError(`no state store at ${config.path} (store.path); \`leadloop sync\` creates it`),
    );
  }
  return openSqliteStore(config.path);
}
