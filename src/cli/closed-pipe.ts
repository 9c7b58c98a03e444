// A reader that stops early (`leadloop hot | head -1`) closes the pipe leadloop writes to: the rest of
// the output has nowhere to go, which is what the reader asked for, not a failure to report.

/** Ends the process quietly, with status 0, when the reader of `stream` has gone (EPIPE). */
export function quietWhenReaderLeaves(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    // Crash-safe like any stop: what a run committed is kept, and the next run resumes from its cursors.
    process.exit(0);
  });
}
