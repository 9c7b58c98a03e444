// The console's pages and its one action. GET renders a tab from the store as it is now; POST
// /errors/<id>/retry (one entry) or /errors/retry (a problem's entries, `id` fields) runs the `errors retry
// --id` code path and redirects back to the queue with the outcome (so a reload does not retry twice).
import type { IncomingMessage, ServerResponse } from "node:http";
import { RunInProgressError } from "../../sync/run-lock.js";
import { CLEARED_COOKIE, sameOrigin, tokenCookie, tokenMatches } from "./auth.js";
import { errorsPage, type RetryNotice } from "./errors-page.js";
import { funnelPage, funnelReportPage } from "./funnel-page.js";
import { healthPage } from "./health-page.js";
import { html, type Html } from "./html.js";
import { page } from "./layout.js";
import type { LiveCheckResult } from "./live-checks.js";
import { mappingsPage } from "./mappings-page.js";
import type { RetryReasons } from "./retry-reasons.js";
import { slaPage } from "./sla-page.js";
import type { ConsoleSources } from "./sources.js";

export interface ConsoleApp {
  sources: ConsoleSources;
  token: string | undefined;
  liveCheck(): Promise<LiveCheckResult>;
  retryReasons: RetryReasons;
}

const PAGES: Record<string, { title: string; render(app: ConsoleApp, url: URL): Promise<Html> }> = {
  "/": { title: "Sync health", render: (app) => healthPage(app.sources) },
  "/errors": { title: "Error queue", render: (app, url) => errorsPage(app.sources, retryNotice(app, url)) },
  "/mappings": { title: "Mappings", render: async (app) => mappingsPage(app.sources, await app.liveCheck()) },
  "/funnel": { title: "Funnel", render: (app, url) => funnelPage(app.sources, url) },
  "/sla": { title: "SLA board", render: (app) => slaPage(app.sources) },
};

const RETRY_PATH = /^\/errors\/(\d+)\/retry$/;

/** Serves a console request; false when the path is not the console's. */
export async function serveConsole(app: ConsoleApp, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const view = PAGES[url.pathname];
  if (view && (req.method === "GET" || req.method === "HEAD")) {
    const body = await view.render(app, url);
    send(res, 200, page({ title: view.title, path: url.pathname, signedIn: app.token !== undefined, now: app.sources.now() }, body));
    return true;
  }
  if (url.pathname === "/funnel/report" && (req.method === "GET" || req.method === "HEAD")) {
    send(res, 200, await funnelReportPage(app.sources, url), "text/html; charset=utf-8", "frame-ancestors 'self'");
    return true;
  }
  const retry = RETRY_PATH.exec(url.pathname);
  if ((retry || url.pathname === "/errors/retry") && req.method === "POST") {
    if (!sameOrigin(req)) {
      send(res, 403, "a retry must be posted from the console itself\n", "text/plain; charset=utf-8");
      return true;
    }
    // /errors/<id>/retry is one entry; /errors/retry a problem's, named by its form's `id` fields.
    const form = new URLSearchParams(await drain(req));
    const ids = retry ? [Number(retry[1])] : [...new Set(form.getAll("id").map(Number))].filter((id) => Number.isSafeInteger(id) && id > 0);
    if (ids.length === 0) {
      send(res, 400, "a retry names the entries to retry: id=<n>, once per entry\n", "text/plain; charset=utf-8");
      return true;
    }
    const notice = await retryEntries(app, ids);
    const query = new URLSearchParams(notice.entries.map((id): [string, string] => ["entry", String(id)]));
    query.set("outcome", notice.outcome);
    if (notice.reason) query.set("notice", app.retryReasons.keep(notice.reason));
    redirect(res, `/errors?${query}`);
    return true;
  }
  return false;
}

/** Retries the entries still open of those named, together (`errors retry --id … --id …`). */
async function retryEntries(app: ConsoleApp, ids: number[]): Promise<RetryNotice> {
  const named = ids.map((id) => `#${id}`).join(" ");
  const open = (await Promise.all(ids.map((id) => app.sources.store.getError(id)))).filter((e) => e?.status === "open").map((e) => e!.id);
  if (open.length === 0)
    return { entries: ids, outcome: "skipped", reason: ids.length === 1 ? `entry ${named} is not open` : `entries ${named} are not open` };
  try {
    const result = await app.sources.retry(open);
    if (open.every((id) => result.resolved.includes(id))) return { entries: open, outcome: "resolved" };
    const skipped = result.skipped.filter((s) => open.includes(s.id));
    if (skipped.length === open.length) return { entries: open, outcome: "skipped", reason: skipped[0]!.reason };
    return { entries: open, outcome: "failing" };
  } catch (err) {
    if (err instanceof RunInProgressError) return { entries: open, outcome: "busy", reason: err.message };
    // The system could not be reached, or refused the whole retry (a 503, a token refused): another attempt
    // on each entry with that message, as a refusal of the writes themselves would be, shown on the queue page.
    const message = err instanceof Error ? err.message : String(err);
    for (const id of open) await app.sources.store.recordErrorAttempt(id, message, app.sources.now().toISOString());
    return { entries: open, outcome: "failing", reason: message };
  }
}

function retryNotice(app: ConsoleApp, url: URL): RetryNotice | null {
  const entries = url.searchParams.getAll("entry").map(Number);
  const outcome = url.searchParams.get("outcome");
  if (entries.length === 0 || entries.some((id) => !Number.isSafeInteger(id) || id <= 0)) return null;
  if (outcome !== "resolved" && outcome !== "failing" && outcome !== "skipped" && outcome !== "busy") return null;
  return { entries, outcome, reason: app.retryReasons.find(url.searchParams.get("notice")) };
}

/** GET /login shows the form; POST /login checks the token and sets the cookie; POST /logout drops it. */
export async function serveLogin(app: ConsoleApp, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (!app.token) return false;
  if (url.pathname === "/login" && req.method === "GET") {
    send(res, 200, loginPage(null));
    return true;
  }
  if (url.pathname === "/login" && req.method === "POST") {
    const form = new URLSearchParams(await drain(req));
    const given = form.get("token") ?? undefined;
    if (!sameOrigin(req) || !tokenMatches(given, app.token)) {
      send(res, 401, loginPage("That is not this daemon's token (daemon.token in its configuration)."));
      return true;
    }
    res.setHeader("set-cookie", tokenCookie(app.token));
    redirect(res, "/");
    return true;
  }
  if (url.pathname === "/logout" && req.method === "POST") {
    res.setHeader("set-cookie", CLEARED_COOKIE);
    redirect(res, "/login");
    return true;
  }
  return false;
}

function loginPage(problem: string | null): string {
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><title>Sign in · leadloop</title>
<style>body{font:14px system-ui,sans-serif;background:#f5f6f8;display:flex;justify-content:center;padding-top:12vh}
form{background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:20px 24px;width:340px}
input{width:100%;padding:6px;margin:8px 0 12px;font:inherit}.bad{color:#b42318}</style></head>
<body><form method="post" action="/login"><h1 style="font-size:17px;margin:0 0 8px">leadloop ops console</h1>
<label for="token">Token (<code>daemon.token</code>)</label><input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
${problem ? html`<p class="bad" role="alert">${problem}</p>` : ""}<button type="submit">Sign in</button></form></body></html>`.text}`;
}

/** Reads a small request body (a form); more than 8 KB is cut off, since no form here needs it. */
async function drain(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) {
    if (body.length < 8192) body += String(chunk);
  }
  return body.slice(0, 8192);
}

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  type = "text/html; charset=utf-8",
  framing = "frame-ancestors 'none'",
): void {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    // Nothing from elsewhere: no scripts run, styles inline, forms and frames from this console only.
    "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; form-action 'self'; ${framing}`,
    "x-content-type-options": "nosniff",
  });
  res.end(body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, "cache-control": "no-store" });
  res.end();
}
