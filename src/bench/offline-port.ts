// A SystemPort with no HTTP behind it, for the engine benchmark: readByIds answers from records held in
// memory, writes are accepted in memory and fieldChanges knows no field's history; everything else a page
// of linked records does not call is refused loudly.
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
    // The bench's records carry no field history: a conflict would keep the records' times. Counted as
    // the call it would be, so a bench page that met one shows it.
    async fieldChanges() {
      calls++;
      return new Map();
    },
    async write(_object, writes) {
      calls++;
      return writes.map((w, i) => ({ ref: w.ref, ok: true as const, id: w.id ?? `${system}-new-${calls}-${i}`, created: !w.id }));
    },
    describe: async () => refuse("describe"),
    createDefaults: async () => refuse("createDefaults"),
    readRemovals: async () => refuse("readRemovals"),
    apiCalls: () => calls,
  };
}
