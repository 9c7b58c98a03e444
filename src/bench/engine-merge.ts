// Scenario 5a: the core alone. mergeRecord (map + three-way merge, transforms included) over linked
// pairs with the shipped contact↔Lead mapping and their snapshots; no HTTP, no store.
import type { ObjectMapping } from "../core/mapping.js";
import { hasChanges, mergeRecord } from "../core/merge/merge-record.js";
import { CpuClock } from "./cpu-clock.js";
import { type EngineFigures, engineFigures } from "./engine-figures.js";
import { linkedPairChunks } from "./engine-fixtures.js";
import { settleHeap } from "./settle-heap.js";

const CHUNK = 10_000;

export async function benchMerge(leadMapping: ObjectMapping, records: number): Promise<EngineFigures> {
  const clock = new CpuClock();
  let merged = 0;
  let writes = 0;
  for (const chunk of linkedPairChunks(leadMapping, records, CHUNK)) {
    settleHeap();
    await clock.measure(() => {
      for (const pair of chunk) {
        const result = mergeRecord({
          mapping: leadMapping,
          marketing: pair.marketing,
          crm: pair.crm,
          snapshots: pair.snapshots,
        });
        if (hasChanges(result)) writes++;
      }
    });
    merged += chunk.length;
  }
  return engineFigures("mergeRecord (core: map + merge)", merged, writes, clock);
}
