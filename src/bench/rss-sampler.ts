// Samples the process's resident set size while a phase runs. process.resourceUsage().maxRSS only ever
// grows over the whole process, so it cannot tell a later, smaller phase's peak; sampling can.
const SAMPLE_MS = 25;

export interface RssSampler {
  /** Stops sampling and returns the highest RSS seen, in bytes. */
  stop(): number;
}

export function sampleRss(): RssSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, SAMPLE_MS);
  // Sampling must never keep the process alive on its own.
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}
