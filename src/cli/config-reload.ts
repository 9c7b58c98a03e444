// The daemon reads a changed configuration at the start of a run, as a cron `leadloop sync` reads it each
// time (ARCHITECTURE.md "The daemon's configuration"): leadloop.yaml and every file it names, compared by
// content hash; a valid change applies whole, an invalid one is refused whole and the daemon keeps the
// configuration it has.
import { changedFiles, type ConfigFingerprint, configFingerprint } from "../config/config-fingerprint.js";
import { type LoadedConfig, loadConfig } from "../config/load-config.js";
import type { ConfigRejection } from "../daemon/health-server.js";
import type { Logger } from "../log/logger.js";
import { type ConfigFiles, loadConfigFiles } from "./compose.js";
import { keepFixedSettings } from "./fixed-settings.js";

/** A changed configuration, validated, to apply before the run. */
export interface ConfigChange {
  /** The new leadloop.yaml, with the running daemon's values of the keys that need a restart. */
  loaded: LoadedConfig;
  files: ConfigFiles;
}

export interface ConfigReload {
  /**
   * Reads the configuration again when any of its files changed since it was last read; the change to
   * apply, or undefined when nothing changed or the change was refused (logged, and `rejection()` says it).
   */
  changes(): ConfigChange | undefined;
  /** The refusal that stands: the files still hold what was refused. */
  rejection(): ConfigRejection | undefined;
}

export interface ConfigReloadOptions {
  /** Keys the command line sets (`--port`): a change to them in the file needs no restart to be said. */
  overridden?: readonly string[];
}

export function configReload(
  start: LoadedConfig,
  env: Record<string, string | undefined>,
  log: Logger,
  now: () => Date,
  { overridden = [] }: ConfigReloadOptions = {},
): ConfigReload {
  // `read`: leadloop.yaml as last read, before the running daemon's fixed settings were put back into it.
  let applied = { loaded: start, read: start.config, fingerprint: configFingerprint(start.file, start.config) as ConfigFingerprint };
  let refused: (ConfigRejection & { fingerprint: ConfigFingerprint }) | undefined;
  return {
    changes() {
      const seen = configFingerprint(start.file, applied.loaded.config);
      if (changedFiles(applied.fingerprint, seen).length === 0) {
        // Put back as it was: nothing to apply and nothing refused.
        refused = undefined;
        return undefined;
      }
      // Each hash is read before the content it stands for, so an edit made while the files are read
      // differs from it at the next tick: read again then, never missed.
      let attempt: Map<string, string> = seen;
      try {
        const next = loadConfig(start.file, env);
        const kept = keepFixedSettings(applied.loaded.config, next.config);
        attempt = configFingerprint(start.file, kept.config);
        attempt.set(start.file, seen.get(start.file)!);
        if (refused && changedFiles(refused.fingerprint, attempt).length === 0) return undefined;
        const files = loadConfigFiles(kept.config);
        const changed = changedFiles(applied.fingerprint, attempt);
        // Said when the key's value in the file changes, not again at each later reload while it waits.
        const restartNeeded = kept.restartNeeded.filter(
          (key) => !overridden.includes(key) && keepFixedSettings(applied.read, next.config).restartNeeded.includes(key),
        );
        applied = { loaded: { ...next, config: kept.config }, read: next.config, fingerprint: attempt };
        refused = undefined;
        if (changed.length === 0) return undefined; // put back while it was read
        log.info("daemon.config_reloaded", { files: changed });
        for (const key of restartNeeded)
          log.warn("daemon.restart_needed", { key, file: start.file, reason: `the daemon keeps the ${key} it started with until it is restarted; the rest of the change applies` });
        return { loaded: applied.loaded, files };
      } catch (err) {
        // Said once per content refused: the same files are not refused again each tick.
        if (refused && changedFiles(refused.fingerprint, attempt).length === 0) return undefined;
        // The message `leadloop validate` and `sync` print: each problem with its file, line and key.
        const error = err instanceof Error ? err.message : String(err);
        refused = { at: now(), files: changedFiles(applied.fingerprint, attempt), error, fingerprint: attempt };
        log.error("daemon.config_rejected", {
          files: refused.files,
          error,
          reason: "the daemon keeps running on the configuration it has, and reads the files again at its next run",
        });
        return undefined;
      }
    },
    rejection: () => (refused ? { at: refused.at, files: refused.files, error: refused.error } : undefined),
  };
}
