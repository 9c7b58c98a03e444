// Finds, reads and validates leadloop.yaml (`--config`, then LEADLOOP_CONFIG, then ./leadloop.yaml) and
// resolves the paths it names against the file's folder, so a config works from any working directory.
import { dirname, isAbsolute, resolve } from "node:path";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { type LeadloopConfig, leadloopConfigSchema } from "./leadloop-config.js";
import { noteNamedFile } from "./named-files.js";
import { parseYamlText, readConfigText, topKeyPosition } from "./yaml-file.js";

export const DEFAULT_CONFIG_FILE = "./leadloop.yaml";

export interface LoadedConfig {
  /** Absolute path of the file read. */
  file: string;
  config: LeadloopConfig;
  /** The secret values in the config, for the log redactor. */
  secrets: string[];
  /** Keys the file sets that this configuration does not use: said by `validate` and each sync, not refused. */
  warnings: ConfigProblem[];
}

export function configPath(flag: string | undefined, env: Record<string, string | undefined>): string {
  return resolve(flag ?? env.LEADLOOP_CONFIG ?? DEFAULT_CONFIG_FILE);
}

export function loadConfig(
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env,
): LoadedConfig {
  const file = configPath(flag, env);
  const text = readLeadloopYaml(file, flag === undefined && env.LEADLOOP_CONFIG === undefined);
  const raw = parseYamlText(text, file, leadloopConfigSchema, { env });
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
  // A file these keys name that cannot be read is said at the key's line (named-files.ts).
  for (const key of NAMED_FILES) {
    const pos = topKeyPosition(text, key);
    noteNamedFile(config[key], { file, line: pos?.line ?? 0, column: pos?.col ?? 0, key, written: raw[key] });
  }
  const secrets = [
    config.hubspot.accessToken,
    config.salesforce?.accessToken,
    config.salesforce?.oauth?.clientSecret,
    config.daemon.token,
  ].filter((s): s is string => typeof s === "string" && s.length >= 4);
  return { file, config, secrets, warnings: unusedKeys(text, file, raw) };
}

/**
 * leadloop.yaml's text. The default file missing from the folder a command runs in is said with where
 * the file is looked for and how to make one: a first command in an empty folder said "file not found" alone.
 */
function readLeadloopYaml(file: string, isDefault: boolean): string {
  try {
    return readConfigText(file);
  } catch (err) {
    if (!isDefault || !(err instanceof ConfigError)) throw err;
    const hint =
      ` (the default ${DEFAULT_CONFIG_FILE}: name another with --config <file> or LEADLOOP_CONFIG; ` +
      "`leadloop sandbox` writes ./sandbox/leadloop.yaml to try, and leadloop's config/leadloop.example.yaml is a commented example)";
    throw new ConfigError(err.problems.map((p) => ({ ...p, message: `${p.message}${hint}` })));
  }
}

/** The keys that name a file (or, `mappings`, a folder) the configuration reads. */
const NAMED_FILES = ["mappings", "qualification", "routing", "sla"] as const;

/**
 * Keys set in the file that the chosen CRM never reads. `mappings` has a default, so only a key the file
 * writes is named: a HubSpot-CRM user who kept it from a Salesforce setup would otherwise believe their
 * field mappings apply.
 */
function unusedKeys(text: string, file: string, raw: LeadloopConfig): ConfigProblem[] {
  if (raw.crm !== "hubspot") return [];
  const pos = topKeyPosition(text, "mappings");
  if (pos === null) return [];
  return [
    {
      file,
      line: pos.line,
      column: pos.col,
      key: "mappings",
      message:
        "ignored with crm: hubspot: field mappings are Salesforce-only (the marketing contact is the CRM contact, so there is nothing to map); remove the key",
    },
  ];
}
