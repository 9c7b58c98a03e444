// README "Exit statuses": stopped by SIGTERM or Ctrl-C, no call to either system starts after the stop. A
// call can be between its start and its request when the stop comes: waiting for HubSpot's pacing window
// (window-limiter.ts), a first attempt or a retry after a broken answer; waiting for the token call of a
// session refresh it is then sent again after. Each stop here is sent while a `leadloop sync` child stands
// there; both emulators log every request with its time, and none may come after the signal beyond the
// one then in flight. (A signal that reaches a busy process together with an answer, call-retry.ts
// `CallAttempt.sending`, has no case here: a child stopped with SIGSTOP to bring the two together may be
// stopped between a call's last check and its request, and then sends it on SIGCONT, as the old code's
// failure did: in the clean-clone CI under load the case failed so, and no test can tell the two apart.)
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import type { RunSummary } from "../../src/sync/run-summary.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));
const seed = generateSeed({ seed: 23, now: new Date(Date.now() - 60_000), contacts: 30 });

interface LoggedCall {
  system: "hubspot" | "salesforce";
  call: string;
  at: number;
}

/** When the child is sent SIGTERM: as `calls` says. */
type StopWhen = { calls: (calls: readonly LoggedCall[], now: number) => boolean };

/**
 * `leadloop sync --json` in a child, sent SIGTERM once `when.calls` says so, asked at each request as it
 * reaches an emulator (before it is answered, so that request is in flight when the signal goes) and every
 * 100 ms in between. Answers the exit, the summary and the requests that reached either system after the
 * signal.
 */
async function syncStopped(world: SandboxWorld, when: StopWhen) {
  const child = spawn(process.execPath, [BIN, "--log-level", "info", "sync", "-c", world.configPath, "--json"], {
    // Jest's NODE_OPTIONS (--experimental-vm-modules) is not for the CLI.
    env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const calls: LoggedCall[] = [];
  let signalledAt: number | undefined;
  const terminate = () => {
    signalledAt = Date.now();
    child.kill("SIGTERM");
  };
  const consider = () => {
    if (signalledAt === undefined && when.calls(calls, Date.now())) terminate();
  };
  const logged = (system: LoggedCall["system"]) => (call: ObservedCall) => {
    calls.push({ system, call: `${call.endpoint.split(" ")[0]} ${call.path}`, at: Date.now() });
    consider();
  };
  const unobserve = [world.hubspot.calls.observe(logged("hubspot")), world.salesforce.calls.observe(logged("salesforce"))];
  const ticking = setInterval(consider, 100);
  try {
    const code = await new Promise<number | null>((resolve) => child.once("close", (c) => resolve(c)));
    const after = signalledAt === undefined ? [] : calls.filter((c) => c.at > signalledAt!);
    return {
      code,
      signalled: signalledAt !== undefined,
      summary: stdout.trimStart().startsWith("{") ? (JSON.parse(stdout) as RunSummary) : undefined,
      callsAfterSignal: after.map((c) => `${c.call} +${c.at - signalledAt!}ms`),
      stderr,
    };
  } finally {
    clearInterval(ticking);
    for (const stop of unobserve) stop();
  }
}

describe("no call after a stop", () => {
  let world: SandboxWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("a stop while a call waits for HubSpot's ten-second window ends the wait: the call is not sent", async () => {
    // A portal that allows five calls per ten seconds and says so (X-HubSpot-RateLimit-Max, -Remaining):
    // leadloop's fifth call of a window waits most of ten seconds for it.
    world = await openSandboxWorld(seed, "stop-pacing", "salesforce", "enterprise", "optional", 5);
    const hubspotCalls = (calls: readonly LoggedCall[]) => calls.filter((c) => c.system === "hubspot").length;
    // Two seconds without a request after HubSpot's fourth: the run waits for the window, not for an answer.
    const run = await syncStopped(world, { calls: (calls, now) => hubspotCalls(calls) >= 4 && now - calls.at(-1)!.at >= 2_000 });

    expect(run.signalled).toBe(true);
    expect(run.callsAfterSignal).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.summary?.status).toBe("stopped");
  }, 120_000);

  it("a stop while a broken answer's retry waits for HubSpot's window: the retry is not sent, the run says it stopped", async () => {
    world = await openSandboxWorld(seed, "stop-cut", "salesforce", "enterprise", "optional", 5);
    const { hubspot } = world;
    let cutArmed = false;
    const run = await syncStopped(world, {
      calls: (calls, now) => {
        const hubspotCalls = calls.filter((c) => c.system === "hubspot").length;
        // HubSpot's fourth answer breaks off after its headers (a connection dropped under way): they say one
        // call is left of the window, so its retry, after the backoff, waits for the window too. (The
        // emulator tells of a request before it takes a fault for it: the fault is this request's.)
        if (!cutArmed && hubspotCalls === 4) {
          hubspot.faults.add({ requests: [{ kind: "cut", times: 1 }] });
          cutArmed = true;
        }
        return hubspotCalls >= 4 && now - calls.at(-1)!.at >= 2_000;
      },
    });

    expect(run.signalled).toBe(true);
    expect(run.callsAfterSignal).toEqual([]);
    // As a stop during any retry (cli.int "stops `sync` on SIGTERM while a call is being retried"): exit 3,
    // saying what the call met and that it stopped as asked.
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(
      /^leadloop: stopped as asked \(SIGTERM or Ctrl-C\) after \S+ of failed connections to HubSpot \(ERR_STREAM_PREMATURE_CLOSE\) on (GET|POST) \/crm\/v3\//,
    );
  }, 120_000);

  it("a stop during a session refresh's token call: the call the refresh was for is not sent again", async () => {
    world = await openSandboxWorld(seed, "stop-refresh");
    const { salesforce } = world;
    let expired = false;
    const run = await syncStopped(world, {
      calls: (calls) => {
        const last = calls.at(-1);
        if (last?.system !== "salesforce") return false;
        // The org's sessions end at its third API request (a timeout or a revoked token): that request is
        // answered 401 INVALID_SESSION_ID and leadloop asks the token endpoint for a new session, which takes
        // the login host a second: the stop reaches the child before the new session does.
        if (!expired && calls.filter((c) => c.system === "salesforce" && !c.call.includes("/oauth2/")).length === 3) {
          salesforce.data.expireSessions();
          salesforce.faults.add({ requests: [{ kind: "slow", path: "/services/oauth2/token", delayMs: 1_000, times: 1 }] });
          expired = true;
          return false;
        }
        return expired && last.call === "POST /services/oauth2/token";
      },
    });

    expect(run.signalled).toBe(true);
    expect(run.callsAfterSignal).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.summary?.status).toBe("stopped");
  }, 120_000);
});
