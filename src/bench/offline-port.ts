// A SystemPort with no HTTP behind it, for the engine benchmark: readByIds answers from records held in
// memory; everything else the engine does not call during a dry-run page is refused loudly.
import type { SourceRecord } from "../core/records.js";
import type { SystemPort } from "../sync/system-port.js";

export interface OfflinePort extends SystemPort {
  /** Replaces the records readByIds answers from. */
  hold(records: readonly SourceRecord[]): void;
}

export function offlinePort(system: string): OfflinePort {
  let byId = new Map<string, SourceRecord>();
  let calls = 0;
  const refuse = (what: string): never => {
    throw new Error(`offline ${system} port: ${what} is not part of the engine benchmark`);
  };
  return {
    system,
    hold(records) {
      byId = new Map(records.map((r) => [r.id, r]));
    },
    readChanges: () => refuse("readChanges"),
    async readByIds(_object, ids) {
      calls++;
      const out: SourceRecord[] = [];
      for (const id of ids) {
        const found = byId.get(id);
        if (found) out.push(found);
      }
      return out;
    },
    findBy: async () => refuse("findBy"),
    write: async () => refuse("write"),
    describe: async () => refuse("describe"),
    readRemovals: async () => refuse("readRemovals"),
    apiCalls: () => calls,
  };
}
