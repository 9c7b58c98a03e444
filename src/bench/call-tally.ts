// Reads the emulators' per-endpoint call counters and sorts each endpoint into writes, reads or auth, so
// a phase's write calls can be set against the batch-size minimum on their own.
import type { RunningEmulator } from "../sandbox/emulator/server.js";
import type { CallCounts } from "./figures.js";

/** HubSpot answers reads on POST too: searches and batch reads change nothing. */
const READ_ON_POST = /\/search$|\/batch\/read$/;

/** Counts what `emulator` answered since its counter was last reset. */
export function tally(emulator: RunningEmulator): CallCounts {
  const byEndpoint = emulator.calls.byEndpoint();
  const counts: CallCounts = { total: 0, writes: 0, reads: 0, auth: 0, byEndpoint };
  for (const [endpoint, n] of Object.entries(byEndpoint)) {
    counts.total += n;
    counts[kindOf(endpoint)] += n;
  }
  return counts;
}

function kindOf(endpoint: string): "writes" | "reads" | "auth" {
  const [method = "", path = ""] = endpoint.split(" ", 2);
  if (path.includes("/oauth2/")) return "auth";
  if (method === "GET" || method === "HEAD") return "reads";
  if (method === "POST" && READ_ON_POST.test(path)) return "reads";
  return "writes";
}
