// A small client for an emulator's `/__control` API, used by tests, the sandbox and benchmarks.

export class ControlClient {
  constructor(private readonly baseUrl: string) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const request = () =>
      fetch(`${this.baseUrl}/__control${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // fetch reuses an idle kept-alive socket; a server closing it at the same moment (its keep-alive
    // timeout, on a loaded machine) resets the request before it is read, so it is sent once more.
    const res = await request().catch((err: unknown) => {
      if (!resetBeforeAnswer(err)) throw err;
      return request();
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`control ${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  calls(): Promise<{ total: number; byEndpoint: Record<string, number> }> {
    return this.call("GET", "/calls");
  }

  resetCalls(): Promise<void> {
    return this.call("DELETE", "/calls");
  }

  addFaults(faults: { requests?: unknown[]; records?: unknown[] }): Promise<void> {
    return this.call("POST", "/faults", faults);
  }

  clearFaults(): Promise<void> {
    return this.call("DELETE", "/faults");
  }
}

/** A fetch that failed because the socket was closed under it (ECONNRESET, or the other side closed). */
function resetBeforeAnswer(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  return cause?.code === "ECONNRESET" || cause?.code === "UND_ERR_SOCKET";
}
