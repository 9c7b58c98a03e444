// Files the command line reads or writes because an option named them (`--rates`, `--html`,
// `--config-out`): one that cannot be read or written is a usage error naming the option and the file
// (exit 2), not an unexpected error with a stack trace.
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./usage-error.js";
import { fileProblem } from "../core/text/file-problem.js";

function usageError(option: string, file: string, doing: string, err: unknown): Error {
  const problem = fileProblem(err);
  return problem ? new UsageError(`${option} ${file}: cannot ${doing} it: ${problem}`) : (err as Error);
}

export function readOptionFile(option: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw usageError(option, file, "read", err);
  }
}

/** Makes the file's folder and checks the file can be written there; returns its absolute path. */
export function prepareOptionFile(option: string, file: string): string {
  const path = resolve(file);
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(path), { code: "EISDIR" });
  } catch (err) {
    throw usageError(option, file, "write", err);
  }
  return path;
}

/** Writes `text` to the file an option named (making its folder); returns its absolute path. */
export function writeOptionFile(option: string, file: string, text: string): string {
  const path = prepareOptionFile(option, file);
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw usageError(option, file, "write", err);
  }
  return path;
}
