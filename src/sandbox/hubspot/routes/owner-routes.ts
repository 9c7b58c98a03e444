// CRM v3 owners: list (filter by email, paged) and read one (https://developers.hubspot.com/docs/api/crm/owners).
// `archived` answers only deactivated users' owners when true and only active ones otherwise ("Whether to
// return only results that have been archived", owners reference); an archived owner's `userId` is null and
// its user id is in `userIdIncludingInactive` (owners guide, "Retrieve a list of owners").

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { notFound } from "../errors.js";
import type { HubspotOwner } from "../hubspot-data.js";
import { type HubspotContext, intParam, route } from "./route-helpers.js";

const OWNER_PAGE_MAX = 500;

function ownerView(owner: HubspotOwner): Record<string, unknown> {
  return {
    id: owner.id,
    email: owner.email,
    type: "PERSON",
    firstName: owner.firstName,
    lastName: owner.lastName,
    userId: owner.archived ? null : owner.userId,
    userIdIncludingInactive: owner.userId,
    createdAt: owner.createdAt.toISOString(),
    updatedAt: owner.updatedAt.toISOString(),
    archived: owner.archived,
    teams: [],
  };
}

function archivedParam(query: URLSearchParams): boolean {
  return query.get("archived") === "true";
}

export function addOwnerRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  const { data } = ctx;

  api.add(
    "GET",
    "/crm/v3/owners",
    route((req) => {
      const email = req.query.get("email")?.toLowerCase();
      const limit = Math.min(intParam(req.query, "limit", 100), OWNER_PAGE_MAX);
      const offset = intParam(req.query, "after", 0);
      const archived = archivedParam(req.query);
      const owners = data
        .listOwners()
        .filter((o) => o.archived === archived && (!email || o.email.toLowerCase() === email));
      const page = owners.slice(offset, offset + limit);
      const body: Record<string, unknown> = { results: page.map(ownerView) };
      if (offset + limit < owners.length) body.paging = { next: { after: String(offset + limit) } };
      return { status: 200, body };
    }),
  );

  api.add(
    "GET",
    "/crm/v3/owners/:ownerId",
    route((req) => {
      const id = req.params.ownerId ?? "";
      const found =
        req.query.get("idProperty") === "userId"
          ? data.listOwners().find((o) => String(o.userId) === id)
          : data.getOwner(id);
      const owner = found?.archived === archivedParam(req.query) ? found : undefined;
      if (!owner) throw notFound(`No owner with id ${id}`);
      return { status: 200, body: ownerView(owner) };
    }),
  );
}
