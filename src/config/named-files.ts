// Which leadloop.yaml key named each file the configuration reads (mappings, qualification, routing,
// SLA), so a file that cannot be read is said where the admin fixes it: at that key's line, with the path
// it resolved to. Kept by resolved path for the process: the loaders take a path, and every command reads
// the files after `loadConfig` noted them, so no loader's caller has to carry the key along.
import type { ConfigProblem } from "./config-error.js";

export interface NamingKey {
  /** The leadloop.yaml that named the file. */
  file: string;
  /** 0 when the file does not set the key and its default named the file. */
  line: number;
  column: number;
  key: string;
  /** The value as the file wrote it (or the default), before it was resolved against the file's folder. */
  written: string;
}

const namedBy = new Map<string, NamingKey>();

export function noteNamedFile(path: string, at: NamingKey): void {
  namedBy.set(path, at);
}

/**
 * The problem of a file the configuration names that cannot be read (`reason`: "file not found", ...): a
 * problem of the key that named it, with the path resolved; of the file itself when no key named it.
 */
export function unreadableFile(path: string, reason: string): ConfigProblem {
  const at = namedBy.get(path);
  if (!at) return { file: path, line: 0, column: 0, key: "", message: reason };
  // What the key says, where it is not the path itself: a relative path, or the default.
  const named = at.line === 0 ? ` (the default ${at.written}, as the file sets no ${at.key})` : at.written === path ? "" : ` (${at.written})`;
  return { file: at.file, line: at.line, column: at.column, key: at.key, message: `${reason}: ${path}${named}` };
}
