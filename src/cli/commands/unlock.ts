// `leadloop unlock`: shows who holds the run lock and, once confirmed, frees it, for a run that died
// where leadloop cannot tell (on another host) and whose lease has not ended yet. A holder running on
// this host is refused: freeing its lock would let a second run work the store beside it.
import type { Command } from "commander";
import { openStore } from "../../store/open-store.js";
import type { HeldLock } from "../../store/port.js";
import { holderIsDead, livePidHere, RUN_LOCK } from "../../sync/run-lock.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { confirm } from "../confirm.js";
import { EXIT } from "../exit-codes.js";

interface UnlockOptions {
  yes?: boolean;
  json?: boolean;
}

interface UnlockResult {
  /** The lock as found, null when nobody held it. */
  held: (HeldLock & { holderExited: boolean; holderRunning: boolean }) | null;
  released: boolean;
}

export function registerUnlock(program: Command, io: CommandIo): void {
  declareCommand(program, "unlock")
    .option("--yes", "release without asking (needed when stdin is not a terminal)")
    .option("--json", "print what was found and whether it was released as JSON on stdout")
    .addHelpText(
      "after",
      "\nA holder still running on this host is never released: stop it instead (kill -TERM <pid>).\n\n" +
        "Examples:\n  leadloop unlock\n  leadloop unlock --yes --json\n\n" +
        "Exit status: 0 released or nothing held, 1 not released (a holder running on this host included),\n" +
        "2 no terminal to confirm on and no --yes.",
    )
    .action(async function (this: Command, opts: UnlockOptions) {
      const { loaded } = commandConfig(this, io);
      const store = await openStore(loaded.config.store, { existing: true });
      try {
        const lock = await store.lockHolder(RUN_LOCK);
        if (lock === undefined) {
          report(io, opts, { held: null, released: false }, "the run lock is free; nothing to release\n");
          return;
        }
        const pid = livePidHere(lock.holder);
        const held = { ...lock, holderExited: holderIsDead(lock.holder), holderRunning: pid !== undefined };
        const who = `${held.holder} since ${held.acquiredAt}`;
        if (!opts.json) io.stdout.write(`the run lock is held by ${lockText(held)}\n`);
        if (pid !== undefined) {
          // Its run goes on without the lock until its next renewal fails it, and a second run could start
          // beside it meanwhile: a live holder is stopped, never unlocked (--yes included).
          if (opts.json) printJson(io, { held, released: false });
          io.stderr.write(
            `leadloop: the run lock's holder is running on this host (pid ${pid}), so it was not released: ` +
              `stop it with \`kill -TERM ${pid}\` (a sync or daemon stops after the batch in hand and frees the lock); ` +
              "unlock is for a holder that is gone\n",
          );
          io.outcome.exitCode = EXIT.failure;
          return;
        }
        if (!opts.yes) {
          if (!io.stdin?.isTTY) {
            io.stderr.write(
              `leadloop: stdin is not a terminal, so unlock cannot ask; pass --yes to release the run lock held by ${who}\n`,
            );
            io.outcome.exitCode = EXIT.config;
            return;
          }
          if (!(await confirm(io.stdin, io.stderr, `Release the run lock held by ${who}? [y/N] `))) {
            report(io, opts, { held, released: false }, "left the run lock as it is\n");
            io.outcome.exitCode = EXIT.failure;
            return;
          }
        }
        // Released by the holder's name, so a lock that changed hands while we asked is left alone.
        if (await store.releaseLock(RUN_LOCK, held.holder)) {
          report(io, opts, { held, released: true }, `released the run lock held by ${who}\n`);
          return;
        }
        const current = await store.lockHolder(RUN_LOCK);
        if (current === undefined) {
          report(io, opts, { held, released: false }, "the run ended and freed the lock itself\n");
          return;
        }
        if (opts.json) printJson(io, { held, released: false });
        io.stderr.write(
          `leadloop: the run lock changed hands meanwhile (now ${current.holder} since ${current.acquiredAt}); nothing released\n`,
        );
        io.outcome.exitCode = EXIT.failure;
      } finally {
        await store.close();
      }
    });
}

function lockText(held: NonNullable<UnlockResult["held"]>): string {
  const lease = Date.parse(held.expiresAt) <= Date.now() ? "its lease ended" : "its lease ends";
  const exited = held.holderExited
    ? "; its process on this host has exited"
    : held.holderRunning
      ? "; its process on this host is running"
      : "";
  return `${held.holder} since ${held.acquiredAt} (${lease} at ${held.expiresAt}${exited})`;
}

function report(io: CommandIo, opts: UnlockOptions, result: UnlockResult, text: string): void {
  if (opts.json) printJson(io, result);
  else io.stdout.write(text);
}
