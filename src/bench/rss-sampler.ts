// Samples the process's resident set size (and V8's used heap) while a phase runs.
// process.resourceUsage().maxRSS only ever grows over the whole process, so it cannot tell a later,
// smaller phase's peak; sampling can.
import { type PeakSampler, sampleUntilStopped } from "./sample-timer.js";

const SAMPLE_MS = 25;

export interface MemoryPeaks {
  rss: number;
  heapUsed: number;
}

/** Its stop returns the highest RSS and used heap seen, in bytes (heapUsed 0 when not sampled). */
export type RssSampler = PeakSampler<MemoryPeaks>;

/**
 * `withHeap: false` samples the RSS alone: process.memoryUsage() walks V8's heap spaces on every call,
 * which in a process holding a large world costs seconds a run; memoryUsage.rss() does not.
 */
export function sampleRss(options: { withHeap?: boolean; everyMs?: number } = {}): RssSampler {
  const withHeap = options.withHeap ?? true;
  const peak: MemoryPeaks = { rss: 0, heapUsed: 0 };
  const sample = () => {
    if (!withHeap) {
      peak.rss = Math.max(peak.rss, process.memoryUsage.rss());
      return;
    }
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
  };
  return sampleUntilStopped(sample, () => peak, options.everyMs ?? SAMPLE_MS);
}
