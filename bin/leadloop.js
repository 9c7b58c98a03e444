#!/usr/bin/env node
// Entry point of the `leadloop` command: runs the compiled CLI (built by `npm ci` through `prepare`),
// with the heap growth every leadloop process runs with (src/cli/runtime-flags.ts). The stop signals are
// listened for before anything else loads (src/cli/stop-request.ts), so the CLI's own modules are
// imported only after: a static import would load them first.
import { listenForStop } from "../dist/cli/stop-request.js";

listenForStop();
const { applyRuntimeFlags } = await import("../dist/cli/runtime-flags.js");
applyRuntimeFlags();
const { main } = await import("../dist/cli/main.js");
process.exitCode = await main(process.argv);
