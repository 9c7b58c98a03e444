// Module customization hooks (Node's `module.register`) that say on stderr, as one line, when the process
// first resolves a module whose URL ends with LEADLOOP_ANNOUNCE_MODULE: a test learns the moment a
// `leadloop` child starts loading that module, before any of its code has run.
import { writeSync } from "node:fs";

let announced = false;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const wanted = process.env.LEADLOOP_ANNOUNCE_MODULE;
  if (!announced && wanted && resolved.url.endsWith(wanted)) {
    announced = true;
    writeSync(2, `loading ${wanted}\n`);
  }
  return resolved;
}
