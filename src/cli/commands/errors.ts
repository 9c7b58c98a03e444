// `leadloop errors list` and `leadloop errors retry`: work the queue of records a system refused.
import { type Command, Option } from "commander";
import { nextPassingTry } from "../../core/passing-backoff.js";
import { errorAdvice } from "../../core/text/error-advice.js";
import { type ErrorProblem, problemsOf, recordNamed } from "../../core/text/error-problems.js";
import { openStore } from "../../store/open-store.js";
import { ERROR_STATUSES, type ErrorStatus, type QueuedError } from "../../store/port.js";
import { retryQueuedErrors } from "../../sync/retry-errors.js";
import { RUN_LOCK_TTL_MS, runLockHolder, takeRunLock } from "../../sync/run-lock.js";
import { declareCommand } from "../command-list.js";
import { runParts, wire } from "../compose.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { problemJson, problemsOfListed } from "../../sync/error-problems.js";
import { problemLines } from "../error-problem-lines.js";
import { EXIT, exitFor } from "../exit-codes.js";
import { UsageError } from "../usage-error.js";
import { wholeNumber } from "../whole-number.js";

export function registerErrors(program: Command, io: CommandIo): void {
  const errors = declareCommand(program, "errors");
  errors
    .command("list")
    .description("list the error queue (open entries unless --status says otherwise)")
    // Choices, as digest's --period: a wrong value is commander's usage error naming them (exit 2), said
    // before the configuration is read, where it came after (a folder without leadloop.yaml said that).
    .addOption(new Option("--status <status>", "which entries").choices([...ERROR_STATUSES, "all"]).default("open"))
    .option("--limit <n>", "at most this many entries (a problem's line names its other open entries too)", wholeNumber(1), 100)
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExamples:\n  leadloop errors list\n  leadloop errors list --status all --json")
    .action(async function (this: Command, opts: { status: string; limit: number; json?: boolean }) {
      const { loaded } = commandConfig(this, io);
      const store = await openStore(loaded.config.store, { existing: true });
      try {
        const filter =
          opts.status === "all"
            ? { limit: opts.limit }
            : { status: opts.status as ErrorStatus, limit: opts.limit };
        const listed = await store.listErrors(filter);
        // One cause refusing several writes of one person is one problem (sync/error-problems.ts): each
        // entry still waits for its own write, and names its problem and what to do about it all.
        const problems = await problemsOfListed(store, listed);
        const problemOf = new Map(problems.flatMap((p) => p.entries.map((e) => [e.id, p] as const)));
        // An open entry says whose move it is: the system's message says only what it refused.
        const entries = listed.map((e) => {
          const problem = problemOf.get(e.id);
          if (e.status !== "open" || !problem) return e;
          // A refusal in passing, or an approval's lock, is sent again by a sync run by itself, after its
          // backoff (passing-backoff.ts).
          const waits = e.sentByRuns ? { nextTryAt: nextPassingTry(e) } : {};
          return { ...e, ...waits, whatToDo: errorAdvice(e), problem: problemJson(problem, recordNamed) };
        });
        if (opts.json) printJson(io, entries);
        else if (entries.length === 0)
          io.stdout.write(`no ${opts.status === "all" ? "" : `${opts.status} `}errors\n`);
        else {
          const printed = new Set<ErrorProblem<QueuedError>>();
          for (const e of entries) {
            const problem = problemOf.get(e.id);
            if (problem && problem.entries.length > 1) {
              if (!printed.has(problem)) io.stdout.write(problemLines(problem, recordNamed));
              printed.add(problem);
              continue;
            }
            io.stdout.write(
              `#${e.id} [${e.status}] ${e.system} ${e.object} ${recordNamed(e)} ${e.operation}: ${e.message}` +
                ` (${e.errorClass}, ${e.attempts} attempt${e.attempts === 1 ? "" : "s"}, last ${e.lastSeenAt})\n` +
                ("whatToDo" in e ? `   what to do: ${e.whatToDo}\n` : ""),
            );
          }
        }
      } finally {
        await store.close();
      }
    });
  errors
    .command("retry")
    .description(
      "re-sync the records behind open entries; an entry whose write the system accepts is resolved (errors list --status resolved lists it)",
    )
    .option("--id <n>", "only this entry (repeatable); every open entry without it", entryIds)
    .option("--json", "print the result as JSON on stdout")
    .addHelpText("after", "\nExamples:\n  leadloop errors retry\n  leadloop errors retry --id 12 --id 15")
    .action(async function (this: Command, opts: { id?: number[]; json?: boolean }) {
      const { loaded, log } = commandConfig(this, io);
      const ids = opts.id ?? [];
      if (ids.length > 0 && (await refusedAsTypos(io, loaded.config.store, ids, "retried"))) return;
      // Without a store there is no queue, so nothing to retry: said, not made.
      const wiring = await wire(loaded.config, log, { store: { existing: true }, now: io.now });
      try {
        await wiring.prepare();
        const result = await retryQueuedErrors({
          ...runParts(wiring),
          log,
          ids: ids.length > 0 ? ids : undefined,
        });
        if (opts.json) printJson(io, result);
        else {
          io.stdout.write(
            `resolved ${result.resolved.length}, still failing ${result.stillFailing.length}, skipped ${result.skipped.length}\n`,
          );
          // Each entry by id, as --json names them: a refused-again entry with what the system said this
          // time and whose move it is, so the admin need not run `errors list` to learn why; the entries
          // one cause refused again for one person once, as `errors list` shows them (error-problem-lines.ts).
          for (const id of result.resolved) io.stdout.write(`  #${id} resolved\n`);
          const failing = await Promise.all(result.stillFailing.map(async (id) => ({ id, entry: await wiring.store.getError(id) })));
          for (const { id } of failing.filter((f) => f.entry === undefined)) io.stdout.write(`  #${id} still failing\n`);
          for (const { entries, cause, email } of problemsOf(failing.flatMap((f) => (f.entry ? [f.entry] : [])))) {
            const ids = entries.map((e) => e.id);
            const said = entries.length === 1 ? entries[0]!.message : `${cause}${email ? ` [${email}]` : ""}`;
            io.stdout.write(
              `  ${ids.map((id) => `#${id}`).join(" ")} still failing: ${said}\n` +
                `     what to do: ${errorAdvice(entries[0]!, ids)}\n`,
            );
          }
          for (const s of result.skipped) io.stdout.write(`  #${s.id} skipped: ${s.reason}\n`);
        }
        // As a sync's: 4 while the queue holds open entries, those named with --id and the others alike, so
        // a retried entry refused again and one left open beside it both keep a scheduler's alert on.
        io.outcome.exitCode = exitFor(result.summary);
      } finally {
        await wiring.close();
      }
    });
  registerDiscard(errors, io);
}

/** `errors discard`: gives up on entries whose write can never succeed, so they stop holding the queue open. */
function registerDiscard(errors: Command, io: CommandIo): void {
  errors
    .command("discard")
    .description(
      "give up on open entries whose write can never succeed: they are kept as discarded, no longer open, and their refused write is never sent",
    )
    .option("--id <n>", "the entry to discard (repeatable; at least one)", entryIds)
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nA discarded entry stays listed by `errors list --status discarded` and by `explain`; an entry already\n" +
        "resolved or discarded is skipped. A later change to its record is synced as usual.\n\n" +
        "Example:\n  leadloop errors discard --id 3",
    )
    .action(async function (this: Command, opts: { id?: number[]; json?: boolean }) {
      const { loaded, log } = commandConfig(this, io);
      const ids = opts.id ?? [];
      if (ids.length === 0) throw new UsageError("errors discard needs the entries to discard: --id <n>, once per entry");
      if (await refusedAsTypos(io, loaded.config.store, ids, "discarded")) return;
      const store = await openStore(loaded.config.store, { existing: true });
      try {
        // Under the run lock: a run draining the outbox, or a retry, meanwhile could otherwise send or
        // resolve what is being discarded.
        const now = () => io.now?.() ?? new Date();
        const lease = await takeRunLock({ store, holder: runLockHolder(`discard-${Date.now()}`), now, ttlMs: RUN_LOCK_TTL_MS, log });
        let entries: { id: number; entry: QueuedError }[];
        try {
          entries = await Promise.all([...new Set(ids)].map(async (id) => ({ id, entry: (await store.getError(id))! })));
          const openIds = entries.filter((e) => e.entry.status === "open").map((e) => e.id);
          if (openIds.length > 0) await store.commitBatch({ runId: "errors-discard", at: now().toISOString(), discardedErrors: openIds });
        } finally {
          await lease.release();
        }
        const open = entries.filter((e) => e.entry.status === "open").map((e) => e.entry);
        const skipped = entries
          .filter((e) => e.entry.status !== "open")
          .map((e) => ({ id: e.id, reason: `already ${e.entry.status}` }));
        for (const e of open) log.info("error.discarded", { id: e.id, system: e.system, object: e.object, recordId: e.recordId });
        const result = { discarded: open.map((e) => e.id), skipped };
        if (opts.json) printJson(io, result);
        else {
          for (const e of open) io.stdout.write(`#${e.id} discarded: ${e.system} ${e.object} ${e.recordId ?? "(new)"} ${e.operation}: ${e.message}\n`);
          for (const s of skipped) io.stdout.write(`#${s.id} skipped: ${s.reason}\n`);
        }
      } finally {
        await store.close();
      }
    });
}

/**
 * `--id <n>`, once per entry. No default: an empty list would show in the help as `(default: [])`, which
 * reads as a value where the option is absent (`retry` then takes every open entry, `discard` refuses).
 */
function entryIds(value: string, earlier: number[] | undefined): number[] {
  return [...(earlier ?? []), wholeNumber(1)(value)];
}

/**
 * An asked-for id no entry of the queue has is a typo: said at once, naming it, before anything is done
 * (exit 2). True when some was.
 */
async function refusedAsTypos(
  io: CommandIo,
  storeConfig: Parameters<typeof openStore>[0],
  ids: readonly number[],
  done: "retried" | "discarded",
): Promise<boolean> {
  const store = await openStore(storeConfig, { existing: true });
  const unknown: number[] = [];
  try {
    for (const id of new Set(ids)) if ((await store.getError(id)) === undefined) unknown.push(id);
  } finally {
    await store.close();
  }
  if (unknown.length === 0) return false;
  io.stderr.write(
    `leadloop: the error queue has no entry ${unknown.map((id) => `#${id}`).join(", ")}; nothing was ${done} ` +
      "(`leadloop errors list --status all` lists every entry)\n",
  );
  io.outcome.exitCode = EXIT.config;
  return true;
}
