// The engine benchmarks build their fixtures in chunks and time only the code under test. A chunk is
// built just before it is timed, so without a full collection in between, the timed code's
// young-generation collections copy and promote the whole chunk: the fixture's cost counted as the
// engine's (at 100,000 pairs, 275–597 ms of the page path's collections without it, 146–163 ms with it).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | undefined;

/** A full collection now: the fixtures built so far move to the old generation before the clock starts. */
export function settleHeap(): void {
  // A process started without --expose-gc gets the function from a context made after the flag is set.
  collect ??= (globalThis.gc as (() => void) | undefined) ?? fromFreshContext();
  collect();
}

function fromFreshContext(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
