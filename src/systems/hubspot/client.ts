// Builds the @hubspot/api-client Client the adapter sends every call through. Its retry decorator is
// process-global and logs with console.error, so it stays off: call-retry.ts, the one retry layer
// (ARCHITECTURE.md "Errors"), retries instead.
import { Client } from "@hubspot/api-client";

export interface HubspotClientOptions {
  accessToken: string;
  /** https://api.hubapi.com in production, the emulator's URL in tests and the sandbox. */
  baseUrl: string;
}

export function createHubspotClient(options: HubspotClientOptions): Client {
  // No limiterOptions: the client would install a process-global Bottleneck; the adapter's own
  // WindowLimiters pace calls instead.
  return new Client({
    accessToken: options.accessToken,
    basePath: options.baseUrl.replace(/\/+$/, ""),
    numberOfApiCallRetries: 0,
  });
}
