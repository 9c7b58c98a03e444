// /healthz and Prometheus-format /metrics for `leadloop daemon`, on loopback by default, so an
// orchestrator can probe it and a Prometheus can scrape what each run did.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunSummary } from "../sync/run-summary.js";

export interface DaemonState {
  startedAt: Date;
  runs: number;
  failures: number;
  lastSummary: RunSummary | null;
  lastSuccessAt: Date | null;
  running: boolean;
  /** A run that stays unsuccessful longer than this makes /healthz answer 503. */
  unhealthyAfterMs: number;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(
  state: DaemonState,
  host: string,
  port: number,
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === "/healthz") {
      const since = (state.lastSuccessAt ?? state.startedAt).getTime();
      const healthy = Date.now() - since <= state.unhealthyAfterMs;
      res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          status: healthy ? "ok" : "stale",
          running: state.running,
          runs: state.runs,
          failures: state.failures,
          lastSuccessAt: state.lastSuccessAt?.toISOString() ?? null,
          lastRun: state.lastSummary
            ? { runId: state.lastSummary.runId, status: state.lastSummary.status }
            : null,
        }),
      );
      return;
    }
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(prometheusText(state));
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found: try /healthz or /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function prometheusText(state: DaemonState): string {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [Record<string, string>, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`)
        .join(",");
      lines.push(`${name}${l ? `{${l}}` : ""} ${value}`);
    }
  };
  const s = state.lastSummary;
  const perSystem = (counts: Record<string, number> | undefined) =>
    Object.entries(counts ?? {}).map(([system, n]) => [{ system }, n] as [Record<string, string>, number]);
  metric("leadloop_runs_total", "counter", "Sync runs started by this daemon.", [[{}, state.runs]]);
  metric("leadloop_run_failures_total", "counter", "Sync runs that failed.", [[{}, state.failures]]);
  metric("leadloop_last_success_timestamp_seconds", "gauge", "When the last successful run finished.", [
    [{}, state.lastSuccessAt ? Math.floor(state.lastSuccessAt.getTime() / 1000) : 0],
  ]);
  metric("leadloop_last_run_read_records", "gauge", "Records read in the last run.", perSystem(s?.read));
  metric(
    "leadloop_last_run_created_records",
    "gauge",
    "Records created in the last run.",
    perSystem(s?.created),
  );
  metric(
    "leadloop_last_run_updated_records",
    "gauge",
    "Records updated in the last run.",
    perSystem(s?.updated),
  );
  metric(
    "leadloop_last_run_errors",
    "gauge",
    "Records sent to the error queue in the last run.",
    perSystem(s?.errors),
  );
  metric("leadloop_last_run_api_calls", "gauge", "API calls made in the last run.", perSystem(s?.apiCalls));
  metric("leadloop_last_run_conflicts", "gauge", "Fields changed on both sides in the last run.", [
    [{}, s?.conflicts ?? 0],
  ]);
  metric("leadloop_last_run_handoffs", "gauge", "People handed to sales in the last run.", [
    [{}, s?.handoffs ?? 0],
  ]);
  return `${lines.join("\n")}\n`;
}
