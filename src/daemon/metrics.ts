// Prometheus text exposition (format 0.0.4) of what the daemon did and what the store holds: runs, the
// last run's counts, the error queue's entries and problems by class, SLA clocks and breaches, funnel
// events as counters, API calls by system; and the daemon process's own CPU and memory under the standard names every client
// library exports (`process_*`, Node's heap as `nodejs_*`), so a dashboard that watches any exporter's
// memory watches this one's too. leadloop's own names follow Prometheus conventions: the `leadloop_`
// prefix, base units, `_total` for counters (https://prometheus.io/docs/practices/naming/).
import { DISPOSITIONS } from "../core/funnel/dispositions.js";
import { verdictOfMove } from "../core/report/figures.js";
import { ERROR_CLASSES } from "../store/port.js";
import { slaBoard } from "../sync/funnel/sla-list.js";
import { apiAllowances } from "./console/api-allowance.js";
import type { ConsoleSources } from "./console/sources.js";
import type { DaemonState } from "./health-server.js";

type Sample = [Record<string, string>, number];

const SLA_STATUSES = ["open", "met", "breached", "closed"] as const;

class Exposition {
  private readonly lines: string[] = [];

  metric(name: string, type: "counter" | "gauge", help: string, samples: Sample[]): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
        .join(",");
      this.lines.push(`${name}${l ? `{${l}}` : ""} ${Number.isFinite(value) ? value : "NaN"}`);
    }
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

const perSystem = (counts: Record<string, number> | undefined): Sample[] =>
  Object.entries(counts ?? {}).map(([system, n]) => [{ system }, n]);

/** The daemon's own figures: what it ran and what the last run did. */
function runMetrics(out: Exposition, state: DaemonState): void {
  const s = state.lastSummary;
  out.metric("leadloop_runs_total", "counter", "Sync runs this daemon ran (counted when each ends).", [[{}, state.runs]]);
  out.metric("leadloop_run_failures_total", "counter", "Sync runs that failed.", [[{}, state.failures]]);
  out.metric("leadloop_last_success_timestamp_seconds", "gauge", "When the last successful run finished (Unix time).", [
    [{}, state.lastSuccessAt ? Math.floor(state.lastSuccessAt.getTime() / 1000) : 0],
  ]);
  out.metric("leadloop_api_calls_total", "counter", "API calls this daemon's runs made, by system.", perSystem(state.apiCalls));
  out.metric("leadloop_last_run_read_records", "gauge", "Records read in the last run.", perSystem(s?.read));
  out.metric("leadloop_last_run_created_records", "gauge", "Records created in the last run.", perSystem(s?.created));
  out.metric("leadloop_last_run_updated_records", "gauge", "Records updated in the last run.", perSystem(s?.updated));
  out.metric("leadloop_last_run_errors", "gauge", "Records sent to the error queue in the last run.", perSystem(s?.errors));
  out.metric("leadloop_last_run_api_calls", "gauge", "API calls made in the last run, session requests apart.", perSystem(s?.apiCalls));
  out.metric("leadloop_last_run_auth_calls", "gauge", "Session (OAuth token) requests made in the last run.", perSystem(s?.authCalls));
  out.metric("leadloop_last_run_conflicts", "gauge", "Fields changed on both sides in the last run.", [[{}, s?.conflicts ?? 0]]);
  out.metric("leadloop_last_run_handoffs", "gauge", "People handed to sales in the last run.", [[{}, s?.handoffs ?? 0]]);
}

/** What the store holds: the error queue, SLA clocks and breaches, the funnel, API calls in the last 24 h. */
async function storeMetrics(out: Exposition, sources: ConsoleSources): Promise<void> {
  const { store } = sources;
  const open = await store.countOpenErrors();
  out.metric(
    "leadloop_error_queue_entries",
    "gauge",
    "Open error-queue entries (writes a system refused), by class.",
    ERROR_CLASSES.map((c) => [{ class: c }, open.filter((e) => e.errorClass === c).reduce((n, e) => n + e.count, 0)]),
  );
  // What an ops admin acts on: the entries one cause holds for one person are one problem, as `errors list`
  // and the console's error tab show them (core/text/error-problems.ts); a problem has one class. Counted
  // from the keys each entry is stored with (one index read), so a scrape of a large queue stays quick.
  const problems = open.length === 0 ? [] : await store.countOpenProblems();
  out.metric(
    "leadloop_error_queue_problems",
    "gauge",
    "Open error-queue problems (the entries one cause holds for one person), by class.",
    ERROR_CLASSES.map((c) => [{ class: c }, problems.find((p) => p.errorClass === c)?.count ?? 0]),
  );
  // The clocks as the SLA board and `leadloop sla` read them (core/sla/outcome.ts, at now), so a dashboard
  // and the console agree on what is open, met, breached and closed.
  const { clocks } = await slaBoard(store, sources.sla, sources.now());
  out.metric(
    "leadloop_sla_clocks",
    "gauge",
    "Follow-up clocks of handed-off leads (each person's latest), by status as the SLA board shows it.",
    SLA_STATUSES.map((status) => [{ status }, clocks.filter((c) => c.status === status).length]),
  );
  out.metric("leadloop_sla_overdue_clocks", "gauge", "Clocks past due with no touch and no verdict yet: what sales still owes.", [
    [{}, clocks.filter((c) => c.status === "breached" && c.decidedAt === null && c.firstTouchAt === null).length],
  ]);
  out.metric("leadloop_sla_breaches_total", "counter", "Follow-up SLA breaches raised.", [
    [{}, (await store.listSlaBreaches()).length],
  ]);
  const events = await store.countFunnelEvents();
  const sum = (keep: (e: { stage: string; cause: string; fromStage: string | null }) => boolean) =>
    events.filter(keep).reduce((n, e) => n + e.count, 0);
  out.metric("leadloop_mqls_total", "counter", "People who became marketing-qualified leads (each qualification).", [
    [{}, sum((e) => e.stage === "mql")],
  ]);
  out.metric(
    "leadloop_dispositions_total",
    "counter",
    "Reps' verdicts that moved a person, by disposition (the CRM's lead status; a Lead converted before sales accepted it is qualified).",
    DISPOSITIONS.filter((d) => d !== "working").map((d) => [{ disposition: d }, sum((e) => verdictOfMove(e.cause, e.fromStage, e.stage) === d)]),
  );
  const stages = [...new Set(events.map((e) => e.stage))].sort();
  out.metric(
    "leadloop_funnel_events_total",
    "counter",
    "Funnel stage changes recorded, by the stage reached.",
    stages.map((stage) => [{ stage }, sum((e) => e.stage === stage)]),
  );
  const allowances = await apiAllowances(sources);
  out.metric(
    "leadloop_api_calls_last_24h",
    "gauge",
    "API calls leadloop made in the last 24 hours (recorded runs), by system.",
    allowances.map((a) => [{ system: a.system }, a.callsLast24h]),
  );
  out.metric(
    "leadloop_api_calls_allowed_24h",
    "gauge",
    "API calls leadloop may make in 24 hours (Salesforce: its share of the org's allocation; HubSpot: the portal's daily limit), once reported.",
    allowances.filter((a) => a.allowed !== null).map((a) => [{ system: a.system }, a.allowed!]),
  );
}

/**
 * The process's CPU, memory and start, as the client libraries' process and runtime collectors name them
 * (https://prometheus.io/docs/instrumenting/writing_clientlibs/#standard-and-runtime-collectors): a daemon's memory that
 * grows from run to run shows here before it becomes an out-of-memory restart.
 */
function processMetrics(out: Exposition): void {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  out.metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", [
    [{}, (cpu.user + cpu.system) / 1e6],
  ]);
  out.metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", [[{}, memory.rss]]);
  out.metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", [
    [{}, Math.round(Date.now() / 1000 - process.uptime())],
  ]);
  out.metric("nodejs_heap_size_total_bytes", "gauge", "Process heap size from Node.js in bytes.", [[{}, memory.heapTotal]]);
  out.metric("nodejs_heap_size_used_bytes", "gauge", "Process heap size used from Node.js in bytes.", [[{}, memory.heapUsed]]);
  out.metric("nodejs_external_memory_bytes", "gauge", "Node.js external memory size in bytes.", [[{}, memory.external]]);
}

export async function metricsText(state: DaemonState, sources?: ConsoleSources): Promise<string> {
  const out = new Exposition();
  runMetrics(out, state);
  processMetrics(out);
  if (sources) await storeMetrics(out, sources);
  return out.text();
}
