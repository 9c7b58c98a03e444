// The console's guards and caches over a real store on loopback HTTP: without a token only loopback Host
// names are answered (no DNS rebinding) and a retry posted from another origin is refused before it runs;
// the live check is run at most every ten minutes (a failed one after a minute); a retry posted during a
// scheduled run waits for it.
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { loadSla } from "../../src/config/sla-file.js";
import { cachedLiveCheck } from "../../src/daemon/console/live-checks.js";
import type { ConsoleSources } from "../../src/daemon/console/sources.js";
import { type DaemonState, type HealthServer, startHealthServer } from "../../src/daemon/health-server.js";
import { oneAtATime } from "../../src/daemon/one-at-a-time.js";
import { DEFAULT_REPORT_SETTINGS } from "../../src/core/report/index.js";
import { silentLogger } from "../../src/log/logger.js";
import { openStore } from "../../src/store/open-store.js";
import type { StateStore } from "../../src/store/port.js";
import { emptySummary } from "../../src/sync/run-summary.js";

const SLA = fileURLToPath(new URL("../../config/sla.yaml", import.meta.url));

function call(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = "GET",
  form?: string,
): Promise<{ status: number; body: string; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on("error", reject);
    req.end(form);
  });
}

describe("console guards", () => {
  let store: StateStore;
  let server: HealthServer;
  const retried: number[] = [];
  /** What the next retry throws (a system that cannot be reached), if anything. */
  let retryFails: Error | null = null;
  const now = new Date("2026-11-30T09:15:00Z");

  beforeAll(async () => {
    store = await openStore({ path: ":memory:" });
    // One refused Lead in the queue, as a run leaves it.
    await store.commitBatch({
      runId: "run-1",
      at: now.toISOString(),
      errors: [
        {
          runId: "run-1",
          system: "salesforce",
          object: "Lead",
          recordId: null,
          operation: "create",
          payload: { source: "marketing", object: "contacts", sourceId: "501" },
          errorClass: "data",
          message: "FIELD_CUSTOM_VALIDATION_EXCEPTION: Email domain is on the blocked list (Email)",
          at: now.toISOString(),
        },
      ],
    });
    const state: DaemonState = {
      // Started just now (real time, as /healthz measures): healthy until a run is overdue.
      startedAt: new Date(),
      runs: 0,
      failures: 0,
      lastSummary: null,
      lastSuccessAt: null,
      running: false,
      lastProgressAt: null,
      unhealthyAfterMs: 60_000,
    };
    const sources: ConsoleSources = {
      store,
      state,
      crm: "salesforce",
      mappings: [],
      sla: loadSla(SLA),
      report: { settings: DEFAULT_REPORT_SETTINGS, routing: null },
      salesforceApiShare: 0.25,
      usage: () => ({}),
      checkLive: async () => [],
      retry: async (ids) => {
        retried.push(...ids);
        if (retryFails) throw retryFails;
        return { summary: emptySummary("retry-1", false, now.toISOString(), ["hubspot", "salesforce"]), resolved: [], stillFailing: ids, skipped: [] };
      },
      now: () => now,
    };
    server = await startHealthServer(state, "127.0.0.1", 0, { sources, log: silentLogger });
  });

  afterAll(async () => {
    await server.close();
    await store.close();
  });

  it("answers only loopback Host names without a token; /healthz always", async () => {
    const loopback = await call(server.port, "/errors", { host: `127.0.0.1:${server.port}` });
    expect(loopback.status).toBe(200);
    expect(loopback.body).toContain("Email domain is on the blocked list");
    expect((await call(server.port, "/", { host: `localhost:${server.port}` })).status).toBe(200);
    expect((await call(server.port, "/metrics", { host: `[::1]:${server.port}` })).status).toBe(200);
    const rebound = await call(server.port, "/errors", { host: "console.attacker.example" });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain("blocked list");
    expect((await call(server.port, "/healthz", { host: "console.attacker.example" })).status).toBe(200);
  });

  it("refuses a retry posted from another origin before running it, and runs one from its own", async () => {
    const [entry] = await store.listErrors({ status: "open" });
    const host = `127.0.0.1:${server.port}`;
    const foreign = await call(server.port, `/errors/${entry!.id}/retry`, { host, origin: "https://shop.example" }, "POST");
    expect(foreign.status).toBe(403);
    expect(retried).toEqual([]);
    const own = await call(server.port, `/errors/${entry!.id}/retry`, { host, origin: `http://${host}` }, "POST");
    expect(own.status).toBe(303);
    expect(retried).toEqual([entry!.id]);
  });

  it("guards a problem's retry (/errors/retry) the same way, and runs only the entries its form names", async () => {
    const [entry] = await store.listErrors({ status: "open" });
    const host = `127.0.0.1:${server.port}`;
    const form = { host, "content-type": "application/x-www-form-urlencoded" };
    retried.length = 0;
    const foreign = await call(server.port, "/errors/retry", { ...form, origin: "https://shop.example" }, "POST", `id=${entry!.id}`);
    expect(foreign.status).toBe(403);
    const unnamed = await call(server.port, "/errors/retry", { ...form, origin: `http://${host}` }, "POST", "id=abc");
    expect(unnamed.status).toBe(400);
    expect(retried).toEqual([]);
    const own = await call(server.port, "/errors/retry", { ...form, origin: `http://${host}` }, "POST", `id=${entry!.id}&id=${entry!.id}`);
    expect(own.status).toBe(303);
    expect(own.location).toBe(`/errors?entry=${entry!.id}&outcome=failing`);
    expect(retried).toEqual([entry!.id]);
  });

  it("takes only a sync run for the last success: a succeeded Retry leaves the lag where the last sync put it", async () => {
    const host = `127.0.0.1:${server.port}`;
    const lag = async () => /data-figure="lag"><span>[^<]*<\/span><b>([^<]*)<\/b>/.exec((await call(server.port, "/", { host })).body)?.[1];
    expect(await lag()).toBe("—");
    // A Retry pressed while no sync has succeeded: recorded as a succeeded run of its own kind.
    const retryId = "retry-20261130T085900-5f1c9a7e";
    await store.startRun({ id: retryId, startedAt: "2026-11-30T08:59:00.000Z", dryRun: false });
    await store.finishRun(retryId, { finishedAt: "2026-11-30T08:59:30.000Z", status: "succeeded", summary: null });
    expect(await lag()).toBe("—");
    // A sync run an hour before now: the lag is counted from it.
    const syncId = "20261130T080000-0a1b2c3d";
    await store.startRun({ id: syncId, startedAt: "2026-11-30T08:00:00.000Z", dryRun: false });
    await store.finishRun(syncId, { finishedAt: "2026-11-30T08:00:30.000Z", status: "succeeded", summary: null });
    expect(await lag()).not.toBe("—");
  });

  it("counts a retry Salesforce could not take as another attempt with its message, not a bare 500", async () => {
    const [entry] = await store.listErrors({ status: "open" });
    const host = `127.0.0.1:${server.port}`;
    retryFails = new Error("Salesforce kept answering 503 Service Unavailable for 5m (sync.retryPatience)");
    try {
      const posted = await call(server.port, `/errors/${entry!.id}/retry`, { host, origin: `http://${host}` }, "POST");
      expect(posted.status).toBe(303);
      expect(posted.location).toContain("outcome=failing");
      expect(await store.getError(entry!.id)).toMatchObject({
        status: "open",
        attempts: entry!.attempts + 1,
        message: expect.stringContaining("503 Service Unavailable"),
      });
    } finally {
      retryFails = null;
    }
  });

  it("runs the live check at most every ten minutes, and a failed one again after a minute", async () => {
    let clock = Date.parse("2026-11-30T09:00:00Z");
    let checks = 0;
    let failing = false;
    const check = cachedLiveCheck(
      async () => {
        checks++;
        if (failing) throw new Error("Salesforce describe answered 503");
        return [];
      },
      () => new Date(clock),
    );
    await Promise.all([check(), check()]);
    expect(checks).toBe(1);
    clock += 9 * 60_000;
    await check();
    expect(checks).toBe(1);
    clock += 60_000;
    failing = true;
    expect((await check()).failure).toBe("Salesforce describe answered 503");
    expect(checks).toBe(2);
    clock += 59_000;
    await check();
    expect(checks).toBe(2);
    clock += 1_000;
    failing = false;
    expect((await check()).failure).toBeNull();
    expect(checks).toBe(3);
  });

  it("lets a retry posted during a run wait for the run instead of running beside it", async () => {
    const turns = oneAtATime();
    const order: string[] = [];
    let finishRun!: () => void;
    const run = turns(async () => {
      order.push("run started");
      await new Promise<void>((resolve) => (finishRun = resolve));
      order.push("run finished");
      throw new Error("Salesforce answered 503");
    });
    const retry = turns(async () => {
      order.push("retry");
      return 7;
    });
    await Promise.resolve();
    expect(order).toEqual(["run started"]);
    finishRun();
    await expect(run).rejects.toThrow("503");
    expect(await retry).toBe(7);
    expect(order).toEqual(["run started", "run finished", "retry"]);
  });
});
