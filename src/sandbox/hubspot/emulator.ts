// Starts the HubSpot API emulator: the CRM v3 objects, search, batch, properties and owners endpoints,
// associations v4, the marketing campaigns API and the Events API on a loopback server, with HubSpot's auth, limits and error shapes.
import { ControlClient } from "../emulator/control-client.js";
import type { FaultInjector } from "../emulator/faults.js";
import { Router } from "../emulator/router.js";
import { type EmulatorHandler, type RunningEmulator, startEmulator } from "../emulator/server.js";
import { hubspotBehaviour } from "./behaviour.js";
import { hubspotControlRoutes } from "./control-routes.js";
import { type ArchivedOwners, HubspotData, type ObjectTimestamps } from "./hubspot-data.js";
import { DEFAULT_LIMITS, RateLimiter } from "./rate-limits.js";
import { addAssociationRoutes } from "./routes/association-routes.js";
import { addBatchRoutes } from "./routes/batch-routes.js";
import { addCampaignRoutes } from "./routes/campaign-routes.js";
import { type HubspotTier } from "./portal-tier.js";
import { addEventRoutes, type EventsObjectId } from "./routes/event-routes.js";
import { addMarketingRoutes } from "./routes/marketing-routes.js";
import { addObjectRoutes } from "./routes/object-routes.js";
import { addOwnerRoutes } from "./routes/owner-routes.js";
import { addPropertyRoutes } from "./routes/property-routes.js";
import { addPropertyBatchRoutes } from "./routes/property-batch-routes.js";
import type { HubspotContext } from "./routes/route-helpers.js";
import { CursorWithholdingRouter, type PagingCursors } from "./paging-cursors.js";
import { addSearchRoutes, type SearchLimitCounts } from "./routes/search-routes.js";
import { SEARCH_LIMITS, type SearchTieOrder } from "./search.js";

export { type ContactActivity, recordActivity } from "./contact-activity.js";
export { HubspotApiError } from "./errors.js";
export { HUBSPOT_TIERS, type HubspotTier } from "./portal-tier.js";
export { SEARCH_BODY_MAX_CHARS, type SearchLimitCounts } from "./routes/search-routes.js";
export type { EventsObjectId } from "./routes/event-routes.js";
export type { SearchTieOrder } from "./search.js";
export { CONTACT_EVENT_TYPES } from "./event-types.js";
export type { ArchivedOwners, ObjectTimestamps, HubspotEvent, HubspotObject, HubspotOwner, NewPropertyDefinition } from "./hubspot-data.js";
export { HubspotData } from "./hubspot-data.js";
export type { ObjectType } from "./object-types.js";
export { OBJECT_TYPES } from "./object-types.js";

export interface HubspotEmulatorOptions {
  port?: number;
  /**
   * `gzip`: answers compressed (`Content-Encoding: gzip`) and chunked to a client that accepts gzip, as
   * the real API's servers may (FIDELITY.md, Faults); default: plain, with a Content-Length.
   */
  compression?: "gzip";
  /** The private app token callers must send as `Authorization: Bearer`; default "sandbox-hubspot-token". */
  accessToken?: string;
  limits?: { burstPer10Seconds?: number; daily?: number; searchPerSecond?: number };
  /**
   * Records modified less than this long ago (on `now`) are not yet found by search, while reads by id,
   * batch reads and associations see them at once, as on a real portal; default DEFAULT_SEARCH_LAG_MS.
   * 0 turns the lag off (a test driving runs in real time right after its writes).
   */
  searchLagMs?: number;
  /**
   * The portal's subscription tier (default enterprise): a professional portal refuses the events API with
   * 403 MISSING_SCOPES, as HubSpot does below Enterprise; properties, forms and email events answer on both.
   */
  tier?: HubspotTier;
  /**
   * Whether the events API answers a read that names no record (`objectType` alone, or nothing): listed
   * (default), every record's events, as the event analytics guide and reference describe and a live
   * portal was seen to answer, or `"required"`, the varied server that refuses it with 400
   * `VALIDATION_ERROR` naming `objectId` and `objectProperty`, as HubSpot's OpenAPI spec words `objectId`:
   * "If not present, then the `objectProperty` parameter is required" (routes/event-routes.ts, FIDELITY.md).
   */
  eventsObjectId?: EventsObjectId;
  /**
   * The scopes the token was granted (default: all the tier offers). Without `marketing.campaigns.read`
   * the campaigns API answers 403 MISSING_SCOPES, as for a token whose app never asked for it.
   */
  grantedScopes?: readonly string[];
  /** The portal's clock (default: real time), so a test can move time for leadloop and HubSpot alike. */
  now?: () => Date;
  /**
   * What the search's 3,000-character limit counts (routes/search-routes.ts): the whole request body, as
   * the search reference words it (default), or `"query"`, only its `query`, `filterGroups` and `sorts`,
   * the lenient reading under which a body may name any number of properties.
   */
  searchLimitCounts?: SearchLimitCounts;
  /**
   * The order of search results tied on the sort (search.ts `SearchTieOrder`): by id from the highest
   * (default), as HubSpot promises no order, or `"id"`, from the lowest, the lenient option.
   */
  searchTies?: SearchTieOrder;
  /**
   * The most records a search page answers (default 200, as many as a `limit` may ask): a page may hold
   * fewer than its `limit` with `paging.next` still given, since the search reference gives `limit` as the
   * most results a page holds and the paging object, not the page's length, says whether more follow.
   * A lower value is a portal or server that answers short pages (routes/search-routes.ts).
   */
  searchPageMax?: number;
  /**
   * A property created over the API must name one of its object's property groups (default `"checked"`;
   * routes/property-routes.ts), or may name any group (`"unchecked"`, the lenient option).
   */
  propertyGroups?: "checked" | "unchecked";
  /**
   * How `POST /crm/v3/properties/{type}/batch/create` answers an input it refuses (one of an existing name,
   * a bad field type…): the whole batch refused with that input's error and none of it made (default
   * `"whole batch"`, the strictest reading of a reference that does not say), or `"per input"`, the others
   * made and a 207 naming each one refused (routes/property-batch-routes.ts, FIDELITY.md).
   */
  propertyBatchRefusals?: "whole batch" | "per input";
  /**
   * Whether a write may give a record a deactivated user's (archived) owner id: refused with
   * `INVALID_OWNER_ID` (default), or `"assignable"`, the lenient option (hubspot-data.ts `deactivateOwner`).
   */
  archivedOwners?: ArchivedOwners;
  /**
   * How a record's times read (`createdAt`, `updatedAt`, `archivedAt`, the created and modified date
   * properties, history timestamps, the events API's `occurredAt`): ISO 8601 as the CRM objects reference's SimplePublicObject gives them
   * (default), or `"epoch-ms"`, epoch milliseconds (numbers, and digits among the properties) as the batch
   * references' examples and a date-time property's stored value show them (FIDELITY.md).
   */
  objectTimestamps?: ObjectTimestamps;
  /**
   * Whether an answer with more pages names the next one (`paging.next.after`, the email events' `offset`):
   * `"given"` (default), or `"withheld"`, a server whose paging says more follow without saying how to
   * read them (paging-cursors.ts).
   */
  pagingCursors?: PagingCursors;
  /**
   * How long (the portal's clock) a newly made property stays out of `GET /crm/v3/properties/{type}` while
   * a create of its name already answers 409: 0 by default, or a lag, as community threads report of the
   * properties API (FIDELITY.md, properties row).
   */
  propertyListLagMs?: number;
  /**
   * The id of the first record made, in decimal (default "10001"): ids are int64 in HubSpot, and one past
   * 2^53 ("9007199254740993") is answered exactly, as digits, where the API gives it as a JSON number
   * (associations v4 `toObjectId`). The emulator's own search compares ids as doubles (FIDELITY.md).
   */
  firstObjectId?: string;
  /**
   * What a 429's body says: `named` (default) names the exceeded policy in `policyName`, as HubSpot's do;
   * `bare` leaves `policyName` and `errorType` out, which the error-handling reference allows ("the
   * fields in the example response above should all be treated as optional in any error parsing"): the
   * `X-HubSpot-RateLimit-Daily-Remaining` header of 0 then alone tells the daily limit (FIDELITY.md).
   */
  rateLimitBodies?: "named" | "bare";
}

export interface HubspotEmulator extends RunningEmulator {
  data: HubspotData;
  tier: HubspotTier;
  control: ControlClient;
  accessToken: string;
}

export const DEFAULT_ACCESS_TOKEN = "sandbox-hubspot-token";

/**
 * How long a write takes to reach CRM search: "several seconds" (the search index is eventually
 * consistent: https://blog.sequin.io/building-a-sync-on-hubspots-api/,
 * https://docs.locoia.com/connectors/connectors/hubspot "Propagation Time"). leadloop's search look-back
 * (30 s by default) must exceed it; see routes/search-routes.ts.
 */
export const DEFAULT_SEARCH_LAG_MS = 5_000;

export async function startHubspotEmulator(options: HubspotEmulatorOptions = {}): Promise<HubspotEmulator> {
  const accessToken = options.accessToken ?? DEFAULT_ACCESS_TOKEN;
  const limiter = new RateLimiter({ ...DEFAULT_LIMITS, ...definedOnly(options.limits ?? {}) }, options.now);
  const data = new HubspotData(options.now, options.archivedOwners, options.objectTimestamps, BigInt(options.firstObjectId ?? "10001"));
  // Assigned once the server exists; the routes built before it read it through a closure.
  // eslint-disable-next-line prefer-const
  let faults: FaultInjector | undefined;
  const ctx: HubspotContext = {
    data,
    faults: () => faults,
    searchLagMs: options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS,
    searchLimitCounts: options.searchLimitCounts ?? "body",
    searchTies: options.searchTies ?? "reversed",
    searchPageMax: options.searchPageMax ?? SEARCH_LIMITS.pageSize,
    propertyGroups: options.propertyGroups ?? "checked",
    propertyBatchRefusals: options.propertyBatchRefusals ?? "whole batch",
    propertyListLagMs: options.propertyListLagMs ?? 0,
    tier: options.tier ?? "enterprise",
    eventsObjectId: options.eventsObjectId ?? "optional",
    scopes: options.grantedScopes ? new Set(options.grantedScopes) : null,
  };

  const api = options.pagingCursors === "withheld" ? new CursorWithholdingRouter() : new Router<EmulatorHandler>();
  // Literal routes (merge, search, batch) go before the `:objectId` patterns they would otherwise match.
  addSearchRoutes(api, ctx);
  addBatchRoutes(api, ctx);
  addObjectRoutes(api, ctx);
  addPropertyRoutes(api, ctx);
  addPropertyBatchRoutes(api, ctx);
  addOwnerRoutes(api, ctx);
  addAssociationRoutes(api, ctx);
  addEventRoutes(api, ctx);
  addMarketingRoutes(api, ctx);
  addCampaignRoutes(api, ctx);

  const control = new Router<EmulatorHandler>();
  hubspotControlRoutes(control, data, limiter);

  const running = await startEmulator({
    api,
    control,
    behaviour: hubspotBehaviour(accessToken, limiter, options.rateLimitBodies ?? "named"),
    readsByWriteMethod: [
      "POST /crm/v3/objects/:objectType/search",
      "POST /crm/v3/objects/:objectType/batch/read",
      "POST /crm/v4/associations/:fromObjectType/:toObjectType/batch/read",
    ],
    port: options.port,
    ...(options.compression ? { compression: options.compression } : {}),
  });
  faults = running.faults;
  return { ...running, data, tier: ctx.tier, control: new ControlClient(running.url), accessToken };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
