// `leadloop daemon`: syncs on `schedule.every` until SIGTERM/SIGINT, which stop it after the batch in
// hand; serves the ops console, /healthz and /metrics meanwhile (src/daemon/).
import type { Command } from "commander";
import { DaemonRunningError, type DaemonLease, takeDaemonLock } from "../../daemon/daemon-lock.js";
import { type DaemonState, startHealthServer } from "../../daemon/health-server.js";
import type { ConsoleSources, SystemUsage } from "../../daemon/console/sources.js";
import { oneAtATime } from "../../daemon/one-at-a-time.js";
import { runOnSchedule } from "../../daemon/scheduler.js";
import { retryQueuedErrors } from "../../sync/retry-errors.js";
import { runLockHolder, StoreDetachedError } from "../../sync/run-lock.js";
import type { SystemPort } from "../../sync/system-port.js";
import { declareCommand } from "../command-list.js";
import { runParts, wire } from "../compose.js";
import { type CommandIo, commandConfig, warnUnusedConfig } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { stopRequest } from "../stop-request.js";
import { checkLive } from "../live-check.js";
import { configReload } from "../config-reload.js";
import type { LeadloopConfig } from "../../config/leadloop-config.js";
import { runWired } from "../run-once.js";
import { wholeNumber } from "../whole-number.js";

export function registerDaemon(program: Command, io: CommandIo): void {
  declareCommand(program, "daemon")
    .option("--port <n>", "port of the console, /healthz and /metrics (overrides daemon.port; 0 turns them off)", wholeNumber(0, 65_535))
    .option("--runs <n>", "stop after this many runs", wholeNumber(1))
    .addHelpText(
      "after",
      "\nThe console (http://127.0.0.1:9464/ by default) shows sync health, the error queue with a retry\n" +
        "button, the mappings with their live check, the funnel and the SLA board. With daemon.token set,\n" +
        "everything but /healthz needs it (Authorization: Bearer <token>, or the console's sign-in form).\n\n" +
        "One daemon per state store: a second one exits 1 naming the first (host:pid). One whose lease\n" +
        "ran out while it stalled (over two minutes) and was taken by another logs daemon.lock_lost and\n" +
        "exits 1; so does one whose state store file was deleted or replaced under it\n" +
        "(daemon.store_detached).\n\n" +
        "It reads leadloop.yaml and the files it names again at the start of each run when one changed, as\n" +
        "a cron `leadloop sync` would (daemon.config_reloaded). A change that does not validate is refused\n" +
        "(daemon.config_rejected, also on /healthz and the console) and the daemon runs on the configuration\n" +
        "it has; the store, crm, daemon.*, the systems' connections, sync.retryPatience, salesforceApiShare\n" +
        "and bulkThreshold wait for a restart (daemon.restart_needed).\n\n" +
        "SIGTERM or Ctrl-C stops it after the batch in hand (exit 0; 1 when its runs failed and none\n" +
        "succeeded). SIGHUP (a closed terminal) neither stops it nor reloads anything: it is logged\n" +
        "(daemon.sighup_ignored).\n\n" +
        "Example:\n  leadloop daemon --config /etc/leadloop/leadloop.yaml --port 9464",
    )
    .action(async function (this: Command, opts: { port?: number; runs?: number }) {
      const { loaded, log } = commandConfig(this, io);
      warnUnusedConfig(log, loaded);
      // The configuration in use: a changed one replaces it at the start of a run (applyChangedConfig).
      let config = loaded.config;
      const now = () => io.now?.() ?? new Date();
      // Its files hashed before `wire` reads those leadloop.yaml names: an edit meanwhile is seen at the first run.
      // --port is the command line's: the file's daemon.port means nothing to this daemon.
      const reload = configReload(loaded, io.env, log, now, { overridden: opts.port === undefined ? [] : ["daemon.port"] });
      // SIGTERM or Ctrl-C, from the process's start on (stop-request.ts), or a lease lost: the daemon stops
      // its run in hand before its next call. A signal that came while leadloop was still starting stops it before its
      // first run, where the signal's default ended it with 143.
      const stop = new AbortController();
      const request = stopRequest();
      request.onStop(() => {
        log.info("daemon.stopping", { signal: request.received() });
        stop.abort();
      });
      // A closed terminal or session sends SIGHUP, which would end node at once, mid-batch, without a word
      // (`nohup` does not shield it: node restores SIGHUP's default at start). The daemon keeps running
      // and says so. It is no reload signal either: each run's start reads a changed configuration by
      // itself (config-reload.ts), so a SIGHUP would add nothing, and a closed terminal must not act.
      const onHup = () =>
        log.warn("daemon.sighup_ignored", {
          reason: "SIGHUP does not stop the daemon or reload leadloop.yaml; SIGTERM stops it, and a changed configuration applies at its next run by itself",
        });
      process.on("SIGHUP", onHup);
      const state: DaemonState = {
        startedAt: now(),
        runs: 0,
        failures: 0,
        lastSummary: null,
        lastSuccessAt: null,
        running: false,
        lastProgressAt: null,
        unhealthyAfterMs: healthWindow(config),
        apiCalls: {},
        configRejected: null,
      };
      // No call to either system starts after the stop (call-retry.ts), except a console retry's that was in
      // hand when it came: it finishes its writes and commit and answers its page (README "The ops console").
      // Runs and retries take turns, so no run is in hand then, and the stop reaches the calls once it ends.
      const calls = new AbortController();
      let retriesInHand = 0;
      stop.signal.addEventListener("abort", () => retriesInHand === 0 && calls.abort(), { once: true });
      const wiring = await wire(config, log, { stop: calls.signal, now: io.now });
      const turns = oneAtATime();
      const sources: ConsoleSources = {
        store: wiring.store,
        state,
        crm: config.crm,
        mappings: wiring.mappings,
        sla: wiring.funnel.sla,
        report: { settings: config.report, routing: wiring.funnel.routing },
        salesforceApiShare: config.sync.salesforceApiShare,
        usage: () => ({
          hubspot: wiring.marketing.limitInfo(),
          ...(config.crm === "salesforce" ? { salesforce: usageOf(wiring.crm) } : {}),
        }),
        checkLive: () => checkLive(wiring),
        retry: (ids) =>
          turns(async () => {
            retriesInHand++;
            try {
              await wiring.prepare();
              return await retryQueuedErrors({
                ...runParts(wiring),
                log,
                ids,
                now,
              });
            } finally {
              retriesInHand--;
              if (stop.signal.aborted) calls.abort();
            }
          }),
        now,
      };
      // Before a run, in its turn (no console retry in hand): the run and the console use what it applies.
      const applyChangedConfig = () => {
        const change = reload.changes();
        state.configRejected = reload.rejection() ?? null;
        if (!change) return;
        warnUnusedConfig(log, change.loaded);
        config = change.loaded.config;
        wiring.reconfigure(config, change.files);
        state.unhealthyAfterMs = healthWindow(config);
        Object.assign(sources, {
          mappings: wiring.mappings,
          sla: wiring.funnel.sla,
          report: { settings: config.report, routing: wiring.funnel.routing },
        });
      };
      const port = opts.port ?? config.daemon.port;
      let health;
      try {
        health =
          port > 0
            ? await startHealthServer(state, config.daemon.host, port, { sources, token: config.daemon.token, log }, now)
            : undefined;
      } catch (err) {
        await wiring.close();
        const refused = listenRefusal(err, config.daemon.host, port, opts.port === undefined ? loaded.file : undefined);
        if (!refused) throw err;
        process.off("SIGHUP", onHup);
        io.stderr.write(`leadloop: ${refused}\n`);
        io.outcome.exitCode = EXIT.config;
        return;
      }
      const holder = runLockHolder(`daemon-${Date.now()}`);
      // After the port: a second daemon on the same configuration is told about the port it cannot have,
      // as before; one on another port (or none) is told about the daemon it would run beside.
      let lease: DaemonLease;
      try {
        lease = await takeDaemonLock(wiring.store, holder, now, log);
      } catch (err) {
        await health?.close();
        await wiring.close();
        process.off("SIGHUP", onHup);
        if (!(err instanceof DaemonRunningError)) throw err;
        io.stderr.write(`leadloop: ${err.message}\n`);
        io.outcome.exitCode = EXIT.failure;
        return;
      }
      // Another daemon took the store while this one's lease had run out (the process stalled past it), or
      // the store file was deleted or replaced under it (its lock then keeps no one out): this one stops,
      // its run in hand after the batch in hand as on SIGTERM, and exits 1.
      lease.lost.addEventListener(
        "abort",
        () => {
          const reason = lease.lost.reason as Error;
          log.error(reason instanceof StoreDetachedError ? "daemon.store_detached" : "daemon.lock_lost", { error: reason.message });
          stop.abort();
        },
        { once: true },
      );
      if (health) log.info("daemon.listening", { url: `http://${config.daemon.host}:${health.port}` });
      else log.info("daemon.console_off", { reason: "daemon.port is 0: no console, /healthz or /metrics" });
      try {
        await runOnSchedule({
          // Read after each run, which may have applied a new schedule.every.
          get everyMs() {
            return config.schedule.every;
          },
          log,
          state,
          signal: stop.signal,
          maxRuns: opts.runs,
          now,
          // A store too busy to answer is no lost lock: the run's own lock still guards its writes.
          mayRun: () => lease.renew().catch(() => true),
          runOnce: (signal, onProgress) =>
            turns(() => {
              applyChangedConfig();
              return runWired(wiring, log, { signal, onProgress, lockHolder: holder, now: io.now });
            }),
        });
      } finally {
        process.off("SIGHUP", onHup);
        // A retry posted from the console before the stop finishes its writes and its commit, and its
        // page gets the outcome, before the store and the adapters close.
        await health?.close(() => turns(async () => undefined));
        await lease.release();
        await wiring.close();
      }
      io.outcome.exitCode = lease.lost.aborted || (state.failures > 0 && state.lastSuccessAt === null) ? EXIT.failure : EXIT.ok;
    });
}

/** /healthz's window (DaemonState.unhealthyAfterMs): three runs' time, and never under 15 minutes. */
function healthWindow(config: LeadloopConfig): number {
  return Math.max(3 * config.schedule.every, 15 * 60_000);
}

/**
 * What to tell a person whose console port cannot be had (taken, privileged or not on this host): it is
 * theirs to change, so it reads as a setting to fix rather than as an unexpected error. `file` names the
 * configuration when the port came from it (not from --port).
 */
function listenRefusal(err: unknown, host: string, port: number, file: string | undefined): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const why =
    code === "EADDRINUSE"
      ? "another process already listens on it"
      : code === "EACCES"
        ? "this user may not listen on it (ports below 1024 need privileges)"
        : code === "EADDRNOTAVAIL"
          ? `${host} is not an address of this machine`
          : undefined;
  if (!why) return undefined;
  const setting = file ? `daemon.port and daemon.host in ${file}` : "--port";
  return `cannot serve the console on ${host}:${port}: ${why} (${String(code)}); change ${setting}, or stop what holds the port (port 0 turns the console off)`;
}

/** The Salesforce adapter reports the org's usage from its Sforce-Limit-Info headers. */
function usageOf(crm: SystemPort): SystemUsage | undefined {
  const reporting = crm as SystemPort & { limitInfo?: () => SystemUsage | undefined };
  return reporting.limitInfo?.();
}
