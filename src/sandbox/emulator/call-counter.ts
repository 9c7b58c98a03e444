// Counts the calls an emulator answered, per endpoint pattern, so tests and benchmarks can say how many
// API calls a run made.

/** What a listener sees of a call: its endpoint pattern, its path, its query string and its parsed body. */
export interface ObservedCall {
  endpoint: string;
  /** The path as called (the pattern's parameters filled in: which object, which association). */
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export class CallCounter {
  private readonly counts = new Map<string, number>();
  private readonly listeners = new Set<(call: ObservedCall) => void>();

  record(endpoint: string, call?: Omit<ObservedCall, "endpoint">): void {
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
    if (call) for (const listener of this.listeners) listener({ endpoint, ...call });
  }

  /** Calls `listener` for every counted call (the bench sorts calls by what they are for); returns an unsubscribe. */
  observe(listener: (call: ObservedCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls per `METHOD /pattern`, sorted by endpoint. */
  byEndpoint(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  reset(): void {
    this.counts.clear();
  }
}
