// probeWindows: asks whether a run's change and removal windows hold anything, several in one call
// through the Composite resource ("The entire series of requests counts as a single call toward your API
// limits"; at most 25 subrequests, of which at most 5 queries), so an idle run's empty streams cost one
// call instead of one each (ARCHITECTURE.md "One run", step 1). Each change window is the change read's
// own query cut to `LIMIT 1`, with the getUpdated its read would ask its coverage by (coverage.ts), whose
// answer the read then takes; each removal window is the getDeleted the removals read would send.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm
import type { Logger } from "../../log/logger.js";
import { SystemError } from "../../sync/system-error.js";
import type { ProbeWindow } from "../../sync/system-port.js";
import { MAX_QUERIES, MAX_SUBREQUESTS, sendGets, type SubAnswer } from "./composite.js";
import type { SalesforceClient } from "./connection.js";
import { totalSizeAnswer } from "./query-pages.js";
import { type ChangeCoverage, coveredShortOf, updatedPath } from "./coverage.js";
import { SYSTEM_DOWN } from "./errors.js";
import { deletedPath, deletedResult } from "./removals.js";
import { changeWindow, select } from "./soql.js";

export interface WindowProbeDeps {
  client: SalesforceClient;
  lookbackMs: number;
  log: Logger;
  coverage: ChangeCoverage;
}

interface Asked {
  window: ProbeWindow;
  index: number;
  url: string;
}


/** One probe per adapter: a server without the Composite resource (404) is not asked again. */
export class WindowProbe {
  private unavailable = false;

  constructor(private readonly deps: WindowProbeDeps) {}

  async probe(windows: readonly ProbeWindow[]): Promise<boolean[]> {
    const empty = windows.map(() => false);
    if (this.unavailable || windows.length === 0) return empty;
    for (const part of composites(windows.map((window, index) => ({ window, index, url: this.urlOf(window) })))) {
      try {
        const answers = await this.send(part);
        for (const asked of part) empty[asked.index] = this.isEmpty(asked, answers);
      } catch (err) {
        if (!(err instanceof SystemError)) throw err;
        // Salesforce itself failing (unreachable after sync.retryPatience, the daily limit, the login
        // refused) fails the run here: the streams' calls would meet the same, after as long again.
        if (SYSTEM_DOWN.has(err.errorClass)) throw err;
        // The streams read their own windows instead: a probe the org refuses costs no more than not probing.
        if (err.code === "NOT_FOUND") this.unavailable = true;
        this.deps.log.warn("salesforce.probe_failed", { code: err.code, detail: err.message });
        return windows.map(() => false);
      }
    }
    return empty;
  }

  private urlOf(window: ProbeWindow): string {
    const root = this.deps.client.versionRoot();
    if (window.kind === "removals") return `${root}${deletedPath(window.object, window.from, window.until)}`;
    const where = changeWindow({ modifiedAt: window.from, lastId: null }, window.until, this.deps.lookbackMs);
    return `${root}/query?q=${encodeURIComponent(`${select(window.object, ["Id"], where)} LIMIT 1`)}`;
  }

  private send(part: readonly Asked[]): Promise<Map<string, SubAnswer>> {
    const root = this.deps.client.versionRoot();
    return sendGets(
      this.deps.client,
      part.flatMap((a) => [
        // Asked before the window's query, so a transaction that commits between the two is in the query.
        ...(a.window.kind === "changes" ? [{ url: `${root}${updatedPath(a.window.object, a.window.until)}`, referenceId: `u${a.index}` }] : []),
        { url: a.url, referenceId: `w${a.index}` },
      ]),
      "composite.probe",
    );
  }

  /**
   * Known empty: the subrequest succeeded and found nothing, and the log covered the whole window (a
   * transaction still open is not known empty: its read says how far). An error leaves the window to its
   * own read. A change window's coverage is kept for its read, whatever the query found.
   */
  private isEmpty(asked: Asked, answers: Map<string, SubAnswer>): boolean {
    const { window, index } = asked;
    const answer = answers.get(`w${index}`);
    if (window.kind === "changes") {
      const covered = answers.get(`u${index}`);
      const taken = covered?.status === 200 && this.deps.coverage.remember(window.object, window.until, covered.body);
      if (!taken || !this.deps.coverage.knownWhole(window.object, window.until)) return false;
      if (!answer || answer.status !== 200) return false;
      const parsed = totalSizeAnswer.safeParse(answer.body);
      return parsed.success && parsed.data.totalSize === 0;
    }
    if (!answer || answer.status !== 200) return false;
    const parsed = deletedResult.safeParse(answer.body);
    return parsed.success && parsed.data.deletedRecords.length === 0 && coveredShortOf(parsed.data, window.until) === undefined;
  }
}

/**
 * Splits the windows into composite requests: at most 25 subrequests, at most 5 of them queries. A change
 * window takes two (its getUpdated and its query), a removal window one.
 */
function composites(asked: readonly Asked[]): Asked[][] {
  const out: Asked[][] = [];
  let current: Asked[] = [];
  let subrequests = 0;
  let queries = 0;
  for (const a of asked) {
    const query = a.window.kind === "changes" ? 1 : 0;
    if (subrequests + 1 + query > MAX_SUBREQUESTS || queries + query > MAX_QUERIES) {
      out.push(current);
      current = [];
      subrequests = 0;
      queries = 0;
    }
    current.push(a);
    subrequests += 1 + query;
    queries += query;
  }
  if (current.length > 0) out.push(current);
  return out;
}
