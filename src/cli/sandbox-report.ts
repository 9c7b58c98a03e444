// What `leadloop sandbox` prints when its runs are done: the funnel of every event the runs recorded,
// by source, read from the sandbox's store.
import type { LeadloopConfig } from "../config/leadloop-config.js";
import { loadRouting } from "../config/routing-file.js";
import type { FunnelReport } from "../core/report/index.js";
import { buildFunnelReport, funnelText } from "../report/index.js";
import { openStore } from "../store/open-store.js";

export async function sandboxReport(config: LeadloopConfig, now: Date): Promise<{ report: FunnelReport; text: string }> {
  const store = await openStore(config.store);
  try {
    const report = await buildFunnelReport(
      store,
      { groupBy: "source", settings: config.report, routing: loadRouting(config.routing) },
      now,
    );
    return { report, text: funnelText(report) };
  } finally {
    await store.close();
  }
}
