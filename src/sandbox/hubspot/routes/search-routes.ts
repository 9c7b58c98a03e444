// POST /crm/v3/objects/{type}/search (https://developers.hubspot.com/docs/api/crm/search). Records written
// less than `searchLagMs` ago (on the portal's clock) are not yet in the index: HubSpot's search is
// eventually consistent, a write shows there seconds later while reads by id see it at once ("The Search
// API is eventually consistent", https://blog.sequin.io/building-a-sync-on-hubspots-api/; "changes made by
// other API calls will take several seconds to propagate to the search indexing",
// https://docs.locoia.com/connectors/connectors/hubspot).

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { HubspotApiError } from "../errors.js";
import { objectView } from "../object-views.js";
import { parseBody, type SearchRequest, searchRequest } from "../request-schemas.js";
import { runSearch, SEARCH_LIMITS } from "../search.js";
import { idKeysetPage, modifiedWindowPage, searchCandidates } from "../search-plan.js";
import { type HubspotContext, objectTypeParam, route } from "./route-helpers.js";

/**
 * "A query can contain a maximum of 3,000 characters. If the body of your request exceeds 3,000
 * characters, a 400 error will be returned" (CRM search reference, "Limitations"). Which parts count is
 * not said: the body as a whole by default, the stricter reading; `"query"` counts only what filters and
 * orders, as clients that send hundreds of properties in a search body report working. The body is
 * counted as compact JSON, so white space a client adds is not held against it.
 */
export const SEARCH_BODY_MAX_CHARS = 3_000;
export type SearchLimitCounts = "body" | "query";

function checkSearchLength(body: unknown, counts: SearchLimitCounts): void {
  const whole = (body ?? {}) as Record<string, unknown>;
  const counted = counts === "body" ? whole : { query: whole.query, filterGroups: whole.filterGroups, sorts: whole.sorts };
  const length = JSON.stringify(counted).length;
  if (length > SEARCH_BODY_MAX_CHARS) {
    // The wording is the emulator's: the reference gives the limit and the status, not the message.
    throw new HubspotApiError(
      400,
      "VALIDATION_ERROR",
      `The search request is ${length} characters long; a query can contain at most ${SEARCH_BODY_MAX_CHARS}.`,
    );
  }
}

/**
 * The request as the portal pages it: at most `pageMax` records a page. A `limit` past the documented 200
 * is kept, so it is refused as before rather than quietly cut.
 */
function shortPaged(request: SearchRequest, pageMax: number): SearchRequest {
  const limit = request.limit ?? SEARCH_LIMITS.defaultPageSize;
  return limit > SEARCH_LIMITS.pageSize || limit <= pageMax ? request : { ...request, limit: pageMax };
}

export function addSearchRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  api.add(
    "POST",
    "/crm/v3/objects/:objectType/search",
    route((req) => {
      const type = objectTypeParam(req);
      checkSearchLength(req.body, ctx.searchLimitCounts);
      const request = shortPaged(parseBody(searchRequest, req.body), ctx.searchPageMax);
      const indexedBefore = ctx.data.now().getTime() - ctx.searchLagMs;
      const page =
        modifiedWindowPage(ctx.data, type, request, indexedBefore, ctx.searchTies) ??
        idKeysetPage(ctx.data, type, request, indexedBefore) ??
        runSearch(
          type,
          searchCandidates(ctx.data, type, request).filter((r) => r.writtenAt <= indexedBefore),
          ctx.data.definitions(type),
          request,
          ctx.searchTies,
        );
      const body: Record<string, unknown> = {
        total: page.total,
        results: page.records.map((r) => objectView(ctx.data, r, request.properties)),
      };
      if (page.nextAfter !== undefined) body.paging = { next: { after: page.nextAfter } };
      return { status: 200, body };
    }),
  );
}
