// HubSpot's documented API limits the adapter stays under, each with the page that states it.

/** Batch read/create/update/upsert take at most 100 inputs (https://developers.hubspot.com/docs/api/crm/contacts, "Batch"). */
export const BATCH_SIZE = 100;

/**
 * A batch read that asks for `propertiesWithHistory` takes at most 50 inputs: HubSpot refuses more with
 * "The maximum number of inputs supported in a batch request for property histories is 50" (the batch
 * read reference, https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects,
 * documents the `propertiesWithHistory` field; the limit is in its error answer).
 */
export const HISTORY_BATCH_SIZE = 50;

/**
 * The associations batch read (v3 and v4, `/{fromObjectType}/{toObjectType}/batch/read`) takes at most
 * 1,000 ids a request since February 2025 (developer changelog, "Bug Fix: Batch Read Limit for HubSpot
 * Associations API": https://developers.hubspot.com/changelog/bug-fix-batch-read-limit-for-hubspot-associations-api).
 */
export const ASSOCIATION_READ_BATCH_SIZE = 1000;

/** A CRM search returns at most 200 records a page (https://developers.hubspot.com/docs/api/crm/search, "Limitations"). */
export const SEARCH_PAGE_SIZE = 200;

/** A CRM search pages through at most 10,000 results per query (same page: `after` past 10,000 answers 400). */
export const SEARCH_RESULT_CAP = 10_000;

/** `IN` / `NOT_IN` filters take at most 100 values (https://developers.hubspot.com/docs/api/crm/search, "Filter search results"). */
export const SEARCH_IN_VALUES = 100;

/**
 * A search body may hold at most 3,000 characters: "If the body of your request exceeds 3,000 characters,
 * a 400 error will be returned" (https://developers.hubspot.com/docs/api/crm/search, "Limitations").
 */
export const SEARCH_BODY_MAX_CHARS = 3_000;

/** The objects list endpoint returns at most 100 records a page (GET /crm/v3/objects/{type}, `limit`). */
export const LIST_PAGE_SIZE = 100;

/** Owners list page (GET /crm/v3/owners, `limit` up to 500; 100 keeps responses small). */
export const OWNERS_PAGE_SIZE = 100;

/** Event occurrences per page (GET /events/v3/events/, `limit`; https://developers.hubspot.com/docs/guides/api/analytics-and-events/event-analytics). */
export const EVENTS_PAGE_SIZE = 100;

/**
 * Event occurrences per page when listing every contact's events. The reference names no maximum for
 * `limit`; a portal answering fewer a page only costs more pages (the read follows `paging.next.after`).
 */
export const BULK_EVENTS_PAGE_SIZE = 1000;

/**
 * Private apps get 100 calls per rolling 10 seconds on Free/Starter (more on higher tiers); the CRM
 * search endpoints allow 5 requests a second on their own and send no rate-limit headers
 * (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details). Defaults stay below both.
 */
export const DEFAULT_BURST_PER_10_SECONDS = 100;
export const BURST_WINDOW_MS = 10_000;
export const DEFAULT_SEARCH_PER_SECOND = 4;
export const SEARCH_WINDOW_MS = 1_000;

/** Search results trail writes by a few seconds (https://developers.hubspot.com/docs/api/crm/search): read back this far. */
export const DEFAULT_LOOKBACK_MS = 30_000;

/** A call that has not answered after this long is abandoned and retried as transient. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
