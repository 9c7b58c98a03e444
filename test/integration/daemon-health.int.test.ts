// What `leadloop daemon`'s /healthz tells an orchestrator while a run is in hand (README "The ops
// console"): a first load longer than the window is healthy while it makes progress, a run that makes
// none for longer than the window is not; the console's status card says the same. The daemon runs in this process on a clock the test moves on,
// over emulators made slow, so a run is in hand while the test asks.
import { readFileSync, writeFileSync } from "node:fs";
import { freePort } from "../support/free-port.js";
import { setTimeout as sleep } from "node:timers/promises";
import { parse, stringify } from "yaml";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

/** Past /healthz's window in the default configuration (three 5-minute schedules, at least 15 minutes). */
const PAST_WINDOW = 16 * 60_000;

interface Health {
  status: string;
  reason: string;
  running: boolean;
  lastProgressAt: string | null;
  lastRun: { status: string } | null;
}

interface Answer extends Health {
  code: number;
  /** Asked after the clock moved past the window. */
  late: boolean;
  /** What the ops console's status card said right after. */
  card: string | undefined;
}

/** The status card of the ops console's Sync health tab (open without a token on loopback). */
async function consoleStatus(port: number): Promise<string | undefined> {
  const page = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()).catch(() => "");
  return /data-figure="status"><span>Status<\/span><b class="\w+">(\w+)<\/b>/.exec(page)?.[1];
}

describe("/healthz while the daemon's run is in hand", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 19, now: new Date(), contacts: 60 }), "daemon-health");
  });
  afterAll(async () => {
    await world.close();
  });

  it("is 200 through a first load that outlasts the window while it makes progress, 503 while it makes none", async () => {
    // The run's first HubSpot call (the properties leadloop makes sure of) hangs for 4 s, and every other
    // call takes 20 ms: a first load that is in hand long enough to be asked about.
    world.hubspot.faults.add({
      requests: [
        { kind: "slow", delayMs: 4_000, path: "/crm/v3/properties", times: 1 },
        { kind: "slow", delayMs: 20 },
      ],
    });
    const port = await freePort();
    const config = parse(readFileSync(world.configPath, "utf8")) as Record<string, unknown>;
    config.daemon = { port, host: "127.0.0.1" };
    writeFileSync(world.configPath, stringify(config));
    let ahead = 0;
    const now = () => new Date(Date.now() + ahead);
    let done = false;
    const daemon = runCli(["--log-level", "error", "daemon", "--runs", "1", "--config", world.configPath], {}, undefined, { now }).finally(() => {
      done = true;
    });

    const answers: Answer[] = [];
    while (!done) {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (res) {
        const body = (await res.json()) as Health;
        answers.push({ ...body, code: res.status, late: ahead > 0, card: await consoleStatus(port) });
        // Once the run is in hand, the daemon has been at it for longer than the window.
        if (body.running && ahead === 0) ahead = PAST_WINDOW;
      }
      await sleep(25);
    }
    const result = await daemon;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const late = answers.filter((a) => a.late);
    // While the first call hangs, the run makes no progress: 503, saying so.
    const stalled = late.find((a) => a.running && a.code === 503);
    expect(stalled).toMatchObject({ status: "stalled", reason: expect.stringMatching(/no progress for 9\d\d s/) });
    // Then it reads and writes again: healthy, though no run has succeeded within the window.
    const working = late.find((a) => a.running && a.code === 200);
    expect(working).toMatchObject({ status: "ok", lastRun: null, reason: expect.stringMatching(/^a run is in progress/) });
    expect(Date.parse(working!.lastProgressAt!)).toBeGreaterThan(Date.parse(stalled!.lastProgressAt!) + PAST_WINDOW - 60_000);
    expect(late.indexOf(stalled!)).toBeLessThan(late.indexOf(working!));
    // The console's status card judges the same way: never "stale" for a run in hand, "ok" while it works.
    const cards = late.filter((a) => a.running).map((a) => a.card);
    expect(cards).toContain("ok");
    expect(cards).not.toContain("stale");
  });
});
