// The mark a waiting `sandbox --keep` leaves beside the config it wrote: a second sandbox pointed at the
// same folder would delete the store that `sync -c <folder>/leadloop.yaml` keeps against the kept
// emulators and write a config naming its own, gone when it ends. It is refused instead, naming the
// process (exit 1, as a second daemon on a store is); a mark whose process is gone is taken over.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { livePidHere, runLockHolder } from "../sync/run-lock.js";

const MARK_FILE = "sandbox-keep.holder";

/** A sandbox refused because a live `sandbox --keep` serves the folder (errorClass: exit 1). */
export class SandboxKeptError extends Error {
  readonly errorClass = "conflict";
}

/** Throws SandboxKeptError when a `sandbox --keep` still running on this host serves `config`'s folder. */
export function refuseKeptFolder(config: string): void {
  let holder: string;
  try {
    holder = readFileSync(join(dirname(config), MARK_FILE), "utf8").trim();
  } catch {
    return;
  }
  const pid = livePidHere(holder);
  if (pid === undefined || pid === process.pid) return;
  throw new SandboxKeptError(
    `a sandbox --keep (pid ${pid}) serves ${config}, and a new sandbox there would delete its store and ` +
      `replace its config: stop it first (Ctrl-C in its terminal, or kill -TERM ${pid}), or give this ` +
      "sandbox a folder of its own with --config-out",
  );
}

/** Marks `config`'s folder as served by this process until the returned function takes the mark away. */
export function markKeptFolder(config: string): () => void {
  const path = join(dirname(config), MARK_FILE);
  const holder = runLockHolder("sandbox-keep");
  writeFileSync(path, `${holder}\n`);
  return () => {
    try {
      if (readFileSync(path, "utf8").trim() === holder) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
}
