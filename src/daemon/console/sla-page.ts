// The SLA board: per rep, the follow-up clocks still open (due times, touches), the breaches, and the
// breaches of clocks a reroute replaced; the same reading of the store as `leadloop sla`.
import { type SlaListRow, slaBoard } from "../../sync/funnel/sla-list.js";
import { count, minute, when } from "./format.js";
import { html, type Html } from "./html.js";
import type { ConsoleSources } from "./sources.js";

interface RepLine {
  rep: string;
  open: number;
  breached: number;
  met: number;
  nextDue: string | null;
}

export async function slaPage(sources: ConsoleSources): Promise<Html> {
  const now = sources.now();
  const board = await slaBoard(sources.store, sources.sla, now);
  const reps = new Map<string, RepLine>();
  const line = (r: SlaListRow) => {
    const rep = r.owner ?? r.ownerId ?? "(no owner)";
    let l = reps.get(rep);
    if (!l) reps.set(rep, (l = { rep, open: 0, breached: 0, met: 0, nextDue: null }));
    return l;
  };
  for (const r of board.clocks) {
    const l = line(r);
    if (r.status === "open") {
      l.open++;
      if (!l.nextDue || r.dueAt < l.nextDue) l.nextDue = r.dueAt;
    } else if (r.status === "met") l.met++;
  }
  for (const r of board.breaches) line(r).breached++;
  // What sales still owes: clocks with no verdict yet, within their time or past it.
  const open = board.clocks.filter((r) => r.decidedAt === null && (r.status === "open" || r.status === "breached"));
  const replaced = board.breaches.filter((r) => !r.current);
  const rows = [...reps.values()].sort((a, b) => b.breached - a.breached || b.open - a.open || a.rep.localeCompare(b.rep));
  return html`<div class="cards">
<div class="card" data-figure="open-clocks"><span>Open follow-up clocks</span><b>${count(board.clocks.filter((r) => r.status === "open").length)}</b></div>
<div class="card" data-figure="breaches"><span>Breaches</span><b class="${board.breaches.length ? "bad" : "ok"}">${count(board.breaches.length)}</b></div>
<div class="card"><span>Met</span><b>${count(board.clocks.filter((r) => r.status === "met").length)}</b></div></div>
<h3>Per rep</h3>
${rows.length === 0 ? html`<p class="muted">No lead has been handed off yet.</p>` : html`<table id="sla-reps"><thead><tr><th>Rep</th><th class="num">Open</th><th>Next due</th><th class="num">Breached</th><th class="num">Met</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${r.rep}</td><td class="num">${r.open}</td><td>${when(r.nextDue, now)}</td><td class="num ${r.breached ? "bad" : ""}">${r.breached}</td><td class="num">${r.met}</td></tr>`)}</tbody></table>`}
<h3>Open and breached clocks</h3>
${open.length === 0 ? html`<p class="muted">Every handed-off lead was followed up in time.</p>` : clockTable(open, now)}
${replaced.length > 0 ? html`<h3>Breaches of clocks a reroute replaced</h3>${clockTable(replaced, now)}` : ""}`;
}

function clockTable(rows: SlaListRow[], now: Date): Html {
  return html`<table class="sla-clocks"><thead><tr><th>Owner</th><th>Person</th><th>Handed off</th><th>Due</th><th class="num">Touches</th><th>Breached</th><th>Rerouted to</th></tr></thead><tbody>
${rows.map(
    (r) => html`<tr><td>${r.owner ?? r.ownerId ?? "(none)"}</td><td>${r.name ?? ""} ${r.email ? html`<span class="muted">&lt;${r.email}&gt;</span>` : r.name ? "" : html`<code>${r.personId}</code>`}</td>
<td>${minute(r.handedOffAt)}</td><td>${when(r.dueAt, now)}</td><td class="num">${r.touches ?? "—"}</td>
<td>${r.status === "breached" ? html`<span class="bad">${minute(r.breachedAt ?? r.dueAt)} (${r.breach ?? "?"})</span>` : ""}</td><td>${r.rerouteTo ?? ""}</td></tr>`,
  )}</tbody></table>`;
}
