#!/usr/bin/env node
// Entry point of the `leadloop` command: runs the compiled CLI (built by `npm ci` through `prepare`),
// with the heap growth every leadloop process runs with (src/cli/heap-growth.ts).
import { applyRuntimeFlags } from "../dist/cli/runtime-flags.js";
import { main } from "../dist/cli/main.js";

applyRuntimeFlags();
process.exitCode = await main(process.argv);
