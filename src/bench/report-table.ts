// The readable form of the bench's results (without --json): one block per size, one line per run.
import type { BenchResult, EngineResult } from "./bench-result.js";
import type { DefaultResult } from "./default-result.js";
import type { PerSystem, PhaseFigures } from "./figures.js";

interface SizeTables {
  records: number;
  default: DefaultResult;
  fieldOnly: BenchResult | { skipped: string };
}

const HEADER =
  `  ${pad("run", 12)}${pad("records", 9)}${pad("seconds", 9)}${pad("rec/s", 8)}${pad("peakRSS", 9)}` +
  `${pad("calls hs/sf", 13)}${pad("writes hs/sf", 14)}${pad("min hs/sf", 11)}` +
  `${pad("write ratio hs/sf", 19)}${pad("behaviour hs", 14)}match hs/sf`;

export function renderTable(results: readonly SizeTables[], engine: EngineResult | undefined): string {
  const lines: string[] = [];
  for (const size of results) {
    const d = size.default;
    lines.push(
      `leadloop bench, default configuration: ${d.records.toLocaleString("en-US")} contacts (sandbox world, ${d.hubspotTier} portal)`,
    );
    lines.push(`  seeded in ${d.seedSeconds}s (not timed); RSS after seeding ${d.rssAfterSeedMb} MB`);
    lines.push(HEADER);
    for (const [name, p] of Object.entries(d.runs)) lines.push(`  ${phaseLine(name, p)}`);
    lines.push(`  ${headlineOf(d)}`);
    const f = d.rateLimited.firstLoad;
    lines.push(
      `  under the vendors' limits: first load ≥ ${f.hubspotSeconds}s of HubSpot's burst/search limits, ` +
        `${pct(f.dailyShare.hubspot)} of HubSpot's day, ${pct(f.dailyShare.salesforce)} of leadloop's Salesforce share`,
    );
    const day = d.budget.typicalDay;
    lines.push(
      `  a day of typical change (${d.budget.counts.changesPerDay} contacts, ${d.budget.counts.runsPerDay} runs): ` +
        `HubSpot ${day.calls.hubspot.total} calls (${pct(day.dailyShare.hubspot)}), Salesforce ${day.calls.salesforce.total} (${pct(day.dailyShare.salesforce)} of the share)`,
    );
    lines.push("");
    if ("skipped" in size.fieldOnly) {
      lines.push(`fieldOnly: skipped (${size.fieldOnly.skipped})`, "");
      continue;
    }
    const r = size.fieldOnly;
    lines.push(`leadloop bench, fieldOnly (funnel off): ${r.records.toLocaleString("en-US")} marketing contacts`);
    lines.push(`  seeded in ${r.seedSeconds}s (not timed); RSS after seeding ${r.rssAfterSeedMb} MB`);
    lines.push(HEADER);
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
    for (const e of [engine.merge, engine.page, engine.group]) {
      lines.push(
        `engine: ${e.measures}: ${e.records.toLocaleString("en-US")} records, ` +
          `${e.recordsPerSecond.toLocaleString("en-US")} rec/s, ${e.cpuSecondsPer10k} CPU s per 10k, ` +
          `${e.withWrites.toLocaleString("en-US")} with writes` +
          (e.withoutCommit
            ? `; without its commits ${e.withoutCommit.recordsPerSecond.toLocaleString("en-US")} rec/s, ` +
              `${e.withoutCommit.cpuSecondsPer10k} CPU s per 10k`
            : ""),
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
    pad(String(p.behaviourCalls.hubspot), 14) +
    pair(p.matchCalls)
  );
}

/** A size's headline figures in one line: the table's summary, and the bench's stderr once the size is done. */
export function headlineOf(d: DefaultResult): string {
  return (
    `writeCallRatio hs/sf ${pair(d.writeCallRatio)}, behaviour reads per changed contact ${d.behaviourReadsPerChangedContact}, ` +
    `baseline ${d.baselineRatio ?? "-"}× (naive copy), ${d.sameWorkBaselineRatio}× (same work, modelled), ` +
    `${d.recordsPerSecond} contacts/s, peak RSS ${d.peakRssMb} MB, ` +
    `store ${d.storeBytesPerRecord} bytes/contact`
  );
}

function pair(v: PerSystem<number | null>): string {
  return `${v.hubspot ?? "-"}/${v.salesforce ?? "-"}`;
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}
