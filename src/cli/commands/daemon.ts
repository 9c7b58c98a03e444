// `leadloop daemon`: syncs on `schedule.every` until SIGTERM/SIGINT, which stop it after the batch in
// hand; serves /healthz and /metrics meanwhile.
import type { Command } from "commander";
import { type DaemonState, startHealthServer } from "../../daemon/health-server.js";
import { runOnSchedule } from "../../daemon/scheduler.js";
import { runLockHolder } from "../../sync/run-lock.js";
import { wire } from "../compose.js";
import { type CommandIo, commandConfig } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { runWired } from "../run-once.js";

export function registerDaemon(program: Command, io: CommandIo): void {
  program
    .command("daemon")
    .description("sync on the configured schedule until SIGTERM; serve /healthz and /metrics")
    .option("--port <n>", "port for /healthz and /metrics (overrides daemon.port; 0 turns them off)", (v) =>
      Number.parseInt(v, 10),
    )
    .option("--runs <n>", "stop after this many runs", (v) => Number.parseInt(v, 10))
    .addHelpText("after", "\nExample:\n  leadloop daemon --config /etc/leadloop/leadloop.yaml --port 9464")
    .action(async function (this: Command, opts: { port?: number; runs?: number }) {
      const { loaded, log } = commandConfig(this, io);
      const config = loaded.config;
      const stop = new AbortController();
      const onSignal = (name: string) => () => {
        log.info("daemon.stopping", { signal: name });
        stop.abort();
      };
      const onTerm = onSignal("SIGTERM");
      const onInt = onSignal("SIGINT");
      process.once("SIGTERM", onTerm);
      process.once("SIGINT", onInt);
      const state: DaemonState = {
        startedAt: new Date(),
        runs: 0,
        failures: 0,
        lastSummary: null,
        lastSuccessAt: null,
        running: false,
        unhealthyAfterMs: Math.max(3 * config.schedule.every, 15 * 60_000),
      };
      const port = opts.port ?? config.daemon.port;
      const health = port > 0 ? await startHealthServer(state, config.daemon.host, port) : undefined;
      if (health) log.info("daemon.listening", { url: `http://${config.daemon.host}:${health.port}` });
      const wiring = await wire(config, log);
      const holder = runLockHolder(`daemon-${Date.now()}`);
      try {
        await runOnSchedule({
          everyMs: config.schedule.every,
          log,
          state,
          signal: stop.signal,
          maxRuns: opts.runs,
          runOnce: (signal) => runWired(wiring, log, { signal, lockHolder: holder }),
        });
      } finally {
        process.off("SIGTERM", onTerm);
        process.off("SIGINT", onInt);
        await health?.close();
        await wiring.close();
      }
      io.outcome.exitCode = state.failures > 0 && state.lastSuccessAt === null ? EXIT.failure : EXIT.ok;
    });
}
