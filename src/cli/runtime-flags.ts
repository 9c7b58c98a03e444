// The V8 flags every leadloop process runs with (bin/leadloop.js, and the bench's default-configuration
// process, bench/default-host.ts), each set at start-up unless node was started with its own.
//
// Heap growth: by default V8 lets an old generation reach about four times its live set before the next
// full collection; a run churns through pages of records, so its peak RSS was that multiple of a small
// live set (ARCHITECTURE.md "Memory at scale"). Growing by half instead keeps the peak near the live set;
// the price is more full collections (43 instead of 10 in a 30k first load, about 4 s of its 68 s of CPU).
// V8 reads the flag at each collection, so setting it at start-up takes effect.
//
// Inlining: V8's optimising compiler inlines up to 920 bytes of bytecode into a function by default. A run
// compiles and, after full collections drop the object shapes its optimised code checked, recompiles the
// same functions (test/bench/README.md "Engine CPU"); with a budget of 100 each compile is smaller and the
// 10k bench's first load took 6–15% less CPU (README.md "Benchmarks"). V8 reads the flag when it compiles,
// so code compiled after start-up (all of leadloop's hot code) gets it.
//
// Tiering: V8 counts the bytecode each function runs and, each time the count passes the interrupt budget
// (66 KB by default), weighs optimising it; a function past a few such ticks is compiled by the
// optimising compiler on V8's background threads. A run calls hundreds of functions just often enough
// for that (a phase's setup, a page's bookkeeping): a 10k first load compiled 655 times, and with the
// compiles moved onto the main thread (`--no-concurrent-recompilation`) its main thread took 1.4 s more,
// nearly a quarter of the run's CPU. With eight times the budget a function is optimised only after
// eight times the work: the per-record functions that run tens of thousands of times still are, early in
// the run, and the lukewarm ones stay in the baseline code (test/bench/README.md "V8's background
// threads"). V8 reads the flag when it makes a function's feedback, so code first run after start-up gets it.
import { setFlagsFromString } from "node:v8";

/** The old generation may grow this many percent past the last full collection's survivors. */
export const HEAP_GROWING_PERCENT = 50;
/** Bytes of bytecode V8's optimising compiler inlines into one function at most (V8's default: 920). */
export const INLINED_BYTECODE_BUDGET = 100;
/** Bytes of bytecode a function runs between V8's looks at optimising it (V8's default: 67,584). */
export const INTERRUPT_BUDGET = 8 * 67_584;

const RUNTIME_FLAGS = [
  { flag: "--heap-growing-percent", value: HEAP_GROWING_PERCENT },
  { flag: "--max-inlined-bytecode-size-cumulative", value: INLINED_BYTECODE_BUDGET },
  { flag: "--interrupt-budget", value: INTERRUPT_BUDGET },
] as const;

/**
 * Sets each of RUNTIME_FLAGS on this process unless node was started with its own (V8 takes `-` or `_`
 * in a flag's name). Returns the flags set, by name, and their values.
 */
export function applyRuntimeFlags(execArgv: readonly string[] = process.execArgv): Record<string, number> {
  const given = execArgv.map((arg) => arg.split("=")[0]!.replaceAll("_", "-"));
  const set: Record<string, number> = {};
  for (const { flag, value } of RUNTIME_FLAGS) {
    if (given.includes(flag)) continue;
    setFlagsFromString(`${flag}=${value}`);
    set[flag] = value;
  }
  return set;
}
