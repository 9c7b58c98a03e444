// Measures one sync run over both emulators: wall time, peak RSS, the calls each emulator answered
// (split into writes and reads) and what the engine's summary says it did, as PhaseFigures.
import type { BenchLoop } from "./bench-loop.js";
import { tally } from "./call-tally.js";
import { batchMinimum, mb, type PerSystem, type PhaseFigures, ratio, round } from "./figures.js";
import { sampleRss } from "./rss-sampler.js";

/** Runs `loop.sync()` once; `records` is how many records the phase changed (the ratios' N). */
export async function measureRun(loop: BenchLoop, records: number): Promise<PhaseFigures> {
  loop.hubspot.calls.reset();
  loop.salesforce.calls.reset();
  const rss = sampleRss();
  const started = performance.now();
  const { summary } = await loop.sync();
  const seconds = (performance.now() - started) / 1000;
  const peakRss = rss.stop();
  if (summary.status !== "succeeded") throw new Error(`bench sync run ended ${summary.status}`);

  const hubspot = tally(loop.hubspot);
  const salesforce = tally(loop.salesforce);
  const minimum = batchMinimum(records);
  return {
    records,
    seconds: round(seconds, 3),
    recordsPerSecond: records > 0 ? Math.round(records / seconds) : null,
    peakRssMb: mb(peakRss),
    batchMinimum: minimum,
    apiCalls: { hubspot: hubspot.total, salesforce: salesforce.total },
    writeCalls: { hubspot: hubspot.writes, salesforce: salesforce.writes },
    readCalls: { hubspot: hubspot.reads, salesforce: salesforce.reads },
    apiCallRatio: {
      hubspot: ratio(hubspot.total, minimum.hubspot),
      salesforce: ratio(salesforce.total, minimum.salesforce),
    },
    writeCallRatio: {
      hubspot: ratio(hubspot.writes, minimum.hubspot),
      salesforce: ratio(salesforce.writes, minimum.salesforce),
    },
    recordsRead: bySystem(summary.read),
    created: bySystem(summary.created),
    updated: bySystem(summary.updated),
    errors: bySystem(summary.errors),
    endpoints: { hubspot: hubspot.byEndpoint, salesforce: salesforce.byEndpoint },
  };
}

function bySystem(counts: Record<string, number>): PerSystem<number> {
  return { hubspot: counts.hubspot ?? 0, salesforce: counts.salesforce ?? 0 };
}
