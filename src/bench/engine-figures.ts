// What an engine benchmark reports: records through the measured code, how many asked for a write,
// records per second of wall time and CPU seconds per 10,000 records.
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
}

export function engineFigures(
  measures: string,
  records: number,
  withWrites: number,
  clock: CpuClock,
): EngineFigures {
  return {
    measures,
    records,
    withWrites,
    seconds: round(clock.wallSeconds, 3),
    cpuSeconds: round(clock.cpuSeconds, 3),
    recordsPerSecond: clock.wallSeconds > 0 ? Math.round(records / clock.wallSeconds) : 0,
    cpuSecondsPer10k: records > 0 ? round((clock.cpuSeconds * 10_000) / records, 4) : 0,
  };
}
