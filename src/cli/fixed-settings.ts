// The leadloop.yaml keys a running daemon keeps from its start: what `wire` (compose.ts) builds once into
// the store, the systems' clients and the console's server. A change to one is said
// (`daemon.restart_needed`) and waits for a restart; the rest of the change applies (config-reload.ts).
import type { LeadloopConfig } from "../config/leadloop-config.js";

/**
 * `crm` picks the adapters and `salesforce` is all connection (URL, credentials, API version, lookback);
 * HubSpot's token, URL and recycle-bin pace, the retry patience, the API share and the Bulk threshold are
 * built into the clients; the store is open and locked; the console listens with its token.
 */
export const FIXED_SETTINGS = [
  "crm",
  "store.path",
  "daemon.port",
  "daemon.host",
  "daemon.token",
  "hubspot.accessToken",
  "hubspot.baseUrl",
  "hubspot.recycleBinEvery",
  "salesforce",
  "sync.retryPatience",
  "sync.salesforceApiShare",
  "sync.bulkThreshold",
] as const;

/**
 * `next` with the running daemon's values of FIXED_SETTINGS, and the keys among them `next` changed. The
 * keys are named, never their values (a token is one).
 */
export function keepFixedSettings(running: LeadloopConfig, next: LeadloopConfig): { config: LeadloopConfig; restartNeeded: string[] } {
  const config = structuredClone(next);
  const restartNeeded: string[] = [];
  for (const key of FIXED_SETTINGS) {
    const path = key.split(".");
    const kept = valueAt(running, path);
    if (JSON.stringify(kept) === JSON.stringify(valueAt(next, path))) continue;
    restartNeeded.push(key);
    setValueAt(config, path, structuredClone(kept));
  }
  return { config, restartNeeded };
}

function valueAt(config: LeadloopConfig, path: readonly string[]): unknown {
  let at: unknown = config;
  for (const part of path) at = (at as Record<string, unknown> | undefined)?.[part];
  return at;
}

function setValueAt(config: LeadloopConfig, path: readonly string[], value: unknown): void {
  const parent = path.slice(0, -1).reduce<Record<string, unknown>>((at, part) => (at[part] ??= {}) as Record<string, unknown>, config as unknown as Record<string, unknown>);
  const last = path[path.length - 1]!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}
