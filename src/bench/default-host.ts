// The default configuration's own process (default-process.ts forks it): it holds leadloop and nothing
// else (its emulators run in a process of their own, emulator-host.ts), runs the scenarios (or the soak)
// once and sends their figures back. It grows its heap as the `leadloop` command does (bin/leadloop.js), so its
// peakRssMb is what a user's run reaches.
import { applyRuntimeFlags } from "../cli/runtime-flags.js";
import type { DefaultReply, DefaultRequest } from "./default-process.js";
import { runDefaultScenarios } from "./default-scenarios.js";
import { runSoak } from "./soak.js";

applyRuntimeFlags();
process.once("message", (request: DefaultRequest) => {
  const figures: Promise<unknown> =
    request.soakRuns === undefined
      ? runDefaultScenarios(request.records, request.measuredAt, request.hubspotTier)
      : runSoak(request.records, request.soakRuns, request.measuredAt, request.crm, request.hubspotTier);
  figures.then(
    (result) => process.send?.({ result } satisfies DefaultReply<unknown>),
    (err: unknown) =>
      process.send?.({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies DefaultReply<unknown>),
  );
});
// The bench going away (or crashing) must not leave this process running; its reply sent, it is done.
process.on("disconnect", () => process.exit(0));
