// The error-queue tab: open entries with the system's own message, counted per class, each with a Retry
// button that posts to /errors/<id>/retry (the `errors retry --id` code path).
import { ERROR_CLASSES, type QueuedError } from "../../store/port.js";
import { count, when } from "./format.js";
import { html, type Html } from "./html.js";
import type { ConsoleSources } from "./sources.js";

const ENTRIES_SHOWN = 500;

/** The outcome of a retry, carried to the page after the redirect (Post/Redirect/Get). */
export interface RetryNotice {
  entry: number;
  outcome: "resolved" | "failing" | "skipped" | "busy";
  reason?: string;
}

export async function errorsPage(sources: ConsoleSources, notice: RetryNotice | null): Promise<Html> {
  const now = sources.now();
  const counts = await sources.store.countOpenErrors();
  const total = counts.reduce((n, c) => n + c.count, 0);
  const entries = await sources.store.listErrors({ status: "open", limit: ENTRIES_SHOWN });
  const byClass = ERROR_CLASSES.map((c) => ({
    errorClass: c,
    count: counts.filter((r) => r.errorClass === c).reduce((n, r) => n + r.count, 0),
  })).filter((c) => c.count > 0);
  return html`${notice ? await banner(sources, notice) : ""}
<div class="cards"><div class="card" data-figure="open-errors"><span>Open entries</span><b>${count(total)}</b></div>
${byClass.map((c) => html`<div class="card" data-class="${c.errorClass}"><span>${c.errorClass}</span><b>${count(c.count)}</b></div>`)}</div>
${
  entries.length === 0
    ? html`<p class="ok" id="queue-empty">The error queue is empty: every write was accepted.</p>`
    : html`<table id="error-queue"><thead><tr><th>#</th><th>Class</th><th>Where</th><th>What the system said</th>
<th class="num">Attempts</th><th>First seen</th><th>Last seen</th><th></th></tr></thead><tbody>
${entries.map((e) => row(e, now))}</tbody></table>
${total > entries.length ? html`<p class="muted">Showing the oldest ${count(entries.length)} of ${count(total)}; <code>leadloop errors list</code> lists them all.</p>` : ""}`
}`;
}

function row(e: QueuedError, now: Date): Html {
  return html`<tr data-entry="${e.id}"><td>${e.id}</td><td><span class="pill ${e.errorClass === "bug" ? "bad" : "warn"}">${e.errorClass}</span></td>
<td>${e.system} ${e.object} <code>${e.recordId ?? "(new record)"}</code><div class="muted">${e.operation}</div></td>
<td class="message">${e.message}</td><td class="num">${e.attempts}</td><td>${when(e.firstSeenAt, now)}</td><td>${when(e.lastSeenAt, now)}</td>
<td><form method="post" action="/errors/${e.id}/retry"><button type="submit" name="retry" value="${e.id}">Retry</button></form></td></tr>`;
}

async function banner(sources: ConsoleSources, notice: RetryNotice): Promise<Html> {
  switch (notice.outcome) {
    case "resolved":
      return html`<div class="banner ok" role="status">Entry #${notice.entry} resolved: the system accepted the write.</div>`;
    case "skipped":
      return html`<div class="banner warn" role="status">Entry #${notice.entry} was not retried: ${notice.reason ?? "it is no longer open"}.</div>`;
    case "busy":
      return html`<div class="banner warn" role="status">Entry #${notice.entry} was not retried: ${notice.reason ?? "another run holds the store"}.</div>`;
    case "failing": {
      const entry = await sources.store.getError(notice.entry);
      return html`<div class="banner bad" role="status">Entry #${notice.entry} failed again${
        entry ? html` (attempt ${entry.attempts}): ${entry.message}` : ""
      }</div>`;
    }
  }
}
