// The bench's end of its emulator process (emulator-host.ts): forks it, and turns each request into a
// promise of the host's answer. Keeping the emulators out of the bench's process is what makes the
// bench's own RSS leadloop's (test/bench/README.md, "peakRssMb").
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CrmKind } from "../config/leadloop-config.js";
import type { HubspotTier } from "../sandbox/hubspot/portal-tier.js";
import type { PeopleRound } from "../sandbox/play-people.js";
import type { HostReply, HostRequest, HostTally, HostWorld } from "./emulator-protocol.js";
import { EMULATOR_NODE_ARGS_ENV, extraNodeArgs, inheritedNodeArgs } from "./node-args.js";

const HOST = fileURLToPath(new URL("./emulator-host.js", import.meta.url));

export interface EmulatorProcess {
  /**
   * Starts both emulators, HubSpot's portal on `tier`, and seeds the sandbox's world of `contacts`, its
   * CRM side in `crm` (default Salesforce), as `leadloop sandbox --crm` does.
   */
  seed(contacts: number, tier: HubspotTier, crm?: CrmKind): Promise<HostWorld>;
  startTally(): Promise<void>;
  stopTally(): Promise<HostTally>;
  editJobTitles(round: number): Promise<number>;
  /** Moves the emulators' clock forward by `ms`; resolves to how far it now runs ahead of real time. */
  advanceClock(ms: number): Promise<number>;
  /** 10% of the contacts act once each (a form, an email click, a page view); how many acted. */
  playBehaviour(round: number): Promise<number>;
  /** One round of what the sandbox's people do: prospects act, a marketer edits, reps work their leads. */
  playPeople(round: number): Promise<PeopleRound>;
  close(): Promise<void>;
}


/**
 * The emulator process's old-space limit for a world of `contacts`: what the world holds per seeded
 * contact (with its companies, deals, Salesforce rows and activity), with room for the answers of a run,
 * over a fixed base. Node's default limit (about 2 GB here) would stop a 100k world mid-run, and an
 * unbounded one would let a leak take the machine.
 */
export function emulatorHeapMb(contacts: number): number {
  return Math.ceil(HEAP_BASE_MB + (contacts * HEAP_BYTES_PER_CONTACT) / 1_048_576);
}
// A seeded world holds about 6 KB of heap per contact (10k contacts: 56 MB); a run's answers, query
// cursors and re-sorted event orders come on top, so the limit allows twice that and a base.
const HEAP_BASE_MB = 1024;
const HEAP_BYTES_PER_CONTACT = 12_000;

export function forkEmulators(contacts: number): EmulatorProcess {
  const extra = extraNodeArgs(EMULATOR_NODE_ARGS_ENV);
  // The host inherits stderr (its failures show) but not the bench's --json stdout.
  const child: ChildProcess = fork(HOST, [], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    execArgv: [...inheritedNodeArgs(), `--max-old-space-size=${emulatorHeapMb(contacts)}`, "--expose-gc", ...extra],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  let nextId = 1;
  let exited: Error | undefined;
  child.on("message", (reply: HostReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error !== undefined) waiting?.reject(new Error(`emulator process: ${reply.error}`));
    else waiting?.resolve(reply.result);
  });
  child.on("exit", (code, signal) => {
    exited = new Error(`the emulator process exited (${signal ?? `code ${code}`})`);
    for (const waiting of pending.values()) waiting.reject(exited);
    pending.clear();
  });
  const ask = <T>(request: HostRequest): Promise<T> => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, request });
    });
  };
  return {
    seed: (contacts, tier, crm = "salesforce") => ask<HostWorld>({ op: "seed", contacts, tier, crm }),
    startTally: () => ask<void>({ op: "tally-start" }),
    stopTally: () => ask<HostTally>({ op: "tally-stop" }),
    editJobTitles: (round) => ask<number>({ op: "edit-job-titles", round }),
    advanceClock: (ms) => ask<number>({ op: "advance-clock", ms }),
    playBehaviour: (round) => ask<number>({ op: "play-behaviour", round }),
    playPeople: (round) => ask<PeopleRound>({ op: "play-people", round }),
    close: async () => {
      if (exited) return;
      await ask<void>({ op: "close" });
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.disconnect();
      await gone;
    },
  };
}
