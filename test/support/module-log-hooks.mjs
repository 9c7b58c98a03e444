// Module customization hooks (Node's `module.register`) that append each module a process resolves to
// the file LEADLOOP_MODULE_LOG names, one URL a line: what `leadloop` loads for a command.
import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (process.env.LEADLOOP_MODULE_LOG) appendFileSync(process.env.LEADLOOP_MODULE_LOG, `${resolved.url}\n`);
  return resolved;
}
