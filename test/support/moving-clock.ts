// A clock the tests move forward (leadloop and both emulators read it as `now`), so a suite can step past
// look-backs and lags without waiting them out.

/** Past the HubSpot emulator's search index lag (5 s), and a minute on: Salesforce tells deletions to the minute. */
export const PAST_LAG_AND_A_MINUTE_MS = 65_000;

export interface MovingClock {
  now(): Date;
  /** Moves the clock `ms` forward (the clock's step unless told). */
  later(ms?: number): void;
  /** Back to the wall clock for the next test, or to `startAt` and on from there. */
  reset(startAt?: Date): void;
}

export function movingClock(stepMs: number = PAST_LAG_AND_A_MINUTE_MS): MovingClock {
  let ahead = 0;
  return {
    now: () => new Date(Date.now() + ahead),
    later: (ms = stepMs) => {
      ahead += ms;
    },
    reset: (startAt) => {
      ahead = startAt ? startAt.getTime() - Date.now() : 0;
    },
  };
}

/** `seconds` before the next midnight (UTC): a test that starts there crosses into the next day as it moves on. */
export function beforeMidnight(seconds: number): Date {
  const day = 86_400_000;
  return new Date((Math.floor(Date.now() / day) + 1) * day - seconds * 1000);
}
