// Samples the process's resident set size (and V8's used heap) while a phase runs.
// process.resourceUsage().maxRSS only ever grows over the whole process, so it cannot tell a later,
// smaller phase's peak; sampling can.
const SAMPLE_MS = 25;

export interface MemoryPeaks {
  rss: number;
  heapUsed: number;
}

export interface RssSampler {
  /** Stops sampling and returns the highest RSS and used heap seen, in bytes. */
  stop(): MemoryPeaks;
}

export function sampleRss(): RssSampler {
  const peak: MemoryPeaks = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  // Sampling must never keep the process alive on its own.
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
