// When a sync run next sends again a write refused in passing (a lock, a rate limit, the system's own
// failure) that outlasted its write's patience: at each of the first runs, then after a wait that doubles
// with the entry's attempts, so a cause that never clears (a record an integration keeps locked for days)
// costs a few calls a day, not a call each run (ARCHITECTURE.md, "Errors").

/** Attempts after which the next run waits: a lock or limit that clears does so within these. */
export const PASSING_TRIES_AT_ONCE = 2;
/** The first wait, doubled with each attempt after it. */
export const PASSING_FIRST_WAIT_MS = 15 * 60_000;
/** The longest wait: a lasting refusal is still tried four times a day, so it lands the day its cause clears. */
export const PASSING_LONGEST_WAIT_MS = 6 * 60 * 60_000;

/** What an entry's backoff is read from: its attempts and when the last one was refused. */
export interface PassingAttempts {
  attempts: number;
  lastSeenAt: string;
}

/** How long after its last refusal an entry with `attempts` waits before a run sends it again. */
export function passingWaitMs(attempts: number): number {
  if (attempts <= PASSING_TRIES_AT_ONCE) return 0;
  return Math.min(PASSING_FIRST_WAIT_MS * 2 ** (attempts - PASSING_TRIES_AT_ONCE - 1), PASSING_LONGEST_WAIT_MS);
}

/** The instant from which a run sends the entry's write again (ISO-8601). */
export function nextPassingTry(entry: PassingAttempts): string {
  return new Date(Date.parse(entry.lastSeenAt) + passingWaitMs(entry.attempts)).toISOString();
}
