// POST /crm/v3/objects/{type}/search (https://developers.hubspot.com/docs/api/crm/search). Records written
// less than `searchLagMs` ago are not yet in the index, as HubSpot's search index trails writes.

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { objectView } from "../object-views.js";
import { parseBody, searchRequest } from "../request-schemas.js";
import { runSearch } from "../search.js";
import { type HubspotContext, objectTypeParam, route } from "./route-helpers.js";

export function addSearchRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  api.add(
    "POST",
    "/crm/v3/objects/:objectType/search",
    route((req) => {
      const type = objectTypeParam(req);
      const request = parseBody(searchRequest, req.body);
      const indexedBefore = Date.now() - ctx.searchLagMs;
      const indexed = ctx.data.records(type, false).filter((r) => r.writtenAt <= indexedBefore);
      const page = runSearch(type, indexed, ctx.data.definitions(type), request);
      const body: Record<string, unknown> = {
        total: page.total,
        results: page.records.map((r) => objectView(ctx.data, r, request.properties)),
      };
      if (page.nextAfter !== undefined) body.paging = { next: { after: page.nextAfter } };
      return { status: 200, body };
    }),
  );
}
