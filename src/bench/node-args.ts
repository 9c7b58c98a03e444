// Extra node flags for the bench's child processes, from the environment (space-separated), so one of
// them can be profiled alone: `--cpu-prof` is refused in NODE_OPTIONS.

/** For the emulators' process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`. */
export const EMULATOR_NODE_ARGS_ENV = "LEADLOOP_BENCH_EMULATOR_ARGS";
/** For the process that runs leadloop's default-configuration scenarios. */
export const SCENARIOS_NODE_ARGS_ENV = "LEADLOOP_BENCH_SCENARIOS_ARGS";

export function extraNodeArgs(env: string): string[] {
  return (process.env[env] ?? "").split(" ").filter(Boolean);
}

/**
 * The flags this process was started with, less those the scenarios' variable gave it: the emulators'
 * process is forked from the scenarios' and keeps their other flags, but profiling one must not profile
 * both.
 */
export function inheritedNodeArgs(): string[] {
  const own = new Set(extraNodeArgs(SCENARIOS_NODE_ARGS_ENV));
  return process.execArgv.filter((arg) => !own.has(arg));
}
