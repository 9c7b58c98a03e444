// Samples the store's files (database and write-ahead log) while a run goes, so a figure can say how
// large the store grew during a first load, not only what it kept after it: rows a run holds for a
// while (kept reads, the outbox) take room the file keeps until the run's end gives it back.
import { statSync } from "node:fs";
import { type PeakSampler, sampleUntilStopped } from "./sample-timer.js";

const SAMPLE_MS = 200;

/** Its stop returns the largest the files were, in bytes. */
export type StoreSampler = PeakSampler<number>;

export function sampleStoreFiles(storePath: string, everyMs = SAMPLE_MS): StoreSampler {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, fileBytes(storePath) + fileBytes(`${storePath}-wal`));
  };
  return sampleUntilStopped(sample, () => peak, everyMs);
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
