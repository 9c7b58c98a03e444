// Accumulates CPU time (user + system, from process.cpuUsage) and wall time over the measured parts of
// a benchmark only, so fixture building between them is not counted.

export class CpuClock {
  private cpuMicros = 0;
  private wallMs = 0;

  /** Runs `work` and adds its CPU and wall time. */
  async measure<T>(work: () => T | Promise<T>): Promise<T> {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    try {
      return await work();
    } finally {
      this.wallMs += performance.now() - wall;
      const used = process.cpuUsage(cpu);
      this.cpuMicros += used.user + used.system;
    }
  }

  get cpuSeconds(): number {
    return this.cpuMicros / 1e6;
  }

  get wallSeconds(): number {
    return this.wallMs / 1000;
  }
}
