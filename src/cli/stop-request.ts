// The process's stop request (SIGTERM, Ctrl-C): one per process, listened for from the first line
// bin/leadloop.js runs, before the command's modules load (a few tenths of a second on a busy machine). A
// stop that comes then is the same clean stop as one mid-run (README "Exit statuses": 0, the next run
// resumes), where the signal's default ended the process with 143. A command that stops cleanly takes the
// request (`stopRequest`); any other gives it back (`releaseStop`, main.ts), and a signal that came
// meanwhile then ends the process as it always did. Imports nothing: it loads before everything else.

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

const stop = new AbortController();
let received: StopSignal | undefined;
let listening = false;
let taken = false;

function onSignal(signal: StopSignal): void {
  // A second signal of the same kind has its default again: a person who presses Ctrl-C twice means it.
  process.off(signal, onSignal);
  received ??= signal;
  stop.abort();
}

/** Listens for the stop signals; bin/leadloop.js calls it first of all. */
export function listenForStop(): void {
  if (listening) return;
  listening = true;
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}

export interface StopRequest {
  /** Aborted once a stop signal came, before the command started or since. */
  signal: AbortSignal;
  /** The signal that asked, for the log; undefined until one came. */
  received(): StopSignal | undefined;
  /** Calls `listener` once the stop is asked: at once when it came while leadloop started. Gives back what stops listening. */
  onStop(listener: () => void): () => void;
}

/** The stop request, for a command that stops cleanly after the batch in hand (`sync`, `daemon`). */
export function stopRequest(): StopRequest {
  taken = true;
  return {
    signal: stop.signal,
    received: () => received,
    onStop: (listener) => {
      if (stop.signal.aborted) {
        listener();
        return () => undefined;
      }
      stop.signal.addEventListener("abort", listener, { once: true });
      return () => stop.signal.removeEventListener("abort", listener);
    },
  };
}

/**
 * For a command that does not stop cleanly: the stop signals get their default back, and one that came
 * meanwhile is raised again, so it ends the process as it would have without this listener.
 */
export function releaseStop(): void {
  if (!listening || taken) return;
  listening = false;
  for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  if (received) process.kill(process.pid, received);
}
