// How often a run lists a system's recycle bin to follow its deletions: pure numbers the engine's listing
// (sync/recycle-bin.ts), the configuration's default and `leadloop forecast` share (ARCHITECTURE.md
// "One run", removals).

/** The default of `hubspot.recycleBinEvery`. */
export const DEFAULT_RECYCLE_BIN_EVERY_MS = 3_600_000;

/** A bin of at most this many records (ten pages) is listed on every run: the calls are few. */
export const BIN_LISTED_EVERY_RUN = 1_000;
