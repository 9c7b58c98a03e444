// Turns driver and file-system failures into StoreErrors that say what happened to which file and what
// a person can do about it; the engine never sees a SqliteError.
import { statSync } from "node:fs";
import { fileProblem } from "../../core/text/file-problem.js";
import { StoreError } from "../port.js";

// Duck-typed, not `instanceof Error`: a native module's errors may come from another realm (jest runs
// tests in a vm context), where instanceof fails.
function errorCode(err: unknown): string | undefined {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

function messageOf(err: unknown): string {
  const message = typeof err === "object" && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === "string" ? message : String(err);
}

/** SQLite could not take a lock another connection holds (busy or locked). */
export function isLockedOut(err: unknown): boolean {
  const code = errorCode(err) ?? "";
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
}

/** `action` completes "could not …", e.g. "commit a batch". */
export function toStoreError(err: unknown, file: string, action: string): StoreError {
  if (err instanceof StoreError) return err;
  const store = `state store ${file}`;
  const code = errorCode(err) ?? "";
  const message = messageOf(err);

  if (isLockedOut(err)) {
    return new StoreError(
      `${store} is locked by another process (could not ${action} before the busy timeout); ` +
        "another leadloop may be writing to it; retry when it has finished",
      err,
    );
  }
  if (code === "SQLITE_NOTADB") {
    return new StoreError(
      `${store} is not a leadloop state store (not a SQLite database); point store.path at another file`,
      err,
    );
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return new StoreError(`${store} is corrupt (${message}); restore it from a backup`, err);
  }
  if (code.startsWith("SQLITE_FULL")) {
    return new StoreError(`${store}: the disk is full; could not ${action}`, err);
  }
  if (code.startsWith("SQLITE_READONLY") || code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new StoreError(
      `${store} is not writable (${message}); check the permissions of the file and its directory`,
      err,
    );
  }
  // A folder at the path, or a file where a folder of the path should be: store.path is what to change.
  const problem = code.startsWith("SQLITE_CANTOPEN") && isFolder(file) ? fileProblem({ code: "EISDIR" }) : fileProblem(err);
  if (problem) return new StoreError(`${store} cannot be opened: ${problem}; point store.path at a file in a folder`, err);
  if (code.startsWith("SQLITE_CANTOPEN")) {
    return new StoreError(
      `${store} cannot be opened (${message}); check that its directory exists and is writable`,
      err,
    );
  }
  if (code.startsWith("SQLITE_IOERR")) {
    return new StoreError(`${store}: disk I/O error while trying to ${action} (${message})`, err);
  }
  if (code.startsWith("SQLITE_CONSTRAINT")) {
    return new StoreError(`${store} refused to ${action}: ${message}`, err);
  }
  if ((err as { name?: unknown } | null)?.name === "TypeError" && /not open/i.test(message)) {
    return new StoreError(`${store} is closed; could not ${action}`, err);
  }
  return new StoreError(`${store}: could not ${action}: ${message}`, err);
}

function isFolder(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
