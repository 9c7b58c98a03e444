// Shared plumbing for the HubSpot routes: turning thrown HubspotApiErrors into HubSpot's error answers,
// reading the object type from a path, and the per-record fault check every write path applies.

import type { FaultInjector } from "../../emulator/faults.js";
import type { EmulatorHandler, EmulatorRequest, EmulatorResponse } from "../../emulator/server.js";
import { HubspotApiError } from "../errors.js";
import type { HubspotData } from "../hubspot-data.js";
import type { HubspotTier } from "../portal-tier.js";
import { type ObjectType, parseObjectType } from "../object-types.js";
import { invalidPropertiesError, type WriteValue } from "../property-values.js";
import type { SearchTieOrder } from "../search.js";

export interface HubspotContext {
  data: HubspotData;
  /** Set once the server runs: the shared fault injector holding per-record faults. */
  faults: () => FaultInjector | undefined;
  searchLagMs: number;
  /** What the search's body limit counts (emulator.ts `searchLimitCounts`). */
  searchLimitCounts: "body" | "query";
  /** The order of search results tied on the sort (emulator.ts `searchTies`). */
  searchTies: SearchTieOrder;
  /** The most records a search page answers, whatever its `limit` asks (emulator.ts `searchPageMax`). */
  searchPageMax: number;
  /** How long a new property stays out of the properties list (emulator.ts `propertyListLagMs`). */
  propertyListLagMs: number;
  /** Whether a property created over the API must name an existing group (emulator.ts `propertyGroups`). */
  propertyGroups: "checked" | "unchecked";
  /** How a property batch create answers an input it refuses (emulator.ts `propertyBatchRefusals`). */
  propertyBatchRefusals: "whole batch" | "per input";
  /** The portal's subscription tier: below Enterprise the events API refuses (portal-tier.ts). */
  tier: HubspotTier;
  /** Whether the events API answers a read naming no record (emulator.ts `eventsObjectId`). */
  eventsObjectId: "optional" | "required";
  /** The scopes the private app's token was granted; null: every scope the portal's tier offers. */
  scopes: ReadonlySet<string> | null;
}

export function route(
  fn: (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>,
): EmulatorHandler {
  return async (req) => {
    try {
      return await fn(req);
    } catch (err) {
      if (err instanceof HubspotApiError) return err.toResponse();
      throw err;
    }
  };
}

/** The object type a path names; HubSpot answers 400 for one it cannot infer. */
export function objectTypeParam(req: EmulatorRequest, name = "objectType"): ObjectType {
  const raw = req.params[name] ?? "";
  const type = parseObjectType(raw);
  if (!type) throw new HubspotApiError(400, "VALIDATION_ERROR", `Unable to infer object type from: ${raw}`);
  return type;
}

/**
 * Fails a write that trips an injected per-record fault, with HubSpot's property validation error; its
 * message quoting the request's Authorization header when the fault echoes it.
 */
export function checkRecordFault(
  ctx: HubspotContext,
  req: EmulatorRequest,
  type: ObjectType,
  properties: Record<string, WriteValue>,
): void {
  const fault = ctx.faults()?.recordFault(type, properties);
  if (!fault) return;
  const echoed = fault.echoAuthorization ? ` (Authorization: ${String(req.headers.authorization ?? "")})` : "";
  throw invalidPropertiesError([{ name: fault.field, error: "INVALID_VALUE", message: `${fault.message}${echoed}` }]);
}

/**
 * Refuses one input of a batch in passing when an injected fault says so (faults.ts `category`): its
 * error entry carries the fault's category, the batch's other inputs are written.
 */
export function checkPassingRefusal(ctx: HubspotContext, type: ObjectType, properties: Record<string, WriteValue>): void {
  const fault = ctx.faults()?.passingRefusal(type, properties);
  if (!fault?.category) return;
  throw new HubspotApiError(fault.category === "RATE_LIMITS" ? 429 : 500, fault.category, fault.message);
}

export function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new HubspotApiError(400, "VALIDATION_ERROR", `Invalid ${name}: ${raw}`, { [name]: [raw] });
  }
  return n;
}

export const BATCH_LIMIT = 100;
/**
 * The associations batch read takes up to 1,000 ids (developer changelog, "Bug Fix: Batch Read Limit for
 * HubSpot Associations API", effective 2025-02-10); more is refused.
 */
export const ASSOCIATION_READ_LIMIT = 1000;

/** Batch endpoints take at most 100 inputs (CRM objects API, batch limits). */
export function checkBatchSize(inputs: readonly unknown[], limit = BATCH_LIMIT): void {
  if (inputs.length > limit) {
    throw new HubspotApiError(
      400,
      "VALIDATION_ERROR",
      `Too many inputs: ${inputs.length}. Batch requests are limited to ${limit} inputs.`,
      { inputs: [String(inputs.length)] },
    );
  }
}

/**
 * The envelope of a batch answer (CRM v3 batch and v4 association batch endpoints): 207 multi-status when
 * any input failed, with `numErrors` and `errors` beside the results; `okStatus` otherwise. Results come
 * in the reverse of the inputs' order: HubSpot promises no order ("The results array is returned in a
 * random order … The issue on API side we can't fix": HubSpot/hubspot-api-nodejs #190), so a client that
 * pairs results with inputs by position fails here as it would against HubSpot.
 */
export function batchResponse(
  okStatus: number,
  startedAt: Date,
  results: readonly unknown[],
  errors: readonly unknown[],
): EmulatorResponse {
  const body: Record<string, unknown> = {
    status: "COMPLETE",
    results: [...results].reverse(),
    startedAt: startedAt.toISOString(),
    completedAt: new Date().toISOString(),
  };
  if (errors.length > 0) {
    body.numErrors = errors.length;
    body.errors = errors;
  }
  return { status: errors.length > 0 ? 207 : okStatus, body };
}
