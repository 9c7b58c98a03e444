// What an engine benchmark reports: records through the measured code, how many asked for a write,
// records per second of wall time and CPU seconds per 10,000 records; for the page path also the same
// without the store's commit, which is issue 11's measure (store look-ups + map + merge + plan).
import type { CpuClock } from "./cpu-clock.js";
import { round } from "./figures.js";

export interface EngineFigures {
  measures: string;
  records: number;
  /** Records whose merge asked for a write on either side. */
  withWrites: number;
  seconds: number;
  cpuSeconds: number;
  recordsPerSecond: number;
  cpuSecondsPer10k: number;
  /** The page path's commits, timed apart (inside `seconds`); absent for the merge alone. */
  commit?: { seconds: number; cpuSeconds: number };
  /** The measured code without its commits: store look-ups + map + merge + plan. */
  withoutCommit?: { recordsPerSecond: number; cpuSecondsPer10k: number };
}

export function engineFigures(
  measures: string,
  records: number,
  withWrites: number,
  clock: CpuClock,
  /** The part of `clock`'s time spent committing, when the measured code commits. */
  commitClock?: CpuClock,
): EngineFigures {
  const figures: EngineFigures = {
    measures,
    records,
    withWrites,
    seconds: round(clock.wallSeconds, 3),
    cpuSeconds: round(clock.cpuSeconds, 3),
    recordsPerSecond: clock.wallSeconds > 0 ? Math.round(records / clock.wallSeconds) : 0,
    cpuSecondsPer10k: perTenThousand(clock.cpuSeconds, records),
  };
  if (!commitClock) return figures;
  const seconds = clock.wallSeconds - commitClock.wallSeconds;
  return {
    ...figures,
    commit: { seconds: round(commitClock.wallSeconds, 3), cpuSeconds: round(commitClock.cpuSeconds, 3) },
    withoutCommit: {
      recordsPerSecond: seconds > 0 ? Math.round(records / seconds) : 0,
      cpuSecondsPer10k: perTenThousand(clock.cpuSeconds - commitClock.cpuSeconds, records),
    },
  };
}

function perTenThousand(cpuSeconds: number, records: number): number {
  return records > 0 ? round((cpuSeconds * 10_000) / records, 4) : 0;
}
