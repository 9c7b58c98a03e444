// How far Salesforce's replication log covered a window: getUpdated and getDeleted answer
// `latestDateCovered`, short of the window's end while a long transaction (a flow, a bulk job, an import, a
// mass delete) is open, since what it changes is stamped when it starts and shows when it commits: "If
// Salesforce executes a long-running transaction on your instance, the value in this field is the start
// time of that long-running transaction until it completes" (SOAP API Developer Guide, "GetUpdatedResult";
// "GetDeletedResult" alike). A change read's cursor and a removals read's cursor hold there.
// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getupdated_getupdatedresult.htm
import { z } from "zod";
import type { Logger } from "../../log/logger.js";
import { SystemError } from "../../sync/system-error.js";
import { sendGets } from "./composite.js";
import { documentedAnswer, SYSTEM_DOWN } from "./errors.js";
import type { SalesforceClient } from "./connection.js";
import { QUERY_HEADERS } from "./query-pages.js";
import { soqlName } from "./soql.js";
import { toCanonical } from "./values.js";

/** Two minutes: whatever seconds the ends carry, the whole-minute window spans more than one. */
export const MIN_WINDOW_MS = 2 * 60_000;

/**
 * The instant an answer covered, when short of the window it was asked for. Both resources end a window
 * at the start of the minute `until` falls in, which is the coverage of a whole answer. Undefined when
 * whole (or the field is absent, which the reference allows: "If there is a value").
 */
export function coveredShortOf(answer: { latestDateCovered?: string | null }, until: string): string | undefined {
  const covered = toCanonical(answer.latestDateCovered ?? null);
  if (!covered) return undefined;
  return Date.parse(covered) < Math.floor(Date.parse(until) / 60_000) * 60_000 ? covered : undefined;
}

/**
 * The getUpdated resource asked for a change read's coverage: its last two whole minutes, the shortest
 * window getUpdated takes (INVALID_REPLICATION_DATE for one minute or less), so the ids it lists are few
 * whatever the read's own window. The coverage is the open transactions', whatever the window's start.
 */
export function updatedPath(object: string, until: string): string {
  const end = Date.parse(until);
  const params = new URLSearchParams({
    start: new Date(end - MIN_WINDOW_MS).toISOString(),
    end: new Date(end).toISOString(),
  });
  return `/sobjects/${soqlName(object)}/updated?${params.toString()}`;
}

const updatedResult = z.object({ ids: z.array(z.string()), latestDateCovered: z.string().nullish() }).loose();

/** Signposts' coverages kept at most: a run's streams read up to one or two. */
const KEPT_ANSWERS = 64;

/**
 * Per object and signpost, how far getUpdated covered: asked once, after the signpost was set, by the
 * run's opening probe (window-probe.ts) or by the first read that listens for it. Any later read up to
 * the same signpost may take that answer: a transaction stamped at or before the signpost and still open
 * then was open when it was asked.
 */
export class ChangeCoverage {
  /** `object until` → the instant covered when short, null when whole. */
  private readonly answers = new Map<string, string | null>();
  private compositeMissing = false;

  constructor(private readonly deps: { client: SalesforceClient; log: Logger }) {}

  /** Takes a getUpdated answer asked for `updatedPath(object, until)`; false when not the documented shape. */
  remember(object: string, until: string, answer: unknown): boolean {
    const parsed = updatedResult.safeParse(answer);
    if (!parsed.success) return false;
    this.keep(object, until, coveredShortOf(parsed.data, until) ?? null);
    return true;
  }

  /** Whether a getUpdated answer for this window was taken, and whole. */
  knownWhole(object: string, until: string): boolean {
    return this.answers.get(keyOf(object, until)) === null;
  }

  /**
   * The instant the changes of `object` up to `until` were covered, when short of it; with the answer to
   * the read's first query request (`queryPath`, from the version root on) when it was sent along. Not
   * known yet, the coverage is asked in one composite call with that request, so the read costs no call
   * more than its query; a subrequest that failed is sent again on its own, where its failure is
   * classified and retried as any call's.
   */
  async ofRead(object: string, until: string, queryPath: string): Promise<{ short?: string; first?: unknown }> {
    const key = keyOf(object, until);
    let first: unknown;
    if (!this.answers.has(key)) first = await this.askWith(object, until, queryPath);
    if (!this.answers.has(key)) await this.ask(object, until);
    const short = this.answers.get(key) ?? undefined;
    return { ...(short !== undefined ? { short } : {}), ...(first !== undefined ? { first } : {}) };
  }

  /** Asks the coverage and the query's first page in one composite call; the query's answer when it had one. */
  private async askWith(object: string, until: string, queryPath: string): Promise<unknown> {
    if (this.compositeMissing) return undefined;
    const root = this.deps.client.versionRoot();
    let answers;
    try {
      answers = await sendGets(
        this.deps.client,
        [
          // Asked before the query, so a transaction that commits between the two is in the query.
          { url: `${root}${updatedPath(object, until)}`, referenceId: "coverage" },
          { url: `${root}${queryPath}`, referenceId: "changes", httpHeaders: { ...QUERY_HEADERS } },
        ],
        "composite.changes",
      );
    } catch (err) {
      if (!(err instanceof SystemError) || SYSTEM_DOWN.has(err.errorClass)) throw err;
      // A server without the Composite resource (404) is not asked again; the two go as calls of their own.
      if (err.code === "NOT_FOUND") this.compositeMissing = true;
      return undefined;
    }
    const coverage = answers.get("coverage");
    if (coverage?.status === 200) this.remember(object, until, coverage.body);
    const changes = answers.get("changes");
    return changes?.status === 200 ? changes.body : undefined;
  }

  private async ask(object: string, until: string): Promise<void> {
    let answer: unknown;
    try {
      answer = await this.deps.client.call<unknown>({
        method: "GET",
        path: updatedPath(object, until),
        idempotent: true,
        purpose: "getUpdated",
      });
    } catch (err) {
      if (!(err instanceof SystemError) || SYSTEM_DOWN.has(err.errorClass)) throw err;
      // An object getUpdated does not take (not replicateable): its reads keep the look-back alone, as
      // before coverage was asked, rather than fail every run.
      this.deps.log.warn("salesforce.coverage_unknown", { object, code: err.code, detail: err.message });
      this.keep(object, until, null);
      return;
    }
    const parsed = documentedAnswer(updatedResult, answer, "UNEXPECTED_UPDATED_RESULT", `getUpdated answer for ${object}`);
    this.keep(object, until, coveredShortOf(parsed, until) ?? null);
  }

  private keep(object: string, until: string, short: string | null): void {
    const key = keyOf(object, until);
    this.answers.delete(key);
    this.answers.set(key, short);
    if (this.answers.size > KEPT_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
  }
}

function keyOf(object: string, until: string): string {
  return `${object.toLowerCase()} ${until}`;
}
