// How far V8 lets leadloop's heap grow past what its last full collection kept. By default V8 lets an
// old generation reach about four times its live set before the next full collection; a run churns
// through pages of records, so its peak RSS was that multiple of a small live set (ARCHITECTURE.md
// "Memory at scale"). Growing by half instead keeps the peak near the live set; the price is more full
// collections (43 instead of 10 in a 30k first load, about 4 s of its 68 s of CPU).
import { setFlagsFromString } from "node:v8";

/** The old generation may grow this many percent past the last full collection's survivors. */
export const HEAP_GROWING_PERCENT = 50;

const FLAG = "--heap-growing-percent";

/**
 * Applies HEAP_GROWING_PERCENT to this process (the flag is read at each collection, so setting it at
 * start-up takes effect), unless node was started with its own `--heap-growing-percent`. Returns the
 * percent in force, or null when the user's own flag is.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): number | null {
  if (execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`) || arg.startsWith("--heap_growing_percent"))) {
    return null;
  }
  setFlagsFromString(`${FLAG}=${HEAP_GROWING_PERCENT}`);
  return HEAP_GROWING_PERCENT;
}
