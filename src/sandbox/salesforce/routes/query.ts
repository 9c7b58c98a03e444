// The Query and QueryAll resources (REST API Developer Guide, "Query", "QueryAll", "Execute a SOQL Query"):
// results in batches of 2,000 by default, `Sforce-Query-Options: batchSize=n` between 200 and 2,000, and
// the rest behind `nextRecordsUrl` locators.
import { randomBytes } from "node:crypto";
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler, EmulatorRequest } from "../../emulator/server.js";
import { SalesforceApiError } from "../errors.js";
import { runSoql } from "../soql-evaluator.js";
import type { SObjectRecord } from "../values.js";
import { apiVersion, DATA, handle, json, type SalesforceContext } from "./context.js";

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;
const MAX_OPEN_CURSORS = 10;
const IDLE_MS = 15 * 60_000;
const TWO_DAYS_MS = 2 * 86_400_000;

/**
 * How long a query locator (`nextRecordsUrl`) answers, where the references disagree: "idle" (default,
 * the stricter) until 15 minutes pass without the cursor being used, and each locator once ("Use a given
 * queryLocator value only one time"; "QueryLocator objects expire automatically after 15 minutes of
 * inactivity": SOAP API Developer Guide, "QueryLocator"); "twoDays" two days after the query, however
 * often a locator is fetched (Salesforce Help 000004410, "INVALID_QUERY_LOCATOR": "Each locator and its
 * associated results are available for two days after the initial query executes").
 */
export type QueryLocatorLifetime = "idle" | "twoDays";

/**
 * Whether a page that is not the last (`done: false`) names the next one: "given" (default, as the REST
 * API Developer Guide's "Query" has it: "the response contains the first batch of records, a false value
 * for done, and a query locator", the locator in `nextRecordsUrl`), or a server that says more follow
 * without it: "missing" leaves it out, "null" sends `nextRecordsUrl: null` (FIDELITY.md, "paging signals").
 */
export type QueryLocators = "given" | "missing" | "null";

interface Cursor {
  records: SObjectRecord[];
  totalSize: number;
  batchSize: number;
  resource: "query" | "queryAll";
  /** When the query ran and when a page of it was last answered, by the org's clock. */
  openedAt: number;
  usedAt: number;
  /** The offsets whose locators have been fetched. */
  fetched: Set<number>;
}

export function addQueryRoutes(
  router: Router<EmulatorHandler>,
  ctx: SalesforceContext,
  lifetime: QueryLocatorLifetime = "idle",
  locators: QueryLocators = "given",
): void {
  const cursors = new Map<string, Cursor>();
  const now = () => ctx.data.writer.now().getTime();
  const expired = (cursor: Cursor, at: number) =>
    lifetime === "idle" ? at - cursor.usedAt > IDLE_MS : at - cursor.openedAt > TWO_DAYS_MS;

  const page = (cursor: Cursor, id: string, offset: number, version: string) => {
    const records = cursor.records.slice(offset, offset + cursor.batchSize);
    const next = offset + records.length;
    const done = next >= cursor.records.length;
    if (done) cursors.delete(id);
    const body: Record<string, unknown> = { totalSize: cursor.totalSize, done };
    if (!done && locators === "given") body.nextRecordsUrl = `/services/data/v${version}/${cursor.resource}/${id}-${next}`;
    else if (!done && locators === "null") body.nextRecordsUrl = null;
    body.records = records;
    return json(200, body);
  };

  const run = (resource: "query" | "queryAll") =>
    handle((req) => {
      const version = apiVersion(req);
      const q = req.query.get("q");
      if (!q) throw new SalesforceApiError(400, "MALFORMED_QUERY", "A query string has to be specified");
      if (resource === "queryAll") ctx.data.writer.purgeRecycleBin();
      const outcome = runSoql(ctx.data.store, q, {
        includeDeleted: resource === "queryAll",
        version,
        now: ctx.data.writer.now(),
        unordered: ctx.data.unorderedRows,
        dateTimes: ctx.data.soqlDateTimes,
      });
      const cursor: Cursor = {
        records: outcome.records,
        totalSize: outcome.totalSize,
        batchSize: batchSize(req),
        resource,
        openedAt: now(),
        usedAt: now(),
        fetched: new Set(),
      };
      const id = `01g${randomBytes(8).toString("hex").slice(0, 15)}`;
      cursors.set(id, cursor);
      // A user keeps at most 10 open query cursors; opening another drops the oldest (REST API
      // Developer Guide, "Query" / SOQL limits), whose locator then answers INVALID_QUERY_LOCATOR.
      if (cursors.size > MAX_OPEN_CURSORS) cursors.delete(cursors.keys().next().value!);
      return page(cursor, id, 0, version);
    });

  const more = handle((req) => {
    const version = apiVersion(req);
    const match = /^(01g[0-9a-f]{15})-(\d+)$/.exec(req.params.locator ?? "");
    const cursor = match ? cursors.get(match[1]!) : undefined;
    if (!match || !cursor)
      throw new SalesforceApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    const offset = Number(match[2]);
    const at = now();
    if (expired(cursor, at) || (lifetime === "idle" && cursor.fetched.has(offset))) {
      if (expired(cursor, at)) cursors.delete(match[1]!);
      throw new SalesforceApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    }
    cursor.usedAt = at;
    cursor.fetched.add(offset);
    return page(cursor, match[1]!, offset, version);
  });

  router
    .add("GET", `${DATA}/query`, run("query"))
    .add("GET", `${DATA}/queryAll`, run("queryAll"))
    .add("GET", `${DATA}/query/:locator`, more)
    .add("GET", `${DATA}/queryAll/:locator`, more);
}

/** The batch size a client asked for; Salesforce treats it as a hint within 200–2,000. */
function batchSize(req: EmulatorRequest): number {
  const header = String(req.headers["sforce-query-options"] ?? "");
  const match = /batchSize\s*=\s*(\d+)/i.exec(header);
  if (!match) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(match[1])));
}
