// What every command starts from: the global options, the loaded configuration and a logger that
// redacts the configuration's secrets. Commands get it from here and hold no setup code of their own.
import type { Command } from "commander";
import { formatProblem } from "../config/config-error.js";
import { type LoadedConfig, loadConfig } from "../config/load-config.js";
import { LOG_LEVELS, type LogLevel } from "../log/levels.js";
import { createLogger, type Logger } from "../log/logger.js";
import { logStream } from "./progress.js";

export interface GlobalOptions {
  config?: string;
  logLevel: LogLevel;
}

export interface CommandIo {
  /** Where a command reads a confirmation; absent (as in tests) counts as not a terminal. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /**
   * The time a run takes as now (default: the real time). Only an embedding program or a test sets it,
   * to run the funnel over days (follow-up clocks, cool-downs) without waiting for them.
   */
  now?: () => Date;
  /** Where a command leaves its exit status (0 unless it sets one). */
  outcome: { exitCode: number };
}

export function globalOptions(cmd: Command): GlobalOptions {
  const opts = cmd.optsWithGlobals<{ config?: string; logLevel?: string }>();
  const level = (opts.logLevel ?? "info") as LogLevel;
  return { config: opts.config, logLevel: LOG_LEVELS.includes(level) ? level : "info" };
}

export function makeLogger(io: CommandIo, level: LogLevel, secrets: readonly string[] = []): Logger {
  // On a terminal, a log line steps around the live progress line (progress.ts) instead of joining it.
  return createLogger({ level, pretty: Boolean(io.stderr.isTTY), secrets, stream: logStream(io.stderr) });
}

/** Loads the configuration named by the global options; throws ConfigError on a bad file. */
export function commandConfig(cmd: Command, io: CommandIo): { loaded: LoadedConfig; log: Logger } {
  const g = globalOptions(cmd);
  const loaded = loadConfig(g.config, io.env);
  return { loaded, log: makeLogger(io, g.logLevel, loaded.secrets) };
}

export function printJson(io: CommandIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Says each key the configuration sets but does not use (load-config.ts), for the commands that act on it:
 * a sync run and the daemon log it once at start, so a setting that changes nothing is never silent.
 */
export function warnUnusedConfig(log: Logger, loaded: LoadedConfig): void {
  for (const w of loaded.warnings) log.warn("config.key_ignored", { file: w.file, key: w.key, detail: formatProblem(w) });
}
