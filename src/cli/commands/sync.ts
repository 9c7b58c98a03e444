// `leadloop sync`: one sync run (the default, --once), or --dry-run to print the plan and write nothing.
import type { Command } from "commander";
import { failedRunSummary, StoppedBeforeRun } from "../../sync/engine.js";
import { reportWords } from "../../report/words.js";
import { runFailureFields } from "../../sync/run-failure.js";
import { stoppedBeforeRun, unstartedRun } from "../../sync/run-summary.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, commandConfig, printJson, warnUnusedConfig } from "../context.js";
import { exitFor } from "../exit-codes.js";
import { progressLine } from "../progress.js";
import { runOnce } from "../run-once.js";
import { stopRequest } from "../stop-request.js";
import { summaryText } from "../summary-text.js";

export function registerSync(program: Command, io: CommandIo): void {
  declareCommand(program, "sync")
    .option("--once", "run once and exit (the default; `leadloop daemon` runs on a schedule)")
    .option("--dry-run", "read and plan, print the plan, write nothing")
    .option("--json", "print the summary (and with --dry-run the plan) as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  leadloop sync\n  leadloop sync --dry-run --json > plan.json\n\nSIGTERM or Ctrl-C stops after the batch in hand (exit 0); the next run resumes.\n\nExit status: 0 done, 4 done with records waiting in the error queue (this run's or earlier), 1 failed, 2 bad configuration, 3 a system refused (credentials, limits).",
    )
    .action(async function (this: Command, opts: SyncFlags) {
      // The configuration's systems, once it is read: what a failure before the run began counts by.
      const systems: string[] = [];
      try {
        await syncOnce(this, io, opts, systems);
      } catch (err) {
        // --json answers on stdout whatever the outcome, so `sync --json | jq` always has an object: a run
        // that failed has its summary (run id, status "failed", the failure, what it did before); one that
        // never began (the configuration, the run lock, a system's login) says why in the same shape. The
        // failure's line on stderr and its exit status follow as usual (main.ts).
        const at = (io.now?.() ?? new Date()).toISOString();
        if (opts.json) printJson(io, failedRunSummary(err) ?? unstartedRun(failureText(err), Boolean(opts.dryRun), at, systems));
        throw err;
      }
    });
}

interface SyncFlags {
  dryRun?: boolean;
  json?: boolean;
}

async function syncOnce(cmd: Command, io: CommandIo, opts: SyncFlags, systems: string[]): Promise<void> {
  const { loaded, log } = commandConfig(cmd, io);
  systems.push(...new Set(["hubspot", loaded.config.crm]));
  warnUnusedConfig(log, loaded);
  const progress = progressLine(io, !opts.json);
  // SIGTERM or Ctrl-C stops the run after the batch in hand, with everything so far committed; what
  // was decided but not written stays in the store for the next run. One that came while leadloop was
  // still starting (stop-request.ts) stops the run before its first batch: a run that did nothing.
  const stop = stopRequest();
  const stopListening = stop.onStop(() => log.info("run.stopping", { signal: stop.received() }));
  let result: Awaited<ReturnType<typeof runOnce>>;
  try {
    result = await runOnce(loaded.config, log, {
      dryRun: Boolean(opts.dryRun),
      signal: stop.signal,
      onProgress: (e) => progress.update(e),
      now: io.now,
    });
  } catch (err) {
    if (err instanceof StoppedBeforeRun) {
      // No run: nothing recorded, nothing read or written, no call after the stop; exit 0 as for any stop.
      log.info("run.stopped_before_start", { signal: stop.received() });
      if (opts.json) printJson(io, stoppedBeforeRun(Boolean(opts.dryRun), (io.now?.() ?? new Date()).toISOString(), systems));
      else io.stdout.write("stopped before the run began: nothing was read or written; the next run starts as this one would have\n");
      return;
    }
    // The one log event of a failed run, as the daemon's `daemon.run_failed` (same fields): stderr's
    // line is for a person, this is what a log pipeline alerts on. A run stopped as asked did not fail.
    if (!stop.signal.aborted) log.error("run.failed", runFailureFields(err));
    throw err;
  } finally {
    progress.done();
    stopListening();
  }
  if (opts.json) printJson(io, opts.dryRun ? { ...result.summary, plan: result.plan } : result.summary);
  else {
    if (opts.dryRun) io.stdout.write(planText(result.plan));
    io.stdout.write(summaryText(result.summary, reportWords(loaded.config.crm)));
  }
  io.outcome.exitCode = exitFor(result.summary);
}

/** What `failure` says: the error's message, the line stderr ends with. */
function failureText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function planText(plan: Awaited<ReturnType<typeof runOnce>>["plan"]): string {
  if (plan.length === 0) return "plan: nothing to write\n";
  const lines = plan.map((w) => {
    const fields = w.fields
      .map((f) => `    ${f.field}: ${show(f.before)} → ${show(f.after)}  (${f.rule})`)
      .join("\n");
    return `${w.action} ${w.system} ${w.object}${w.id ? ` ${w.id}` : ""}${w.sourceId ? ` from ${w.sourceId}` : ""}\n${fields}`;
  });
  return `plan: ${plan.length} writes\n${lines.join("\n")}\n`;
}

function show(v: string | null): string {
  return v === null ? "(blank)" : JSON.stringify(v);
}
