// What `leadloop sandbox` prints when its runs are done: the funnel of every event the runs recorded,
// by source, and the campaigns that brought the people in, read from the sandbox's store.
import type { LeadloopConfig } from "../config/leadloop-config.js";
import { loadRouting } from "../config/routing-file.js";
import type { CampaignReport, FunnelReport } from "../core/report/index.js";
import { buildCampaignReport, buildFunnelReport, campaignsText, funnelText, reportWords } from "../report/index.js";
import { openStore } from "../store/open-store.js";

export async function sandboxReport(
  config: LeadloopConfig,
  now: Date,
): Promise<{ report: FunnelReport; campaigns: CampaignReport; text: string }> {
  const store = await openStore(config.store);
  try {
    const options = { settings: config.report, routing: loadRouting(config.routing) };
    const words = reportWords(config.crm);
    const report = await buildFunnelReport(store, { ...options, groupBy: "source" }, now);
    const campaigns = await buildCampaignReport(store, options, now);
    return { report, campaigns, text: `${funnelText(report, words)}\n${campaignsText(campaigns, words)}` };
  } finally {
    await store.close();
  }
}
