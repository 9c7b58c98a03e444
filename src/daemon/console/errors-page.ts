// The error-queue tab: the open entries as problems, as `errors list` shows them (sync/error-problems.ts):
// one cause holding several writes of one person is one row naming its entries, records, phases and what to
// do, with one Retry button that posts them all to /errors/retry (the `errors retry --id … --id …` code path).
import { type ErrorProblem, recordNamed } from "../../core/text/error-problems.js";
import { ERROR_CLASSES, type QueuedError } from "../../store/port.js";
import { problemJson, problemsOfListed, waitingByRecord } from "../../sync/error-problems.js";
import { count, when } from "./format.js";
import { html, type Html } from "./html.js";
import type { ConsoleSources } from "./sources.js";

const ENTRIES_SHOWN = 500;

/** The outcome of a retry of one problem's entries, carried to the page after the redirect (Post/Redirect/Get). */
export interface RetryNotice {
  entries: number[];
  outcome: "resolved" | "failing" | "skipped" | "busy";
  reason?: string;
}

export async function errorsPage(sources: ConsoleSources, notice: RetryNotice | null): Promise<Html> {
  const now = sources.now();
  const counts = await sources.store.countOpenErrors();
  const total = counts.reduce((n, c) => n + c.count, 0);
  const entries = await sources.store.listErrors({ status: "open", limit: ENTRIES_SHOWN });
  // The oldest entries shown, each with the rest of its problem (those past the 500 too), oldest problem first.
  const problems = await problemsOfListed(sources.store, entries);
  const problemCount =
    total > entries.length ? (await sources.store.countOpenProblems()).reduce((n, c) => n + c.count, 0) : problems.length;
  const byClass = ERROR_CLASSES.map((c) => ({
    errorClass: c,
    count: counts.filter((r) => r.errorClass === c).reduce((n, r) => n + r.count, 0),
  })).filter((c) => c.count > 0);
  return html`${notice ? await banner(sources, notice) : ""}
<div class="cards"><div class="card" data-figure="open-errors"><span>Open entries</span><b>${count(total)}</b></div>
<div class="card" data-figure="open-problems"><span>Problems</span><b>${count(problemCount)}</b></div>
${byClass.map((c) => html`<div class="card" data-class="${c.errorClass}"><span>${c.errorClass}</span><b>${count(c.count)}</b></div>`)}</div>
${
  entries.length === 0
    ? html`<p class="ok" id="queue-empty">The error queue is empty: every write was accepted.</p>`
    : html`<table id="error-queue"><thead><tr><th>#</th><th>Class</th><th>Where</th><th>What the system said</th>
<th class="num">Attempts</th><th>First seen</th><th>Last seen</th><th></th></tr></thead><tbody>
${problems.map((p) => row(p, now))}</tbody></table>
${total > entries.length ? html`<p class="muted">Showing the oldest ${count(entries.length)} of ${count(total)} entries and the rest of their problems; <code>leadloop errors list</code> lists them all.</p>` : ""}`
}`;
}

/**
 * A problem's row: `data-entry` is its oldest entry (a problem of one entry is the row it always was),
 * `data-entries` all of them; where names each record with the phases waiting on it.
 */
function row(problem: ErrorProblem<QueuedError>, now: Date): Html {
  const { entries } = problem;
  const first = entries[0]!;
  const json = problemJson(problem, recordNamed);
  const ids = entries.map((e) => e.id);
  const attempts = [...new Set(entries.map((e) => e.attempts))].sort((a, b) => a - b);
  const firstSeen = entries.map((e) => e.firstSeenAt).sort()[0]!;
  const lastSeen = entries.map((e) => e.lastSeenAt).sort().at(-1)!;
  const where = waitingByRecord(problem, recordNamed).map(({ record, entries: phases }) => {
    const e = phases[0]!;
    return html`<div data-record="${record}">${first.system} ${e.object} <code>${recordNamed(e)}</code> <span class="muted">${phases.map((p) => `${p.operation} (#${p.id})`).join(", ")}</span></div>`;
  });
  return html`<tr data-entry="${first.id}" data-entries="${ids.join(" ")}"><td>${ids.map((id) => `#${id}`).join(" ")}</td><td><span class="pill ${first.errorClass === "bug" ? "bad" : "warn"}">${first.errorClass}</span></td>
<td>${where}${problem.email ? html`<div class="muted" data-email>${problem.email}</div>` : ""}</td>
<td class="message">${entries.length > 1 ? problem.cause : first.message}<div class="muted what-to-do">What to do: ${json.whatToDo}</div></td>
<td class="num">${attempts.join("–")}</td><td>${when(firstSeen, now)}</td><td>${when(lastSeen, now)}</td>
<td><form method="post" action="/errors/retry">${ids.map((id) => html`<input type="hidden" name="id" value="${id}">`)}<button type="submit" name="retry" value="${first.id}">Retry${entries.length > 1 ? ` all ${entries.length}` : ""}</button></form></td></tr>`;
}

async function banner(sources: ConsoleSources, notice: RetryNotice): Promise<Html> {
  const named = notice.entries.map((id) => `#${id}`).join(" ");
  const several = notice.entries.length > 1;
  switch (notice.outcome) {
    case "resolved":
      return html`<div class="banner ok" role="status">${several ? "Entries" : "Entry"} ${named} resolved: the system accepted the ${several ? "writes" : "write"}.</div>`;
    case "skipped":
      return html`<div class="banner warn" role="status">${several ? "Entries" : "Entry"} ${named} ${several ? "were" : "was"} not retried: ${notice.reason ?? (several ? "they are no longer open" : "it is no longer open")}.</div>`;
    case "busy":
      return html`<div class="banner warn" role="status">${several ? "Entries" : "Entry"} ${named} ${several ? "were" : "was"} not retried: ${notice.reason ?? "another run holds the store"}.</div>`;
    case "failing": {
      // Those still open failed again; any the system accepted meanwhile are said resolved.
      const now = await Promise.all(notice.entries.map((id) => sources.store.getError(id)));
      const failing = now.filter((e): e is QueuedError => e?.status === "open");
      const resolved = notice.entries.filter((id) => !failing.some((e) => e.id === id));
      const shown = failing[0];
      const failed = (failing.length > 0 ? failing.map((e) => e.id) : notice.entries).map((id) => `#${id}`).join(" ");
      return html`<div class="banner bad" role="status">${failing.length > 1 || (!shown && several) ? "Entries" : "Entry"} ${failed} failed again${
        shown ? html` (attempt ${shown.attempts}): ${shown.message}` : notice.reason ? html`: ${notice.reason}` : ""
      }${resolved.length > 0 && failing.length > 0 ? html`; ${resolved.map((id) => `#${id}`).join(" ")} resolved` : ""}</div>`;
    }
  }
}
