// The Salesforce adapter: SystemPort over the REST API (query, sObject Collections, describe, getDeleted,
// composite for the window probe) and Bulk API 2.0 for large upserts, through one client that retries,
// refreshes and keeps the API budget.
import type { SalesforceConnection } from "../../config/leadloop-config.js";
import { describedDefaults, type ObjectDescription } from "../../core/object-schema.js";
import type { FieldValues, SourceRecord } from "../../core/records.js";
import { type Logger, silentLogger } from "../../log/logger.js";
import type {
  ChangeCursor,
  ChangePage,
  CoverageListener,
  ProbeWindow,
  RecordWrite,
  Removal,
  RemovalReadOptions,
  SystemPort,
  WriteOptions,
  WriteOutcome,
} from "../../sync/system-port.js";
import { type DescriptionKeeping, doubtingRefused } from "../../sync/kept-descriptions.js";
import { SystemError } from "../../sync/system-error.js";
import { DEFAULT_RETRY_POLICY, refusalsWithoutSecrets, type RetryPolicy } from "../call-retry.js";
import { type Clock, dateOf, systemClock } from "../clock.js";
import { ApiBudget, type ApiShare } from "./api-budget.js";
import { BULK_TIMING, bulkOperationOf, writeBulk } from "./bulk-writer.js";
import { readChanges } from "./change-reader.js";
import { writeCollections } from "./collections-writer.js";
import { sendAgainOutsideJob } from "./outside-job.js";
import { writeThroughPassingRefusals } from "../passing-refusals.js";
import { SalesforceClient } from "./connection.js";
import { ChangeCoverage } from "./coverage.js";
import { DescribeCache, type DescribedObject } from "./describe.js";
import { type OrgUsage, readOrgUsage } from "./org-usage.js";
import { COLLECTION_MAX_RECORDS, DEFAULT_API_SHARE, DEFAULT_BULK_THRESHOLD, DEFAULT_LOOKBACK_MS } from "./limits.js";
import { fieldChanges, fieldValues } from "./field-history.js";
import { countRecords, findBy, readByIds } from "./record-reader.js";
import { caseSafeId } from "./record-id.js";
import { CONTACT_ROLE_OBJECT, existingContactRoles } from "./contact-roles.js";
import { readRemovals, REMOVALS_REACH_MS } from "./removals.js";
import { readRunningUser, type RunningUser } from "./running-user.js";
import { WindowProbe } from "./window-probe.js";
import { columnGone, doubtsDescribe } from "./errors.js";

export interface SalesforceAdapterOptions {
  connection: SalesforceConnection;
  log?: Logger;
  /** How long one call keeps being retried, and its backoff; default 5 minutes of patience. */
  retry?: RetryPolicy;
  /** What retries wait on and the API budget's 24-hour window is measured with; the real clock by default. */
  clock?: Clock;
  /** leadloop's share of the org's rolling 24-hour API allocation; default share 0.25, nothing spent earlier. */
  apiShare?: ApiShare;
  /**
   * Writes of one object and operation the drain has pending above which it asks for Bulk API 2.0 jobs, and
   * records in one write above which they go in jobs unasked; default 10,000.
   */
  bulkThreshold?: number;
  /** How far before the saved cursor change reads start (late-committed transactions); default 5 min. */
  lookbackMs?: number;
  /** A call with no whole answer (headers and body) within this is abandoned and retried; default 120 s. */
  requestTimeoutMs?: number;
  /** An answer that sends nothing for this long once its headers came is abandoned and retried; default 20 s. */
  answerStallMs?: number;
}

export interface SalesforceAdapter extends SystemPort {
  readonly system: "salesforce";
  /** The describes read, for the store to keep for the next process (ARCHITECTURE.md "Kept descriptions"). */
  descriptions: DescriptionKeeping;
  /** Calls this process made to the REST API (what counts against the rolling 24-hour allocation). */
  callsMade(): number;
  /** The org's API usage as the last response's Sforce-Limit-Info header said. */
  limitInfo(): { used: number; max: number } | undefined;
  /**
   * The org's Leads and Contacts, its daily API allocation, and the Leads and Opportunities someone other
   * than the user the API runs as modified since `salesSince`, when given (`leadloop forecast --live`).
   */
  orgUsage(salesSince?: string): Promise<OrgUsage>;
}

export async function createSalesforceAdapter(options: SalesforceAdapterOptions): Promise<SalesforceAdapter> {
  const log = (options.log ?? silentLogger).child({ system: "salesforce" });
  const clock = options.clock ?? systemClock;
  const budget = new ApiBudget(options.apiShare ?? { share: DEFAULT_API_SHARE, earlier: [] }, () => dateOf(clock));
  const client = await SalesforceClient.open({
    connection: options.connection,
    log,
    retry: options.retry ?? DEFAULT_RETRY_POLICY,
    clock,
    budget,
    requestTimeoutMs: options.requestTimeoutMs,
    answerStallMs: options.answerStallMs,
  });
  const describe = new DescribeCache(client, clock);
  client.onColumnRefused((message) => describe.doubtNamedIn(message));
  const bulkThreshold = options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD;
  const lookbackMs = options.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  let runningUser: Promise<RunningUser> | undefined;
  /** The user the API runs as, read once; a failed read is not kept, so the next caller asks again. */
  const apiUser = (): Promise<RunningUser> => {
    if (!runningUser) {
      runningUser = readRunningUser(client);
      runningUser.catch(() => (runningUser = undefined));
    }
    return runningUser;
  };
  const coverage = new ChangeCoverage({ client, log });
  const windowProbe = new WindowProbe({ client, lookbackMs, log, coverage });

  const send = async (described: DescribedObject, writes: readonly RecordWrite[], asked: WriteOptions): Promise<WriteOutcome[]> => {
    // The drain asks for Bulk when more than the threshold are pending for one object and operation
    // (outbox/drain.ts); a part of them that fits one Collections call (the remainder of a load, records
    // sent again in passing) costs one call there against a job's five or more.
    if (writes.length > bulkThreshold || (asked.bulk === true && writes.length > COLLECTION_MAX_RECORDS)) {
      // Bulk API 2.0 takes one operation per job; a write mixing creates, updates or upsert keys stays
      // on Collections rather than being split into several jobs. So do creates without an external id
      // (a mapping with no `crm.externalId`): a job's writes are sent again when a crash or a stop came
      // before its results were read, and only an upsert finds the records the first job made.
      const op = bulkOperationOf(described, writes);
      if (op && op.operation !== "insert") {
        const outcomes = await writeBulk(client, described, writes, op, log, { ...BULK_TIMING, stop: asked.stop ?? options.retry?.stop, waiting: asked.waiting });
        if (asked.outsideJobLater) return outcomes;
        return sendAgainOutsideJob(described.name, writes, outcomes, (some) => writeCollections(client, described, some, log), log);
      }
      log.info("salesforce.bulk_not_used", {
        object: described.name,
        records: writes.length,
        threshold: bulkThreshold,
        reason: op ? "creates without an external id" : "mixed operations",
      });
    }
    return writeCollections(client, described, writes, log);
  };
  return {
    system: "salesforce",
    readChanges(
      object: string,
      fields: readonly string[],
      from: ChangeCursor | null,
      until: string,
      listener?: CoverageListener,
    ): AsyncIterable<ChangePage> {
      return readChanges({ client, lookbackMs, coverage }, object, fields, from, until, listener);
    },
    readByIds(object: string, ids: readonly string[], fields: readonly string[]): Promise<SourceRecord[]> {
      return readByIds(client, describe, object, ids, fields);
    },
    namesRecord: (text: string): boolean => caseSafeId(text) !== undefined,
    findBy(
      object: string,
      field: string,
      values: readonly string[],
      fields: readonly string[],
    ): Promise<SourceRecord[]> {
      return findBy(client, object, field, values, fields);
    },
    countRecords(object: string): Promise<number> {
      return countRecords(client, object);
    },
    fieldChanges(object: string, ids: readonly string[], fields: readonly string[]) {
      return fieldChanges(client, object, ids, fields);
    },
    fieldValues(object: string, ids: readonly string[], fields: readonly string[]) {
      return fieldValues(client, object, ids, fields, async () => (await apiUser()).id);
    },
    bulkThreshold,
    async write(object: string, all: readonly RecordWrite[], asked: WriteOptions = {}): Promise<WriteOutcome[]> {
      if (all.length === 0) return [];
      const described = await describe.get(object);
      // Roles already made (a create sent again after a crash) are answered, not sent twice.
      const made =
        described.name === CONTACT_ROLE_OBJECT
          ? await existingContactRoles(client, all)
          : new Map<number, WriteOutcome>();
      const writes = made.size > 0 ? all.filter((_, i) => !made.has(i)) : all;
      let sent: WriteOutcome[] = [];
      try {
        if (writes.length > 0)
          sent = refusalsWithoutSecrets(
            await writeThroughPassingRefusals(writes, (some) => send(described, some, asked), {
              system: "salesforce",
              operation: `write ${described.name}`,
              policy: options.retry ?? DEFAULT_RETRY_POLICY,
              clock,
              onRetry: (err, attempt, waitMs) =>
                log.warn("salesforce.retry", { purpose: `write ${described.name}`, code: err.code, errorClass: err.errorClass, attempt, waitMs }),
            }),
            client.secrets(),
          );
      } catch (err) {
        // A whole call refused for a field (INVALID_FIELD: no such column) fails the run as before; the
        // next run describes the object again rather than trusting the kept describe, and a column that
        // describe listed is named as gone from the org, not as a mapping's (no mapping need name it).
        if (err instanceof SystemError && doubtsDescribe(err)) {
          const gone = describe.doubtNamedIn(err.message, object);
          throw gone ? columnGone(err) : err;
        }
        throw err;
      }
      let next = 0;
      return doubtingRefused(
        all.map((_, i) => made.get(i) ?? sent[next++]!),
        doubtsDescribe,
        () => describe.doubt(object),
      );
    },
    async describe(object: string): Promise<ObjectDescription> {
      return (await describe.get(object)).description;
    },
    descriptions: describe,
    async createDefaults(object: string): Promise<FieldValues> {
      const { description } = await describe.get(object);
      const out: FieldValues = describedDefaults(description);
      // A record created without an owner is owned by the user the API runs as.
      if (description.fields.some((f) => f.name === "OwnerId" && f.createable)) {
        const user = await apiUser();
        out.OwnerId = user.id;
        out["Owner.Email"] = user.email;
      }
      return out;
    },
    readRemovals(object: string, since: string, until: string, known?: RemovalReadOptions): Promise<Removal[]> {
      return readRemovals(client, describe, object, since, until, known);
    },
    removalsReachMs: REMOVALS_REACH_MS,
    probeWindows(windows: readonly ProbeWindow[]): Promise<boolean[]> {
      return windowProbe.probe(windows);
    },
    apiCalls: () => client.httpCalls(),
    authCalls: () => client.tokenRequests(),
    callsMade: () => budget.callsMade(),
    limitInfo: () => budget.limitInfo(),
    orgUsage: async (salesSince?: string) =>
      readOrgUsage(client, salesSince === undefined ? undefined : { since: salesSince, apiUserId: (await apiUser()).id }),
  };
}
