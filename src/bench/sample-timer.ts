// The bench's samplers (RSS, store files) share one timer: sample now, every few milliseconds while a run
// goes, and once more at the stop, so the peak includes the run's last instant.

export interface PeakSampler<T> {
  /** Stops sampling and returns the peak the samples reached. */
  stop(): T;
}

export function sampleUntilStopped<T>(sample: () => void, peak: () => T, everyMs: number): PeakSampler<T> {
  sample();
  const timer = setInterval(sample, everyMs);
  // Sampling must never keep the process alive on its own.
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak();
    },
  };
}
