// A process's memory of the systems' descriptions across processes (ARCHITECTURE.md "Kept descriptions"):
// what the store keeps under the configuration, read within `sync.descriptionsKeptFor`, is given to the
// adapters before the process's preparation; what they read since, or stopped trusting, is kept after each run.
import type { StateStore } from "../store/port.js";
import type { DescriptionKeeping } from "../sync/kept-descriptions.js";

export interface DescriptionMemory {
  /** Gives the adapters the descriptions kept for this configuration; once per process. */
  recall(): Promise<void>;
  /**
   * Keeps what the adapters read since, and forgets what a refusal doubted (nothing is written with
   * `readOnly`); whether anything was forgotten, which the adapters read again when next asked.
   */
  keep(): Promise<boolean>;
  /** The daemon's reload: what it keeps from now on is kept under the new configuration. */
  reconfigure(configKey: string, keptForMs: number): void;
}

export interface DescriptionMemoryOptions {
  store: StateStore;
  /** Each system's adapter, by system name. */
  adapters: ReadonlyMap<string, DescriptionKeeping>;
  /** `descriptionsKey` of the configuration. */
  configKey: string;
  /** `sync.descriptionsKeptFor`: 0 keeps nothing and recalls nothing. */
  keptForMs: number;
  now: () => Date;
  /** A dry run leaves the store as it found it. */
  readOnly: boolean;
}

export function descriptionMemory(options: DescriptionMemoryOptions): DescriptionMemory {
  const { store, adapters, now, readOnly } = options;
  let { configKey, keptForMs } = options;
  let recalled = false;
  return {
    async recall() {
      if (recalled) return;
      recalled = true;
      if (keptForMs <= 0) return;
      const kept = await store.keptDescriptions(configKey, new Date(now().getTime() - keptForMs).toISOString());
      for (const [system, adapter] of adapters) adapter.recall(kept.filter((d) => d.system === system));
    },
    async keep() {
      const learned = [];
      const forgotten = [];
      for (const [system, adapter] of adapters) {
        const changes = await adapter.takeChanges();
        learned.push(...changes.learned);
        forgotten.push(...changes.forgotten.map((object) => ({ system, object })));
      }
      if (!readOnly && (learned.length > 0 || forgotten.length > 0))
        await store.keepDescriptions(configKey, keptForMs > 0 ? learned : [], forgotten, now().toISOString());
      return forgotten.length > 0;
    },
    reconfigure(nextKey, nextKeptForMs) {
      configKey = nextKey;
      keptForMs = nextKeptForMs;
    },
  };
}
