// Salesforce's documented limits the adapter works within, each with the page that states it.

/**
 * sObject Collections take at most 200 records a call.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
 */
export const COLLECTION_MAX_RECORDS = 200;

/**
 * Query results come 2,000 records a batch at most; `Sforce-Query-Options: batchSize` asks for 200–2,000.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
 */
export const QUERY_PAGE_SIZE = 2000;

/**
 * Values per `IN (...)` list. A SOQL statement may be 100,000 characters long, but a GET query travels in the
 * URL, so lists stay short enough to keep it a few kilobytes.
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm
 */
export const SOQL_IN_LIST_SIZE = 200;

/**
 * The URI and headers of one REST call may take 16,384 bytes together (414 URI Too Long, 431 Request Header
 * Fields Too Large past it; Salesforce Help 000386264, "Maximum number of rows returned by SOQL queries over
 * the REST API"). A query by `IN` list (readByIds, findBy) fills its URI up to this many bytes, which
 * leaves room for the headers, instead of stopping at SOQL_IN_LIST_SIZE values.
 */
export const QUERY_URI_BUDGET_BYTES = 12_000;
/** The REST call's limit on URI and headers together, which the emulator enforces. */
export const REST_URI_AND_HEADERS_MAX_BYTES = 16_384;

/**
 * How far before the saved cursor change reads start. A record's SystemModstamp is set when its transaction
 * starts, so a transaction (a flow, a bulk job) commits records stamped minutes before a reader sees
 * them; one open longer than this holds the cursor at its start through getUpdated's latestDateCovered
 * (coverage.ts).
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getupdated_getupdatedresult.htm
 */
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;

/** Records in one write above which Bulk API 2.0 ingest is used instead of sObject Collections. */
export const DEFAULT_BULK_THRESHOLD = 10_000;

/**
 * CSV job data per Bulk API 2.0 ingest job: an upload may be 150 MB after base64 encoding, which Salesforce
 * puts at about 100 MB of data; larger writes are split across jobs.
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_bulkapi.htm
 */
export const BULK_MAX_UPLOAD_BYTES = 100_000_000;

/**
 * Polling a Bulk API 2.0 job for its end state: first wait, longest wait, and how long before giving up
 * (the job may still finish; its Id is in the error). Salesforce asks clients to poll sparingly.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm
 */
export const BULK_POLL_MIN_MS = 500;
export const BULK_POLL_MAX_MS = 10_000;
export const BULK_POLL_TIMEOUT_MS = 30 * 60_000;

/** Default share of the org's daily API allocation leadloop may spend (DESIGN "Rate limits and faults"). */
export const DEFAULT_API_SHARE = 0.25;

/**
 * The org's API allocation is counted over a rolling 24 hours, not per calendar day: "calls are blocked
 * until usage for the preceding 24 hours drops below the limit" (Salesforce Help, "System Overview: API
 * Usage", https://help.salesforce.com/s/articleView?id=xcloud.setup_system_overview_api.htm; and
 * knowledge article 002888831, "Understanding API Rolling Limits"). leadloop counts its share the same way.
 */
export const API_WINDOW_MS = 24 * 60 * 60_000;

/** A call that has had no whole answer (headers and body) for this long is treated as a timeout and retried. */
export const REQUEST_TIMEOUT_MS = 120_000;
