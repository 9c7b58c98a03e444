// The one place the state store implementation is chosen; everything else sees the StateStore port.
import type { StateStore } from "./port.js";
import { openSqliteStore } from "./sqlite/index.js";

export interface StoreConfig {
  /** The SQLite file (created with its directory when missing), or ":memory:". */
  path: string;
}

export function openStore(config: StoreConfig): Promise<StateStore> {
  return openSqliteStore(config.path);
}
