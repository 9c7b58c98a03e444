// Runs `leadloop sync` from the built CLI as a child process against a sandbox world, counting the writes
// that reach either emulator, and signals the child at a chosen write: the write has been made and the
// child has not been answered yet, so the crash lands between a write and leadloop committing it. Or it
// loses that write's answer (a 502 for a write made), and the child goes on.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RunSummary } from "../../src/sync/run-summary.js";
import type { SandboxWorld } from "./sandbox-world.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));
/** Keeps a stuck child from hanging the test; a run of the small seeds used here takes seconds. */
const CHILD_DEADLINE_MS = 90_000;

/**
 * The writes of a process's preparation (src/cli/preparation.ts): leadloop's own HubSpot properties made
 * where a fresh portal lacks them, before the first run reads a record: an object's in one batch create,
 * any it did not make one at a time (src/systems/hubspot/ensure-properties.ts).
 */
const PREPARATION_WRITES = new Set(["POST /crm/v3/properties/:objectType/batch/create", "POST /crm/v3/properties/:objectType"]);

/** Which writes a kill plan's `atWrite` counts. */
export type WritesCounted = "record writes" | "preparation";

export interface KillPlan {
  /** The write (counted from 1 over both emulators, among the writes `among` names) at which the child is signalled. */
  atWrite?: number;
  /**
   * The writes `atWrite` counts: the records' (every write but the preparation's property creates) unless
   * told, so a point at 40% of a first load's writes is one of its record writes however many properties
   * the portal lacked; "preparation" counts the property creates alone.
   */
  among?: WritesCounted;
  /** Or the first write to a path this matches. */
  atPath?: RegExp;
  /** With `atPath`: the n-th write to a matching path instead of the first. */
  atPathCount?: number;
  /**
   * SIGKILL or SIGTERM the child; or, without a signal, lose the write's answer: the emulator made the
   * write and tells the child 502, as a gateway can after the system applied a call, and the child goes on.
   */
  signal: "SIGKILL" | "SIGTERM" | "lost answer";
}

export interface ChildRun {
  /** Exit status, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Writes that reached the emulators during the run (after a signal too, until the child exited). */
  writes: number;
  /** Of those, the records' writes: every write but the preparation's property creates. */
  recordWrites: number;
  /** Endpoint of each write, in order. */
  writeLog: string[];
  /** Set when the child was signalled: which write (as `atWrite` counts), and ms from the signal to the exit. */
  killedAtWrite?: number;
  exitMsAfterSignal?: number;
  summary?: RunSummary;
  stdout: string;
  stderr: string;
}

export async function runSyncChild(world: SandboxWorld, kill?: KillPlan): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    [BIN, "--log-level", process.env.CRASHTEST_LOG_LEVEL ?? "error", "sync", "-c", world.configPath, "--json"],
    // Jest's NODE_OPTIONS (--experimental-vm-modules) is not for the CLI.
    { env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) =>
      child.once("close", (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const deadline = setTimeout(() => child.kill("SIGKILL"), CHILD_DEADLINE_MS);

  const writeLog: string[] = [];
  const counted = { "record writes": 0, preparation: 0 };
  let pathWrites = 0;
  let signalledAt: number | undefined;
  const listener = async ({ endpoint, path }: { endpoint: string; path: string }) => {
    writeLog.push(endpoint);
    const kind = writeCounted(endpoint);
    const nth = ++counted[kind];
    if (!kill || signalledAt !== undefined) return;
    if (kill.atWrite !== undefined) {
      if (kind !== (kill.among ?? "record writes") || nth !== kill.atWrite) return;
    } else if (!kill.atPath?.test(path) || ++pathWrites < (kill.atPathCount ?? 1)) return;
    signalledAt = performance.now();
    if (kill.signal === "lost answer") return "lose answer" as const;
    child.kill(kill.signal);
    // SIGKILL: the answer waits until the process is gone, so it never learns the write was made.
    // SIGTERM: the answer goes out, so the child can finish the batch in hand and stop.
    if (kill.signal === "SIGKILL") await exited;
  };
  world.hubspot.onWrite(listener);
  world.salesforce.onWrite(listener);
  try {
    const { code, signal, at } = await exited;
    const run: ChildRun = {
      code,
      signal,
      writes: writeLog.length,
      recordWrites: counted["record writes"],
      writeLog,
      stdout,
      stderr,
    };
    if (signalledAt !== undefined) {
      run.killedAtWrite = kill?.atWrite ?? writeLog.length;
      run.exitMsAfterSignal = Math.round(at - signalledAt);
    }
    if (stdout.trimStart().startsWith("{")) run.summary = JSON.parse(stdout) as RunSummary;
    return run;
  } finally {
    clearTimeout(deadline);
    world.hubspot.onWrite(undefined);
    world.salesforce.onWrite(undefined);
  }
}

function writeCounted(endpoint: string): WritesCounted {
  return PREPARATION_WRITES.has(endpoint) ? "preparation" : "record writes";
}

/** One line on how a child run ended, for failure messages. */
export function describeRun(run: ChildRun): string {
  const how = run.signal ? `was ended by ${run.signal}` : `exited ${run.code}`;
  // The last line that is not a stack frame (an unexpected error's message), and the frame it was thrown
  // from when a stack follows: the message alone ("TypeError: Cannot read properties of undefined") does
  // not say where, and a flake seen once in CI has only this line to go on.
  const lines = run.stderr.trim().split("\n").filter((line) => line.trim() !== "");
  const frame = (line: string) => /^\s+at /.test(line);
  const at = lines.findLastIndex((line) => !frame(line));
  const why = at < 0 ? "" : lines[at]!.slice(0, 300);
  const thrownAt = lines[at + 1] !== undefined && frame(lines[at + 1]!) ? ` (${lines[at + 1]!.trim()})` : "";
  return `${how} after ${run.writes} writes${why ? `: ${why}${thrownAt}` : ""}`;
}

/** Runs at most this many syncs to reach one that writes nothing. */
const RUNS_TO_SETTLE = 6;

/**
 * `leadloop sync` in child processes until a run writes nothing (exit 0, or 4 with refusals): the problems
 * met on the way, none when it settled.
 */
export async function syncUntilSettled(world: SandboxWorld): Promise<string[]> {
  for (let n = 1; n <= RUNS_TO_SETTLE; n++) {
    const run = await runSyncChild(world);
    if (run.code !== 0 && run.code !== 4) return [`run ${n} ${describeRun(run)}`];
    if (run.writes === 0) return [];
  }
  return [`still writing after ${RUNS_TO_SETTLE} runs`];
}
