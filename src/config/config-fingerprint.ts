// What the configuration's files hold, as a content hash per file: leadloop.yaml, the qualification,
// routing and SLA files and each mapping file. The daemon compares two of these to know a change
// (ARCHITECTURE.md "The daemon's configuration"); mtimes alone miss an edit within the same second, or a
// file copied in with its old time kept (`cp -p`, a config deploy).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LeadloopConfig } from "./leadloop-config.js";
import { mappingFileNames } from "./mapping-file.js";

/** Path → content hash, or what kept the file from being read (`ENOENT`, ...). */
export type ConfigFingerprint = ReadonlyMap<string, string>;

/**
 * The fingerprint of `configFile` (when given) and the files `config` names. The mappings folder counts with
 * Salesforce as CRM only, as it is read then only: its listing (a file added or removed) and each file.
 */
export function configFingerprint(configFile: string | undefined, config: LeadloopConfig): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const file of [configFile, config.qualification, config.routing, config.sla]) if (file !== undefined) hashes.set(file, contentHash(file));
  if (config.crm === "salesforce") {
    try {
      const names = mappingFileNames(config.mappings);
      hashes.set(config.mappings, `listing:${names.join("/")}`);
      for (const name of names) hashes.set(join(config.mappings, name), contentHash(join(config.mappings, name)));
    } catch (err) {
      hashes.set(config.mappings, unreadable(err));
    }
  }
  return hashes;
}

/**
 * What the systems' kept descriptions are kept under (ARCHITECTURE.md "Kept descriptions"): the files the
 * configuration names (mappings, qualification, routing, SLA), the CRM and the systems' addresses. Any
 * change to them, even a comment, reads the descriptions again: the change may name a new property.
 */
export function descriptionsKey(config: LeadloopConfig): string {
  const files = [...configFingerprint(undefined, config)].sort(([a], [b]) => a.localeCompare(b));
  const systems = { crm: config.crm, hubspot: config.hubspot.baseUrl, salesforce: config.salesforce?.instanceUrl ?? null };
  return createHash("sha256").update(JSON.stringify({ files, systems })).digest("hex");
}

/** The files whose hash differs between two fingerprints, or which only one of them has, by path. */
export function changedFiles(before: ConfigFingerprint, after: ConfigFingerprint): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}

function contentHash(file: string): string {
  try {
    return createHash("sha256").update(readFileSync(file)).digest("hex");
  } catch (err) {
    return unreadable(err);
  }
}

function unreadable(err: unknown): string {
  return `unreadable:${(err as NodeJS.ErrnoException).code ?? String(err)}`;
}
