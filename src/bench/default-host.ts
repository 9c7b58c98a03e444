// The default configuration's own process (default-process.ts forks it): it holds leadloop and nothing
// else (its emulators run in a process of their own, emulator-host.ts), runs the scenarios once and
// sends their figures back. It grows its heap as the `leadloop` command does (bin/leadloop.js), so its
// peakRssMb is what a user's run reaches.
import { limitHeapGrowth } from "../cli/heap-growth.js";
import type { DefaultReply, DefaultRequest } from "./default-process.js";
import { runDefaultScenarios } from "./default-scenarios.js";

limitHeapGrowth();
process.once("message", (request: DefaultRequest) => {
  runDefaultScenarios(request.records, request.measuredAt, request.hubspotTier).then(
    (result) => process.send?.({ result } satisfies DefaultReply),
    (err: unknown) =>
      process.send?.({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies DefaultReply),
  );
});
// The bench going away (or crashing) must not leave this process running; its reply sent, it is done.
process.on("disconnect", () => process.exit(0));
