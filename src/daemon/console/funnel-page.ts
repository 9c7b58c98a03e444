// The funnel tab: how many people reached each stage, and what moved them there, counted from the funnel
// events the store keeps (all time).
import { count } from "./format.js";
import { html, type Html } from "./html.js";
import type { ConsoleSources } from "./sources.js";

const STAGES = ["mql", "sal", "sql", "opportunity", "won", "lost", "recycled", "unreachable", "trash"] as const;

export async function funnelPage(sources: ConsoleSources): Promise<Html> {
  const counts = await sources.store.countFunnelEvents();
  const byStage = new Map<string, number>();
  for (const c of counts) byStage.set(c.stage, (byStage.get(c.stage) ?? 0) + c.count);
  const top = Math.max(1, ...STAGES.map((s) => byStage.get(s) ?? 0));
  return html`<table id="funnel-stages"><thead><tr><th>Stage reached</th><th class="num">Events</th><th></th></tr></thead><tbody>
${STAGES.map((s) => {
    const n = byStage.get(s) ?? 0;
    return html`<tr data-stage="${s}"><td>${s}</td><td class="num">${count(n)}</td><td><span class="meter" style="width:300px"><i style="width:${((n / top) * 100).toFixed(1)}%"></i></span></td></tr>`;
  })}</tbody></table>
<h3>What moved people</h3>
<table id="funnel-causes"><thead><tr><th>Stage</th><th>Cause</th><th class="num">Events</th></tr></thead><tbody>
${counts.map((c) => html`<tr><td>${c.stage}</td><td>${c.cause}</td><td class="num">${count(c.count)}</td></tr>`)}</tbody></table>`;
}
