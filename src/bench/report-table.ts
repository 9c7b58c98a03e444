// The readable form of the bench's results (without --json): one block per size, one line per run.
import type { BenchResult, EngineResult } from "./bench-result.js";
import type { PerSystem, PhaseFigures } from "./figures.js";

export function renderTable(results: readonly BenchResult[], engine: EngineResult | undefined): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`leadloop bench: ${r.records.toLocaleString("en-US")} marketing contacts`);
    lines.push(`  seeded in ${r.seedSeconds}s (not timed); RSS after seeding ${r.rssAfterSeedMb} MB`);
    lines.push(
      `  ${pad("run", 12)}${pad("records", 9)}${pad("seconds", 9)}${pad("rec/s", 8)}${pad("peakRSS", 9)}` +
        `${pad("calls hs/sf", 13)}${pad("writes hs/sf", 14)}${pad("min hs/sf", 11)}` +
        `${pad("write ratio hs/sf", 19)}all-call ratio hs/sf`,
    );
    const phases: [string, PhaseFigures][] = [
      ["first load", r],
      ["settle", r.settle],
      ["echo", r.echo],
      ["incremental", r.incremental],
      ["no-op", r.noop],
      ["quiet", r.quiet],
    ];
    for (const [name, p] of phases) lines.push(`  ${phaseLine(name, p)}`);
    if (r.baseline && "ratio" in r.baseline) {
      const n = r.baseline.naive;
      lines.push(
        `  naive per-record baseline: ${n.totalCalls} calls (hs ${n.apiCalls.hubspot.total}, ` +
          `sf ${n.apiCalls.salesforce.total}) in ${n.seconds}s → baselineRatio ${r.baseline.ratio}×`,
      );
    } else if (r.baseline) {
      lines.push(`  naive baseline: skipped (${r.baseline.skipped})`);
    }
    lines.push("");
  }
  if (engine) {
    for (const e of [engine.merge, engine.page]) {
      lines.push(
        `engine: ${e.measures}: ${e.records.toLocaleString("en-US")} records, ` +
          `${e.recordsPerSecond.toLocaleString("en-US")} rec/s, ${e.cpuSecondsPer10k} CPU s per 10k, ` +
          `${e.withWrites.toLocaleString("en-US")} with writes`,
      );
    }
  }
  return lines.join("\n");
}

function phaseLine(name: string, p: PhaseFigures): string {
  return (
    pad(name, 12) +
    pad(String(p.records), 9) +
    pad(String(p.seconds), 9) +
    pad(String(p.recordsPerSecond ?? "-"), 8) +
    pad(`${p.peakRssMb}MB`, 9) +
    pad(pair(p.apiCalls), 13) +
    pad(pair(p.writeCalls), 14) +
    pad(pair(p.batchMinimum), 11) +
    pad(pair(p.writeCallRatio), 19) +
    pair(p.apiCallRatio)
  );
}

function pair(v: PerSystem<number | null>): string {
  return `${v.hubspot ?? "-"}/${v.salesforce ?? "-"}`;
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}
