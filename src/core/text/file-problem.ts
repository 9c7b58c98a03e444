// What a file-system failure means to the person who named the file, in a few words: one wording for
// the configuration, the files options name and the state store alike.

const PROBLEMS: Record<string, string> = {
  ENOENT: "file not found",
  EISDIR: "it is a folder, not a file",
  ENOTDIR: "a part of its path is a file, not a folder",
  EEXIST: "a part of its path is a file, not a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
};

/** The problem behind a Node file-system error, or undefined when its code is not one a person can fix. */
export function fileProblem(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? PROBLEMS[code] : undefined;
}
