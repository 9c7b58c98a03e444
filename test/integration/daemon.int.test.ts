// The daemon's parts without a real schedule: runs one at a time until told to stop, keeps going after
// a failed run, and answers /healthz and Prometheus /metrics on loopback.
import { type DaemonState, startHealthServer } from "../../src/daemon/health-server.js";
import { runOnSchedule } from "../../src/daemon/scheduler.js";
import { silentLogger } from "../../src/log/logger.js";
import { emptySummary } from "../../src/sync/run-summary.js";

function freshState(): DaemonState {
  return {
    startedAt: new Date(),
    runs: 0,
    failures: 0,
    lastSummary: null,
    lastSuccessAt: null,
    running: false,
    unhealthyAfterMs: 60_000,
  };
}

describe("daemon", () => {
  it("runs on schedule, survives a failed run, and stops when the signal is aborted", async () => {
    const state = freshState();
    const stop = new AbortController();
    let calls = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    await runOnSchedule({
      everyMs: 5,
      log: silentLogger,
      state,
      signal: stop.signal,
      runOnce: async () => {
        calls++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 2));
        concurrent--;
        if (calls === 2) throw new Error("Salesforce answered 503");
        if (calls === 4) stop.abort();
        const summary = emptySummary(`run-${calls}`, false, new Date().toISOString(), ["hubspot", "salesforce"]);
        summary.status = "succeeded";
        summary.created.salesforce = calls;
        return { summary, plan: [] };
      },
    });
    expect(calls).toBe(4);
    expect(maxConcurrent).toBe(1);
    expect(state).toMatchObject({ runs: 4, failures: 1, running: false });
    expect(state.lastSummary?.runId).toBe("run-4");
  });

  it("answers /healthz and /metrics, and 503 when no run has succeeded for too long", async () => {
    const state = freshState();
    const summary = emptySummary("run-7", false, new Date().toISOString(), ["hubspot", "salesforce"]);
    summary.status = "succeeded";
    summary.created = { hubspot: 3, salesforce: 12 };
    summary.handoffs = 2;
    Object.assign(state, { runs: 7, failures: 1, lastSummary: summary, lastSuccessAt: new Date() });
    const server = await startHealthServer(state, "127.0.0.1", 0);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", runs: 7, failures: 1, lastRun: { runId: "run-7" } });

      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain("# TYPE leadloop_runs_total counter");
      expect(metrics).toContain("leadloop_runs_total 7");
      expect(metrics).toContain('leadloop_last_run_created_records{system="salesforce"} 12');
      expect(metrics).toContain("leadloop_last_run_handoffs 2");

      state.lastSuccessAt = new Date(Date.now() - 120_000);
      const stale = await fetch(`${base}/healthz`);
      expect(stale.status).toBe(503);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
