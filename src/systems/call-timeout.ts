// The time limit on one HTTP call, shared by both adapters' transports. A call that has no whole answer
// within it is abandoned with a CallTimeoutError, which each fault table classifies as transient, so the
// one retry layer (call-retry.ts) tries it again within the call's patience.
//
// The client libraries' own timeouts do not cover a whole call. jsforce 3 clears its fetch timeout once
// the response headers arrive and pipes the body on without forwarding its errors (jsforce
// lib/request.js: `executeWithTimeout(fetchWithRetries, …)`, then `res.body.pipe(output)`), so a server
// that sends headers and stalls, or a connection reset mid-body, leaves its promise pending forever.
// @hubspot/api-client sets no timeout at all. The limit is therefore raced here, around the whole call.

/** A call that had no answer within its time limit. */
export class CallTimeoutError extends Error {
  constructor(
    /** For messages: `HubSpot`, `Salesforce`. */
    readonly system: string,
    /** `METHOD /path` without query: safe to log. */
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${system} did not answer ${operation} within ${timeoutMs} ms`);
    this.name = "CallTimeoutError";
  }
}

export interface CallLimit {
  system: string;
  operation: string;
  ms: number;
}

/** `call`'s answer, or a CallTimeoutError once `limit.ms` has passed without one. */
export async function withTimeout<T>(call: Promise<T>, limit: CallLimit): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeoutError(limit.system, limit.operation, limit.ms)), limit.ms);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
    // A call that settles after the timeout is dropped; keep its rejection from going unhandled.
    call.catch(() => undefined);
  }
}
