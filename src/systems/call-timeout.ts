// The time limits on one HTTP call, shared by both adapters' transports. A call that has no whole answer
// within its limit, or whose answer stops arriving once its headers came (no byte for `stallMs`), is
// abandoned with a CallTimeoutError, which each fault table classifies as transient, so the one retry
// layer (call-retry.ts) tries it again within the call's patience (a create not: its headers came, so it
// was carried out).
//
// The client libraries' own timeouts do not cover a whole call. jsforce 3 clears its fetch timeout once
// the response headers arrive and pipes the body on without forwarding its errors (jsforce
// lib/request.js: `executeWithTimeout(fetchWithRetries, …)`, then `res.body.pipe(output)`), so a server
// that sends headers and stalls, or a connection reset mid-body, leaves its promise pending forever.
// @hubspot/api-client sets no timeout at all. The limit is therefore raced here, around the whole call.

/**
 * An answer whose headers came and whose body then sends nothing for this long is given up and retried:
 * a connection cut or stalled mid-body, which jsforce never settles and node-fetch may wait on for ever,
 * is then retried well within either system's whole-call limit, which stays for a server slow to answer.
 */
export const ANSWER_STALL_MS = 20_000;

/** A call that had no answer within its time limit, or whose answer stopped under way. */
export class CallTimeoutError extends Error {
  constructor(
    /** For messages: `HubSpot`, `Salesforce`. */
    readonly system: string,
    /** `METHOD /path` without query: safe to log. */
    readonly operation: string,
    readonly timeoutMs: number,
    /** The answer's headers came and then no byte of its body for `timeoutMs`. */
    readonly stalled = false,
  ) {
    super(
      stalled
        ? `${system}'s answer to ${operation} stopped: no byte for ${timeoutMs} ms after its headers`
        : `${system} did not answer ${operation} within ${timeoutMs} ms`,
    );
    this.name = "CallTimeoutError";
  }
}

export interface CallLimit {
  system: string;
  operation: string;
  ms: number;
  /** Given with `progress`: how long an answer under way may send nothing before it is given up. */
  stallMs?: number;
}

/**
 * What a transport tells of an answer under way: its headers arrived, a chunk of its body arrived. The
 * stall limit runs from the headers, not the request: a server may take long to carry a call out (the
 * whole-call limit covers that), but once it answers, its body comes in one go.
 */
export class AnswerProgress {
  private listener: (() => void) | undefined;

  heard(): void {
    this.listener?.();
  }

  /** @internal withTimeout's: one listener per call. */
  listen(listener: () => void): void {
    this.listener = listener;
  }
}

/** `call`'s answer, or a CallTimeoutError once `limit.ms` has passed without one or its answer stalled. */
export async function withTimeout<T>(call: Promise<T>, limit: CallLimit, progress?: AnswerProgress): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let stall: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeoutError(limit.system, limit.operation, limit.ms)), limit.ms);
    const stallMs = limit.stallMs;
    if (progress && stallMs !== undefined) {
      progress.listen(() => {
        clearTimeout(stall);
        stall = setTimeout(() => reject(new CallTimeoutError(limit.system, limit.operation, stallMs, true)), stallMs);
      });
    }
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
    clearTimeout(stall);
    progress?.listen(() => undefined);
    // A call that settles after the timeout is dropped; keep its rejection from going unhandled.
    call.catch(() => undefined);
  }
}
