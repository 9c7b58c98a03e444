// The commands `leadloop` has: how each is called and described, and the module that defines the rest of
// it, loaded only for the command being run (or asked for help). `leadloop --help` and `--version` then
// load no system client, store or emulator, and a command loads only what it uses (ARCHITECTURE.md "CLI").
import type { Command } from "commander";
import type { CommandIo } from "./context.js";

/** Adds one command, its options and its action to the program. */
export type RegisterCommand = (program: Command, io: CommandIo) => void;

export interface CommandEntry {
  /** The command's name and arguments, as commander takes them (`explain <email>`). */
  usage: string;
  description: string;
  /**
   * Whether the command runs a sync: a system failure that stops it keeps what was committed, and says
   * that the next run resumes (RESUME_NOTE); a command that reads or checks has no run to resume.
   */
  runsSync?: true;
  /**
   * Whether the command takes the process's stop request (stop-request.ts): a SIGTERM or Ctrl-C from the
   * process's start stops it after the batch in hand. Any other command gives the request back as its
   * action starts, and the signals end it as by default.
   */
  takesStop?: true;
  load: () => Promise<RegisterCommand>;
}

/** In the order the top-level help lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    usage: "sync",
    description: "run one sync between HubSpot and the CRM, both ways, from the saved cursors",
    runsSync: true,
    takesStop: true,
    load: async () => (await import("./commands/sync.js")).registerSync,
  },
  {
    usage: "daemon",
    description: "sync on the configured schedule until SIGTERM; serve the ops console, /healthz and /metrics",
    runsSync: true,
    takesStop: true,
    load: async () => (await import("./commands/daemon.js")).registerDaemon,
  },
  {
    usage: "errors",
    description: "list, retry or discard records that a system refused",
    load: async () => (await import("./commands/errors.js")).registerErrors,
  },
  {
    usage: "unlock",
    description: "show who holds the run lock and release it (after confirming, or with --yes)",
    load: async () => (await import("./commands/unlock.js")).registerUnlock,
  },
  {
    usage: "explain <email>",
    description: "show one person's records on both sides and why each field has its value",
    load: async () => (await import("./commands/explain.js")).registerExplain,
  },
  {
    usage: "near-qualified",
    description: "list people one field or rule short of an MQL, and what is missing",
    load: async () => (await import("./commands/near-qualified.js")).registerNearQualified,
  },
  {
    usage: "hot",
    description: "list MQLs by score, for one rep with --owner",
    load: async () => (await import("./commands/hot.js")).registerHot,
  },
  {
    usage: "sla",
    description: "list follow-up clocks and SLA breaches per rep",
    load: async () => (await import("./commands/sla.js")).registerSla,
  },
  {
    usage: "digest",
    description: "each rep's active leads and what they did since the last digest; --write puts it in the CRM",
    load: async () => (await import("./commands/digest.js")).registerDigest,
  },
  {
    usage: "route <email>",
    description: "say which rep the routing rules give a person to",
    load: async () => (await import("./commands/route.js")).registerRoute,
  },
  {
    usage: "requalify <email>",
    description: "bring a trashed, lost or unreachable person back into the funnel (after confirming, or with --yes)",
    load: async () => (await import("./commands/requalify.js")).registerRequalify,
  },
  {
    usage: "report",
    description: "funnel, campaign and SLA reports from the store, for a period",
    load: async () => (await import("./commands/report.js")).registerReport,
  },
  {
    usage: "validate",
    description: "check leadloop.yaml and the files it names; exit 2 naming the file, line and key on a problem",
    load: async () => (await import("./commands/validate.js")).registerValidate,
  },
  {
    usage: "forecast",
    description:
      "the API calls, time under the rate limits and daily budget a first load and a day of typical change need",
    load: async () => (await import("./commands/forecast.js")).registerForecast,
  },
  {
    usage: "store",
    description: "inspect the state store (store.path)",
    load: async () => (await import("./commands/store.js")).registerStore,
  },
  {
    usage: "sandbox",
    description: "run leadloop against seeded HubSpot and Salesforce emulators on loopback: no accounts needed",
    runsSync: true,
    load: async () => (await import("./commands/sandbox.js")).registerSandbox,
  },
];

export function commandName(entry: CommandEntry): string {
  return entry.usage.split(" ")[0]!;
}

/** The command `name` on `program`, called and described as listed here; its module adds the rest. */
export function declareCommand(program: Command, name: string): Command {
  const entry = COMMANDS.find((c) => commandName(c) === name);
  if (!entry) throw new Error(`leadloop has no command ${name} in its command list`);
  return declareEntry(program, entry);
}

/** The listed command on `program`, called and described only: the help's line for a command not run. */
export function declareEntry(program: Command, entry: CommandEntry): Command {
  return program.command(entry.usage).description(entry.description);
}
