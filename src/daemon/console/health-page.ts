// The sync health tab: is the daemon keeping up (lag since the last successful run), what the last runs
// did, and the API calls spent against each system's limit.
import type { RunRecord } from "../../store/port.js";
import { isSyncRun } from "../../sync/run-ids.js";
import type { RunSummary } from "../../sync/run-summary.js";
import { judgeHealth } from "../daemon-health.js";
import { type ApiAllowance, apiAllowances } from "./api-allowance.js";
import { count, duration, perSystem, when } from "./format.js";
import { html, type Html } from "./html.js";
import type { ConsoleSources } from "./sources.js";

const RUNS_SHOWN = 15;

export async function healthPage(sources: ConsoleSources): Promise<Html> {
  const now = sources.now();
  const { state } = sources;
  const runs = (await sources.store.listRuns(RUNS_SHOWN * 2)).filter((r) => !r.dryRun).slice(0, RUNS_SHOWN);
  const lastSuccess = await lastSucceeded(sources);
  const lagMs = lastSuccess ? now.getTime() - Date.parse(lastSuccess) : null;
  // As /healthz judges it: a long first load that makes progress is ok, though no run has succeeded lately.
  const health = judgeHealth(state, now);
  const allowances = await apiAllowances(sources);
  return html`
<div class="cards">
  <div class="card" data-figure="status"><span>Status</span><b class="${health.healthy ? "ok" : "bad"}">${health.status}</b>
    <span>${health.reason}</span></div>
  <div class="card" data-figure="lag"><span>Lag since last success</span><b>${lagMs === null ? "—" : duration(lagMs)}</b>
    <span>${when(lastSuccess, now)}</span></div>
  <div class="card" data-figure="runs"><span>Runs by this daemon</span><b>${count(state.runs)}</b>
    <span>${count(state.failures)} failed · up ${duration(now.getTime() - state.startedAt.getTime())}</span></div>
</div>
${configRejection(state)}
<h3>API calls against the limits</h3>
${allowanceTable(allowances)}
<h3>Last runs</h3>
${runs.length === 0 ? html`<p class="muted">No run recorded yet.</p>` : runTable(runs)}`;
}

/** A changed configuration the daemon refused: it runs on the one it had until the files are fixed. */
function configRejection(state: ConsoleSources["state"]): Html | string {
  const refused = state.configRejected;
  if (!refused) return "";
  return html`<div id="config-rejected"><h3 class="bad">Configuration change refused</h3>
<p>The daemon runs on the configuration it had; it reads the files again at its next run.
Refused ${refused.at.toISOString().slice(0, 19).replace("T", " ")}Z: ${refused.files.join(", ")}</p>
<pre>${refused.error}</pre></div>`;
}

async function lastSucceeded(sources: ConsoleSources): Promise<string | null> {
  const fromState = sources.state.lastSuccessAt?.toISOString() ?? null;
  // A restarted daemon still knows the last success from the store.
  // A retry or a digest is no sync: a Retry pressed on a failing daemon must not make it look current.
  const recorded = (await sources.store.listRuns(200)).find((r) => !r.dryRun && r.status === "succeeded" && isSyncRun(r.id));
  const stored = recorded?.finishedAt ?? null;
  if (!fromState) return stored;
  if (!stored) return fromState;
  return fromState > stored ? fromState : stored;
}

function allowanceTable(rows: ApiAllowance[]): Html {
  return html`<table id="api-calls"><thead><tr><th>System</th><th class="num">leadloop's calls, last 24 h</th>
<th>Against leadloop's limit</th><th>Whole org / portal (last reported)</th></tr></thead><tbody>
${rows.map((r) => {
    const share = r.allowed ? Math.min(1, r.callsLast24h / r.allowed) : 0;
    return html`<tr data-system="${r.system}"><td>${r.system}</td><td class="num">${count(r.callsLast24h)}</td>
<td>${
      r.allowed === null
        ? html`<span class="muted">${r.basis}</span>`
        : html`<span class="meter"><i style="width:${(share * 100).toFixed(1)}%"></i></span>${count(r.callsLast24h)} of ${count(r.allowed)}
<span class="muted">(${r.basis})</span>`
    }</td><td>${r.usage ? `${count(r.usage.used)} of ${count(r.usage.max)}` : html`<span class="muted">not reported yet</span>`}</td></tr>`;
  })}</tbody></table>`;
}

function runTable(runs: RunRecord[]): Html {
  return html`<table id="runs"><thead><tr><th>Run</th><th>Status</th><th>Started</th><th class="num">Took</th>
<th>Read</th><th>Created</th><th>Updated</th><th>Errors</th><th class="num">Conflicts</th><th class="num">Handoffs</th>
<th>Dispositions</th><th>API calls</th></tr></thead><tbody>
${runs.map((run) => {
    const s = run.summary as Partial<RunSummary> | null;
    const took = run.finishedAt ? duration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : "running";
    const statusClass = run.status === "succeeded" ? "ok" : run.status === "failed" ? "bad" : "warn";
    const dispositions = Object.entries(s?.dispositions ?? {})
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(" · ");
    return html`<tr><td><code>${run.id}</code></td><td><span class="pill ${statusClass}">${run.status}</span>${
      s?.failure ? html`<div class="bad">${s.failure}</div>` : ""
    }</td><td>${run.startedAt.slice(0, 19).replace("T", " ")}Z</td><td class="num">${took}</td>
<td>${perSystem(s?.read)}</td><td>${perSystem(s?.created)}</td><td>${perSystem(s?.updated)}</td>
<td class="${Object.values(s?.errors ?? {}).some((n) => n > 0) ? "bad" : ""}">${perSystem(s?.errors)}</td>
<td class="num">${s?.conflicts ?? 0}</td><td class="num">${s?.handoffs ?? 0}</td><td>${dispositions || "—"}</td>
<td>${perSystem(s?.apiCalls)}</td></tr>`;
  })}</tbody></table>`;
}
