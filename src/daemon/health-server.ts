// The daemon's HTTP side, on loopback by default: /healthz for orchestrators (always open), Prometheus
// /metrics, and the ops console (src/daemon/console/). With `daemon.token` set, everything but /healthz
// needs the token (Bearer header, or the cookie the login form sets).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log/logger.js";
import type { RunSummary } from "../sync/run-summary.js";
import { loopbackHostHeader, requestToken, tokenMatches } from "./console/auth.js";
import { cachedLiveCheck } from "./console/live-checks.js";
import { type ConsoleApp, send, serveConsole, serveLogin } from "./console/routes.js";
import { RetryReasons } from "./console/retry-reasons.js";
import type { ConsoleSources } from "./console/sources.js";
import { judgeHealth } from "./daemon-health.js";
import { metricsText } from "./metrics.js";

export interface DaemonState {
  startedAt: Date;
  runs: number;
  failures: number;
  lastSummary: RunSummary | null;
  lastSuccessAt: Date | null;
  running: boolean;
  /**
   * When the run in hand last made progress (it started, began a phase, read a group, wrote a batch:
   * the engine's `onProgress`); null before the first run.
   */
  lastProgressAt: Date | null;
  /**
   * /healthz answers 503 when the run in hand has made no progress for longer than this, or with none
   * running, when no run has succeeded for longer than this.
   */
  unhealthyAfterMs: number;
  /** API calls this daemon's runs made, by system (a counter for /metrics). */
  apiCalls?: Record<string, number>;
  /** A changed configuration the daemon refused and runs without (cli/config-reload.ts); null or absent when none stands. */
  configRejected?: ConfigRejection | null;
}

/** A change refused: the files that changed and what `leadloop validate` or `sync` would say of them. */
export interface ConfigRejection {
  at: Date;
  files: string[];
  error: string;
}

export interface HealthServer {
  port: number;
  /**
   * Stops taking requests, waits for `inHand` (the work a request in hand waits for, such as a retry
   * posted from the console) so that request still gets its answer, then closes every connection.
   */
  close(inHand?: () => Promise<void>): Promise<void>;
}

export interface ConsoleOptions {
  sources: ConsoleSources;
  /** daemon.token: required for everything but /healthz when set. */
  token?: string;
  log: Logger;
}

export async function startHealthServer(
  state: DaemonState,
  host: string,
  port: number,
  consoleOptions?: ConsoleOptions,
  /** The daemon's clock, the one its runs stamp progress and success with. */
  now: () => Date = () => new Date(),
): Promise<HealthServer> {
  const app: ConsoleApp | undefined = consoleOptions && {
    sources: consoleOptions.sources,
    token: consoleOptions.token,
    liveCheck: cachedLiveCheck(
      () => consoleOptions.sources.checkLive(),
      () => consoleOptions.sources.now(),
      () => consoleOptions.sources.mappings,
    ),
    retryReasons: new RetryReasons(),
  };
  const server: Server = createServer((req, res) => {
    answer(state, app, now, req, res).catch((err: unknown) => {
      consoleOptions?.log.error("daemon.page_failed", {
        path: req.url,
        error: err instanceof Error ? err.message : String(err),
      });
      if (!res.headersSent) send(res, 500, "the page could not be built; the daemon's log says why\n", "text/plain; charset=utf-8");
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async (inHand) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await inHand?.();
      server.closeAllConnections();
      await closed;
    },
  };
}

async function answer(
  state: DaemonState,
  app: ConsoleApp | undefined,
  now: () => Date,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://leadloop.invalid");
  if (url.pathname === "/healthz") {
    healthz(state, now(), res);
    return;
  }
  if (app?.token) {
    if (await serveLogin(app, req, res, url)) return;
    if (!tokenMatches(requestToken(req), app.token)) {
      refuse(req, res);
      return;
    }
  } else if (!loopbackHostHeader(req)) {
    // No token means loopback only: a Host naming anything else is a browser sent here by another site.
    send(res, 403, "this daemon answers to loopback host names only (set daemon.token to serve others)\n", "text/plain; charset=utf-8");
    return;
  }
  // HEAD too: a monitor's reachability check gets the headers a scrape would (Node leaves the body out).
  if (url.pathname === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
    send(res, 200, await metricsText(state, app?.sources), "text/plain; version=0.0.4; charset=utf-8");
    return;
  }
  if (app && (await serveConsole(app, req, res, url))) return;
  send(res, 404, `not found: try /healthz, /metrics${app ? " or the console at /" : ""}\n`, "text/plain; charset=utf-8");
}

function healthz(state: DaemonState, now: Date, res: ServerResponse): void {
  const { healthy, status, reason } = judgeHealth(state, now);
  res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      status,
      reason,
      running: state.running,
      lastProgressAt: state.lastProgressAt?.toISOString() ?? null,
      runs: state.runs,
      failures: state.failures,
      lastSuccessAt: state.lastSuccessAt?.toISOString() ?? null,
      lastRun: state.lastSummary ? { runId: state.lastSummary.runId, status: state.lastSummary.status } : null,
      // Said, not judged: the daemon runs on, and one restarted by a probe would refuse to start on the file.
      configRejected: state.configRejected
        ? { at: state.configRejected.at.toISOString(), files: state.configRejected.files, error: state.configRejected.error }
        : null,
    }),
  );
}

/** A browser asking for a page is sent to the login form; anything else gets 401 with the scheme to use. */
function refuse(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === "GET" && (req.headers.accept ?? "").includes("text/html")) {
    res.writeHead(303, { location: "/login", "cache-control": "no-store" });
    res.end();
    return;
  }
  res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="leadloop"' });
  res.end("this daemon needs its token: Authorization: Bearer <daemon.token>\n");
}
