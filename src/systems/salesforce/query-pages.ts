// Runs a SOQL query page by page: the Query (or QueryAll) resource, then each `nextRecordsUrl` (what
// jsforce's queryMore does), asking for 2,000-record batches. Paging ourselves avoids jsforce autoFetch's
// 10,000-record stop. REST API Developer Guide, "Execute a SOQL Query".
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
import { z } from "zod";
import { RESUME_NOTE, SystemError } from "../../sync/system-error.js";
import type { SalesforceClient } from "./connection.js";
import { documentedAnswer, SYSTEM } from "./errors.js";
import { QUERY_PAGE_SIZE } from "./limits.js";

const queryResult = z
  .object({
    totalSize: z.number(),
    done: z.boolean(),
    nextRecordsUrl: z.string().nullish(),
    // Each row checked as an object and passed on as it came: a record schema would copy every row of a
    // 2,000-row page key by key, and the readers pick only the fields they asked for.
    records: z.array(
      z.custom<Record<string, unknown>>((row) => typeof row === "object" && row !== null && !Array.isArray(row), {
        message: "expected a record object",
      }),
    ),
  })
  .loose();

export type QueryRow = Record<string, unknown>;

/** What any query answer is read for when only its size matters (`SELECT COUNT()`, a `LIMIT 1` probe). */
export const totalSizeAnswer = z.object({ totalSize: z.number() }).loose();

export interface QueryOptions {
  /** QueryAll: include deleted and merged rows from the Recycle Bin. */
  includeDeleted?: boolean;
  /** The answer to the query's first request, had already (a composite subrequest): paging goes on from it. */
  first?: unknown;
}

/** The query's first request, from the version root: a composite subrequest may send it (coverage.ts). */
export function queryPath(soql: string, options: QueryOptions = {}): string {
  return `/${options.includeDeleted ? "queryAll" : "query"}?q=${encodeURIComponent(soql)}`;
}

/** The headers every page of a query is asked with. */
export const QUERY_HEADERS: Readonly<Record<string, string>> = { "Sforce-Query-Options": `batchSize=${QUERY_PAGE_SIZE}` };

/** The answer's totalSize: the row count of a `SELECT COUNT()` query, which returns no records. */
export async function queryTotalSize(client: SalesforceClient, soql: string): Promise<number> {
  const raw = await client.call<unknown>({
    method: "GET",
    path: `/query?q=${encodeURIComponent(soql)}`,
    idempotent: true,
    purpose: "query",
  });
  // The SOAP API documents `records` as null for COUNT(); only the size is read.
  return documentedAnswer(totalSizeAnswer, raw, "UNEXPECTED_QUERY_RESULT", "query answer").totalSize;
}

export async function* queryPages(
  client: SalesforceClient,
  soql: string,
  options: QueryOptions = {},
): AsyncGenerator<QueryRow[]> {
  const resource = options.includeDeleted ? "queryAll" : "query";
  let path: string | undefined = queryPath(soql, options);
  let had = options.first;
  while (path) {
    const raw: unknown = had ?? (await client.call<unknown>({ method: "GET", path, headers: { ...QUERY_HEADERS }, idempotent: true, purpose: resource }));
    had = undefined;
    const page = documentedAnswer(queryResult, raw, "UNEXPECTED_QUERY_RESULT", `${resource} answer`);
    path = page.done ? undefined : nextPath(resource, page.nextRecordsUrl);
    yield page.records;
  }
}

/**
 * The locator of a page that is not the last. `done: false` says more records follow, and only
 * `nextRecordsUrl` reads them ("Execute a SOQL Query"): an answer without one (absent, null or blank)
 * stops the read with an error, before its page is handed on, rather than ending it short and letting a
 * cursor pass the records left unread (FIDELITY.md, "paging signals").
 */
function nextPath(resource: string, url: string | null | undefined): string {
  if (url && url.trim() !== "") return url;
  throw new SystemError({
    system: SYSTEM,
    errorClass: "bug",
    code: "UNEXPECTED_QUERY_RESULT",
    message: `Salesforce's ${resource} answer says more records follow (done: false) but gives no nextRecordsUrl to read them by (${url === null ? "null" : "none"}): the read stops here rather than end short`,
    runNote: RESUME_NOTE,
    retriable: false,
  });
}

/** Every row of a query (for bounded queries: by ids, by values, removals). */
export async function queryAllRows(
  client: SalesforceClient,
  soql: string,
  options: QueryOptions = {},
): Promise<QueryRow[]> {
  const rows: QueryRow[] = [];
  for await (const page of queryPages(client, soql, options)) rows.push(...page);
  return rows;
}
