// The daemon's parts without a real schedule: runs one at a time until told to stop, keeps going after
// a failed run, and answers /healthz and Prometheus /metrics on loopback.
import { type DaemonState, startHealthServer } from "../../src/daemon/health-server.js";
import { runOnSchedule } from "../../src/daemon/scheduler.js";
import { silentLogger } from "../../src/log/logger.js";
import { emptySummary } from "../../src/sync/run-summary.js";
import { funnelFor, seedReps } from "../support/funnel-harness.js";
import { startLoop } from "../support/loop-harness.js";

function freshState(): DaemonState {
  return {
    startedAt: new Date(),
    runs: 0,
    failures: 0,
    lastSummary: null,
    lastSuccessAt: null,
    running: false,
    lastProgressAt: null,
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

  it("takes a failed run for the last run, and a tick another run held the store for as no failure", async () => {
    const loop = await startLoop();
    try {
      seedReps(loop);
      const funnel = funnelFor(loop, "salesforce");
      loop.hubspot.data.createObject("contacts", { email: "Åsa.Lindqvist@Nordkust.se", firstname: "Åsa", lastname: "Lindqvist" });
      const state = freshState();
      const stop = new AbortController();
      const taken: string[] = [];
      const runs: string[] = [];
      await runOnSchedule({
        everyMs: 5,
        log: { ...silentLogger, warn: (event: string) => void taken.push(event), child: () => silentLogger } as typeof silentLogger,
        state,
        signal: stop.signal,
        maxRuns: 3,
        runOnce: async () => {
          runs.push(`run ${runs.length + 1}`);
          if (runs.length === 1) {
            // A `leadloop sync` started by hand holds the store: this tick waits its turn.
            await loop.store.acquireLock("sync", "leadloop sync (by hand)", new Date().toISOString(), 60_000);
            try {
              return await loop.sync({ funnel });
            } finally {
              await loop.store.releaseLock("sync", "leadloop sync (by hand)");
            }
          }
          // HubSpot refuses the token from here on: the run fails.
          if (runs.length === 2) loop.hubspot.faults.add({ requests: [{ kind: "status", status: 401 }] });
          return loop.sync({ funnel });
        },
      });
      expect(taken).toEqual(["daemon.run_skipped"]);
      // Four ticks, of which the first did nothing and counts as no run: three runs, all failed.
      expect(runs).toHaveLength(4);
      expect(state).toMatchObject({ runs: 3, failures: 3, lastSuccessAt: null });
      expect(state.lastSummary?.status).toBe("failed");
      expect(state.lastSummary?.failure).toMatch(/401|token|auth/i);
      expect(state.apiCalls?.hubspot ?? 0).toBeGreaterThan(0);
      const server = await startHealthServer(state, "127.0.0.1", 0);
      try {
        const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
        const health = (await res.json()) as { lastRun: { status: string } };
        expect(health.lastRun.status).toBe("failed");
        // Failed runs within the window are passing faults, retried on schedule: no reason to restart.
        expect(res.status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      await loop.close();
    }
  });

  it("answers /healthz and /metrics, and 503 when no run has succeeded for too long", async () => {
    const state = freshState();
    const summary = emptySummary("run-7", false, new Date().toISOString(), ["hubspot", "salesforce"]);
    summary.status = "succeeded";
    summary.created = { hubspot: 3, salesforce: 12 };
    summary.handoffs = 2;
    summary.apiCalls = { hubspot: 41, salesforce: 9 };
    summary.authCalls = { hubspot: 0, salesforce: 1 };
    Object.assign(state, { runs: 7, failures: 1, lastSummary: summary, lastSuccessAt: new Date() });
    const server = await startHealthServer(state, "127.0.0.1", 0);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", runs: 7, failures: 1, lastRun: { runId: "run-7" } });

      const metrics = await (await fetch(`${base}/metrics`)).text();
      // A monitor's HEAD gets what a scrape would, without the body.
      const head = await fetch(`${base}/metrics`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-type")).toContain("text/plain; version=0.0.4");
      expect(await head.text()).toBe("");
      expect(metrics).toContain("# TYPE leadloop_runs_total counter");
      expect(metrics).toContain("leadloop_runs_total 7");
      expect(metrics).toContain('leadloop_last_run_created_records{system="salesforce"} 12');
      expect(metrics).toContain("leadloop_last_run_handoffs 2");
      // The session request apart from the API calls, as the org's API usage counts them.
      expect(metrics).toContain('leadloop_last_run_api_calls{system="salesforce"} 9');
      expect(metrics).toContain('leadloop_last_run_auth_calls{system="salesforce"} 1');

      state.lastSuccessAt = new Date(Date.now() - 120_000);
      const stale = await fetch(`${base}/healthz`);
      expect(stale.status).toBe(503);
      expect(await stale.json()).toMatchObject({ status: "stale", running: false, reason: expect.stringMatching(/^no run has succeeded for 120 s/) });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
