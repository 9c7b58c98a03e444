// A small client for an emulator's `/__control` API, used by tests, the sandbox and benchmarks.

export class ControlClient {
  constructor(private readonly baseUrl: string) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/__control${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
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
