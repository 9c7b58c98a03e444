// Finds, reads and validates leadloop.yaml (`--config`, then LEADLOOP_CONFIG, then ./leadloop.yaml) and
// resolves the paths it names against the file's folder, so a config works from any working directory.
import { dirname, isAbsolute, resolve } from "node:path";
import { type LeadloopConfig, leadloopConfigSchema } from "./leadloop-config.js";
import { loadYamlFile } from "./yaml-file.js";

export const DEFAULT_CONFIG_FILE = "./leadloop.yaml";

export interface LoadedConfig {
  /** Absolute path of the file read. */
  file: string;
  config: LeadloopConfig;
  /** The secret values in the config, for the log redactor. */
  secrets: string[];
}

export function configPath(flag: string | undefined, env: Record<string, string | undefined>): string {
  return resolve(flag ?? env.LEADLOOP_CONFIG ?? DEFAULT_CONFIG_FILE);
}

export function loadConfig(
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env,
): LoadedConfig {
  const file = configPath(flag, env);
  const raw = loadYamlFile(file, leadloopConfigSchema, { env });
  const base = dirname(file);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const config: LeadloopConfig = {
    ...raw,
    store: { ...raw.store, path: raw.store.path === ":memory:" ? raw.store.path : at(raw.store.path) },
    mappings: at(raw.mappings),
    qualification: at(raw.qualification),
    routing: at(raw.routing),
    sla: at(raw.sla),
  };
  const secrets = [
    config.hubspot.accessToken,
    config.salesforce?.accessToken,
    config.salesforce?.oauth?.clientSecret,
    config.daemon.token,
  ].filter((s): s is string => typeof s === "string" && s.length >= 4);
  return { file, config, secrets };
}
