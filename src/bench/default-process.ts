// The bench's end of the default configuration's own process (default-host.ts): the default scenarios
// run in a fresh child, so their peak RSS and heap are leadloop's alone, not raised by the engine bench,
// the naive baseline or an earlier size of --scale that ran in the bench's process before them
// (test/bench/README.md, "peakRssMb").
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CrmKind } from "../config/leadloop-config.js";
import type { HubspotTier } from "../sandbox/hubspot/portal-tier.js";
import type { DefaultScenarios } from "./default-scenarios.js";
import type { SoakFigures } from "./soak.js";
import { extraNodeArgs, SCENARIOS_NODE_ARGS_ENV } from "./node-args.js";

const HOST = fileURLToPath(new URL("./default-host.js", import.meta.url));

/** The default scenarios (default-scenarios.ts), or the soak (soak.ts) when `soakRuns` is given. */
export interface DefaultRequest {
  records: number;
  measuredAt: string;
  hubspotTier: HubspotTier;
  soakRuns?: number;
  /** The soak's CRM (the default scenarios run with Salesforce). */
  crm?: CrmKind;
}

export type DefaultReply<T> = { result: T } | { error: string };

/** Runs the default scenarios in a child process and resolves to their figures. */
export function runDefaultScenariosApart(request: Omit<DefaultRequest, "soakRuns" | "crm">): Promise<DefaultScenarios> {
  return runApart<DefaultScenarios>(request, "default scenarios");
}

/** Runs the soak in a child process of its own, as the default scenarios run, and resolves to its figures. */
export function runSoakApart(
  records: number,
  runs: number,
  measuredAt: string,
  crm: CrmKind,
  hubspotTier: HubspotTier,
): Promise<SoakFigures> {
  return runApart<SoakFigures>({ records, measuredAt, hubspotTier, soakRuns: runs, crm }, "soak");
}

function runApart<T>(request: DefaultRequest, what: string): Promise<T> {
  // The child inherits stderr (its failures show) but not the bench's --json stdout.
  // --expose-gc: each run's retained heap is measured after a full collection (measure-run.ts).
  const execArgv = ["--expose-gc", ...extraNodeArgs(SCENARIOS_NODE_ARGS_ENV)];
  const child = fork(HOST, [], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv });
  return new Promise<T>((resolve, reject) => {
    let reply: DefaultReply<T> | undefined;
    child.once("message", (message: DefaultReply<T>) => {
      reply = message;
      child.disconnect();
    });
    child.once("exit", (code, signal) => {
      if (reply && "result" in reply) resolve(reply.result);
      else if (reply) reject(new Error(`${what}: ${reply.error}`));
      else reject(new Error(`the ${what}' process exited (${signal ?? `code ${code}`}) without figures`));
    });
    child.send(request);
  });
}
