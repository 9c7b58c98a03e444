// A mistake in how a command was called that only its action can see (a file an option names that cannot
// be read or written, or holds the wrong thing): printed as one line naming the option, with exit 2.

export class UsageError extends Error {
  override readonly name = "UsageError";
}
