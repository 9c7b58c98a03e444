// Routine per-record events (a conflict settled, a person moved, a link restored) are logged at debug; a
// run counts them and logs the counts once at info, so an info log stays readable on a first load of
// thousands of records and still says what happened.
import type { LogFields, Logger } from "./logger.js";

export interface CountingLogger {
  log: Logger;
  /** Debug events seen so far through `log` and its children, by event name. */
  counts(): Record<string, number>;
}

export function countingDebugEvents(inner: Logger): CountingLogger {
  const counts = new Map<string, number>();
  const wrap = (target: Logger): Logger => ({
    error: (event, fields) => target.error(event, fields),
    warn: (event, fields) => target.warn(event, fields),
    info: (event, fields) => target.info(event, fields),
    debug: (event: string, fields?: LogFields) => {
      counts.set(event, (counts.get(event) ?? 0) + 1);
      target.debug(event, fields);
    },
    child: (fields) => wrap(target.child(fields)),
  });
  return { log: wrap(inner), counts: () => Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b))) };
}
