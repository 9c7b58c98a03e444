// A clock the tests move forward (leadloop and both emulators read it as `now`), so a suite can step past
// look-backs and lags without waiting them out.

/** Past the HubSpot emulator's search index lag (5 s), and a minute on: Salesforce tells deletions to the minute. */
export const PAST_LAG_AND_A_MINUTE_MS = 65_000;

export interface MovingClock {
  now(): Date;
  /** Moves the clock `ms` forward (the clock's step unless told). */
  later(ms?: number): void;
  /** Back to the wall clock, for the next test. */
  reset(): void;
}

export function movingClock(stepMs: number = PAST_LAG_AND_A_MINUTE_MS): MovingClock {
  let ahead = 0;
  return {
    now: () => new Date(Date.now() + ahead),
    later: (ms = stepMs) => {
      ahead += ms;
    },
    reset: () => {
      ahead = 0;
    },
  };
}
