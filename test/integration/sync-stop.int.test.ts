// `leadloop sync` stops on SIGTERM after the batch in hand: exit 0 with status "stopped", and the next
// run picks up what the stopped one decided but had not written, until a run has nothing left to write.
// `leadloop daemon` stops as promptly when the stop comes while a call is being retried, outlives a
// Salesforce login that is down when it starts, serves a store alone, and stops once its store file is deleted under it.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import { runSyncChild } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));
const seed = generateSeed({ seed: 11, now: new Date(Date.now() - 60_000), contacts: 40 });

/** The world's configuration with a run every `every`: the daemons below start on it. */
function scheduleEvery(world: SandboxWorld, every: string): void {
  const config = parse(readFileSync(world.configPath, "utf8")) as Record<string, unknown>;
  config.schedule = { every };
  writeFileSync(world.configPath, stringify(config));
}

/** `leadloop daemon` on the world's configuration in a process of its own, its info log on stderr. */
function spawnDaemon(world: SandboxWorld, args: readonly string[] = [], port = "0") {
  return spawn(process.execPath, [BIN, "--log-level", "info", "daemon", "--port", port, ...args, "--config", world.configPath], {
    env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

/** A daemon child past its first run, its stderr kept: what it logged, whether it has exited, its exit code. */
async function daemonPastFirstRun(world: SandboxWorld) {
  const child = spawnDaemon(world);
  let stderr = "";
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code) => {
      closed = true;
      resolve(code);
    }),
  );
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const daemon = {
    exited,
    stderr: () => stderr,
    closed: () => closed,
    /** Its JSON log lines of one event. */
    events: (message: string) =>
      stderr
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { level: string; message: string; error?: string })
        .filter((e) => e.message === message),
    kill: () => {
      if (!closed) child.kill("SIGKILL");
    },
  };
  while (!stderr.includes('"run.finished"')) {
    if (closed) throw new Error(stderr);
    await new Promise((r) => setTimeout(r, 100));
  }
  return daemon;
}

interface DaemonEvent {
  level: string;
  message: string;
  purpose?: string;
  error?: string;
  status?: string;
  nextRunInMs?: number;
}

/**
 * `leadloop daemon --runs 2` every 2 s with a second's patience, through an outage the test set up: `over`
 * ends it once the daemon has said its first run failed. Expects exit 0; answers the daemon's log events.
 */
async function twoRunsThroughOutage(world: SandboxWorld, over: () => void): Promise<DaemonEvent[]> {
  const config = parse(readFileSync(world.configPath, "utf8")) as Record<string, unknown>;
  config.schedule = { every: "2s" };
  config.sync = { retryPatience: "1s" };
  writeFileSync(world.configPath, stringify(config));
  const daemon = spawnDaemon(world, ["--runs", "2"]);
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => daemon.once("close", (code) => resolve(code)));
  daemon.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
    if (stderr.includes('"daemon.run_failed"')) over();
  });
  expect(await exited).toBe(0);
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as DaemonEvent);
}

describe("leadloop sync and SIGTERM", () => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "sync-stop");
  });
  afterEach(async () => {
    await world.close();
  });

  it("stops after the batch in hand with exit 0, and the next runs finish the work", async () => {
    // Early in the run, while what its phases decided still waits in the outbox: the run writes each
    // record's outbox writes once, in full batches, at its end, so a first load of 40 contacts makes
    // few write calls.
    const stopped = await runSyncChild(world, { atWrite: 4, signal: "SIGTERM" });
    expect(stopped.signal).toBeNull();
    expect(stopped.code).toBe(0);
    expect(stopped.summary?.status).toBe("stopped");

    const resumed = await runSyncChild(world);
    expect([0, 4]).toContain(resumed.code);
    expect(resumed.summary?.status).toBe("succeeded");
    expect(resumed.writes).toBeGreaterThan(0);
    const quiet = await runSyncChild(world);
    expect(quiet.summary?.status).toBe("succeeded");
    expect(quiet.writes).toBe(0);
  });
});

describe("leadloop daemon and SIGTERM", () => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "daemon-stop");
  });
  afterEach(async () => {
    await world.close();
  });

  it("stops at once while a call waits out HubSpot's 429: exit 0, the run a stop and no failure", async () => {
    // Every HubSpot call is refused for a while, and each 429 asks for 30 s: the daemon's first run
    // waits inside a call's retry when the stop comes.
    world.hubspot.faults.add({ requests: [{ kind: "rate_limit", retryAfterSeconds: 30 }] });
    scheduleEvery(world, "1h");
    const daemon = spawnDaemon(world);
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => daemon.once("close", (code) => resolve(code)));
    const waiting = new Promise<void>((resolve) =>
      daemon.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
        if (stderr.includes('"hubspot.retry"')) resolve();
      }),
    );
    await Promise.race([waiting, exited]);
    daemon.kill("SIGTERM");

    expect(await exited).toBe(0);
    const events = stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: string; message: string; error?: string });
    expect(events.map((e) => e.message)).toEqual(expect.arrayContaining(["hubspot.retry", "daemon.stopping", "daemon.run_stopped"]));
    expect(events.find((e) => e.message === "daemon.run_stopped")?.error).toMatch(/stopped as asked/);
    expect(events.filter((e) => e.level === "error" || e.message === "daemon.run_failed")).toEqual([]);
  }, 60_000);

  it("outlives a Salesforce login that is down when it starts: the run fails, says why, and the next run syncs", async () => {
    world.salesforce.faults.add({ requests: [{ kind: "status", status: 503, path: "/services/oauth2/token" }] });
    // Salesforce's login is back once the daemon has said its first run failed.
    const events = await twoRunsThroughOutage(world, () => world.salesforce.faults.clear());
    expect(events.find((e) => e.message === "salesforce.retry")?.purpose).toBe("token");
    const failed = events.find((e) => e.message === "daemon.run_failed");
    expect(failed?.error).toMatch(/SERVER_UNAVAILABLE.*oauth2\/token/);
    // The fields `leadloop sync`'s run.failed has (log-events.int.test.ts): one alert rule for both.
    expect(failed).toMatchObject({ kind: "transient", system: "salesforce" });
    // When the daemon looks again: the rest of the schedule's 2 s after a run that spent its 1 s patience.
    expect(failed?.nextRunInMs).toBeGreaterThanOrEqual(0);
    expect(failed?.nextRunInMs).toBeLessThanOrEqual(2_000);
    // The failure said once, by the line that says when the daemon looks again.
    expect(events.filter((e) => e.level === "error").map((e) => e.message)).toEqual(["daemon.run_failed"]);
    expect(events.filter((e) => e.message === "run.finished").map((e) => e.status)).toEqual(["failed", "succeeded"]);
  }, 60_000);

  it("stopped with no run succeeded yet (Salesforce's login down since it started), exits 1, not 0", async () => {
    // README "Exit statuses": a daemon whose runs all failed has synced nothing; a supervisor that restarts
    // on failure must see it. The stop comes once the first run has said it failed.
    world.salesforce.faults.add({ requests: [{ kind: "status", status: 503, path: "/services/oauth2/token" }] });
    const config = parse(readFileSync(world.configPath, "utf8")) as Record<string, unknown>;
    config.schedule = { every: "1h" };
    config.sync = { retryPatience: "1s" };
    writeFileSync(world.configPath, stringify(config));
    const daemon = spawnDaemon(world);
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => daemon.once("close", (code) => resolve(code)));
    let stopped = false;
    daemon.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      // Once: a second SIGTERM has the signal's default again (README "Exit statuses").
      if (!stopped && stderr.includes('"daemon.run_failed"')) stopped = daemon.kill("SIGTERM");
    });

    expect(await exited).toBe(1);
    expect(stderr).toContain('"daemon.stopping"');
    expect(stderr).not.toContain('"status":"succeeded"');
  }, 60_000);

  it("outlives HubSpot down while its first run makes sure of leadloop's properties: that run fails, the next syncs", async () => {
    // Every property read answers 503 until the daemon has said its first run failed.
    world.hubspot.faults.add({ requests: [{ kind: "status", status: 503, path: "/crm/v3/properties/" }] });
    const events = await twoRunsThroughOutage(world, () => world.hubspot.faults.clear());
    expect(events.filter((e) => e.message === "daemon.run_failed").map((e) => e.error)).toEqual([expect.stringMatching(/503/)]);
    // Before, the failed first look at the properties was kept, and every later run failed with it.
    expect(events.filter((e) => e.message === "run.finished").map((e) => e.status)).toEqual(["succeeded"]);
  }, 60_000);

  it("refuses a second daemon on the same store, naming the first; takes over at once from one killed on this host", async () => {
    scheduleEvery(world, "1h");
    const start = (...args: string[]) => {
      const child = spawnDaemon(world, args);
      const out = { stderr: "", code: new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code))) };
      child.stderr.on("data", (chunk: Buffer) => (out.stderr += chunk.toString("utf8")));
      return { child, out };
    };
    const first = start();
    const children = [first.child];
    try {
    while (!first.out.stderr.includes('"run.finished"')) {
      if (first.child.exitCode !== null) throw new Error(first.out.stderr);
      await new Promise((r) => setTimeout(r, 100));
    }

    // Beside it, on another port (here none): before, it ran too, each on its own schedule.
    const second = start("--runs", "1");
    children.push(second.child);
    expect(await second.out.code).toBe(1);
    expect(second.out.stderr).toContain(`leadloop: another leadloop daemon serves this state store (${hostname()}:${first.child.pid}:daemon-`);
    expect(second.out.stderr).toContain("stop it before starting this one");
    expect(second.out.stderr).not.toContain("run.started");
    expect(first.child.exitCode).toBeNull();

    // Killed without a word (kill -9, a crash): the next daemon on this host need not wait for the lease.
    first.child.kill("SIGKILL");
    await first.out.code;
    const next = start("--runs", "1");
    children.push(next.child);
    expect(await next.out.code).toBe(0);
    expect(next.out.stderr).toContain('"daemon.taken_over"');
    expect(next.out.stderr).toContain('"run.finished"');
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }, 60_000);

  it("stops with exit 1, before its next run, once another daemon took the store while its lease had run out", async () => {
    // Far enough apart that the next run is not due before the takeover below: on a loaded machine a first
    // run of more than 4 s made the next one due at once, and it could start before the store was taken.
    scheduleEvery(world, "15s");
    const daemon = await daemonPastFirstRun(world);
    try {
      // Its process stalled past the lease (a paused VM, an event loop blocked for minutes): a daemon on
      // another host found the lease over and took the store, as its start would.
      const store = await openStore({ path: world.storePath });
      const later = new Date(Date.now() + 3 * 60_000).toISOString();
      expect(await store.acquireLock("daemon", "crm-worker-2:4711:daemon-1764892800000", later, 2 * 60_000)).toBe(true);
      await store.close();
      const taken = daemon.stderr().length;
      // Until it exits, or starts a run beside the daemon that took over.
      while (!daemon.closed() && !daemon.stderr().slice(taken).includes('"run.started"')) await new Promise((r) => setTimeout(r, 100));
      expect(daemon.stderr().slice(taken)).not.toContain('"run.started"');
      expect(await daemon.exited).toBe(1);
      const lost = daemon.events("daemon.lock_lost");
      expect(lost).toHaveLength(1);
      expect(lost[0]!.level).toBe("error");
      expect(lost[0]!.error).toContain("lost the state store's daemon lock to crm-worker-2:4711:daemon-1764892800000");
      expect(lost[0]!.error).toContain("two never write at once");
      // It leaves the lock to the daemon that has it.
      const after = await openStore({ path: world.storePath });
      expect((await after.lockHolder("daemon").finally(() => after.close()))?.holder).toBe("crm-worker-2:4711:daemon-1764892800000");
    } finally {
      daemon.kill();
    }
  }, 60_000);

  it("stops with exit 1, before its next run, once its state store file was deleted under it", async () => {
    // An admin clears the store's folder, or a volume is remounted, while the daemon runs: before, it went on
    // for good into the deleted file (its runs, error queue and SLA clocks lost when it exited), its lock there
    // keeping no `leadloop sync` or second daemon off the new store the next process made at the path.
    scheduleEvery(world, "1s");
    const daemon = await daemonPastFirstRun(world);
    try {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${world.storePath}${suffix}`, { force: true });
      const deleted = daemon.stderr().length;
      // Until it exits, or has started two runs on the deleted file.
      while (!daemon.closed() && daemon.stderr().slice(deleted).split('"run.started"').length < 3) await new Promise((r) => setTimeout(r, 100));
      expect(daemon.closed()).toBe(true);
      expect(await daemon.exited).toBe(1);
      const detached = daemon.events("daemon.store_detached");
      expect(detached).toHaveLength(1);
      expect(detached[0]!.level).toBe("error");
      expect(detached[0]!.error).toContain(`the state store file ${world.storePath} was deleted while this process had it open`);
      expect(detached[0]!.error).toContain("Start leadloop again");
      expect(existsSync(world.storePath)).toBe(false);
    } finally {
      daemon.kill();
    }
  }, 60_000);

  it("never lowers leadloop_runs_total: a tick that finds the store taken is no run, not a run taken back", async () => {
    // A `leadloop sync` on another machine holds the store, and HubSpot answers the daemon's first call
    // slowly: the tick is in hand for a while before it finds the lock taken.
    const store = await openStore({ path: world.storePath });
    await store.acquireLock("sync", "crm-worker-9:4242:by-hand", new Date().toISOString(), 60_000);
    await store.close();
    world.hubspot.faults.add({ requests: [{ kind: "slow", delayMs: 1_500, path: "/crm/v3/properties", times: 1 }] });
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    scheduleEvery(world, "1s");
    const daemon = spawnDaemon(world, [], String(port));
    let stderr = "";
    daemon.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => daemon.once("close", (code) => resolve(code)));
    const scraped: number[] = [];
    try {
      while (!stderr.includes('"daemon.run_skipped"')) {
        if (daemon.exitCode !== null) throw new Error(stderr);
        const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => "");
        const runs = /^leadloop_runs_total (\d+)$/m.exec(metrics);
        if (runs) scraped.push(Number(runs[1]));
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(scraped.length).toBeGreaterThan(3);
      expect(scraped.every((n) => n === 0)).toBe(true);
    } finally {
      daemon.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
