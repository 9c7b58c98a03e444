// The HubSpot adapter: SystemPort over HubSpot's CRM v3 APIs through @hubspot/api-client, plus what the
// handoff needs beyond the port (owners, activity events, leadloop's own properties). Wiring only: each
// job lives in its own module.
import type { ObjectDescription } from "../../core/object-schema.js";
import type { SourceRecord } from "../../core/records.js";
import { type Logger, silentLogger } from "../../log/logger.js";
import type {
  ChangeCursor,
  ChangePage,
  RecordWrite,
  Removal,
  RemovalReadOptions,
  SystemPort,
  WriteOutcome,
} from "../../sync/system-port.js";
import { DEFAULT_RETRY_POLICY, refusalsWithoutSecrets, type RetryPolicy } from "../call-retry.js";
import { ANSWER_STALL_MS } from "../call-timeout.js";
import { type Clock, systemClock } from "../clock.js";
import { WindowLimiter } from "../window-limiter.js";
import { type HubspotActivity, readActivities, readContactEvents } from "./activities.js";
import { readAssociations } from "./associations.js";
import {
  type EmailActivity,
  probeEventsApi,
  readEmailEvents,
  listForms,
  readFormSubmissions,
} from "./bulk-behaviour.js";
import { doubtsPropertyList, writeRecords } from "./batch-writer.js";
import { writeThroughPassingRefusals } from "../passing-refusals.js";
import { readChanges } from "./change-reader.js";
import { createHubspotClient } from "./client.js";
import { describeObject, type HubspotPropertyDefinition } from "./describe.js";
import { type EnsuredProperty, ensureProperties } from "./ensure-properties.js";
import {
  BURST_WINDOW_MS,
  DEFAULT_BURST_PER_10_SECONDS,
  DEFAULT_LOOKBACK_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SEARCH_PER_SECOND,
  SEARCH_WINDOW_MS,
} from "./limits.js";
import { type HubspotOwner, listOwners } from "./owners.js";
import { type PortalUsage, readPortalUsage } from "./portal-usage.js";
import { PropertyCatalog } from "./property-catalog.js";
import { propertyChanges, propertyValues } from "./property-history.js";
import { findBy, readByIds } from "./record-reader.js";
import { listRecycleBin, readRemovals } from "./removals.js";
import { fromHubspotObject, propertiesFor } from "./values.js";
import { HubspotTransport } from "./transport.js";
import { readCampaigns } from "./campaigns.js";
import type { PortalBehaviour, SystemCampaign } from "../../sync/funnel/funnel-setup.js";
import { DEFAULT_RECYCLE_BIN_EVERY_MS } from "../../core/bin-listing.js";
import { type DescriptionKeeping, doubtingRefused } from "../../sync/kept-descriptions.js";

export type { ActivityKind, HubspotActivity } from "./activities.js";
export type { EmailActivity } from "./bulk-behaviour.js";
export { isMissingScopes } from "./bulk-behaviour.js";
export type { HubspotPropertyDefinition } from "./describe.js";
export type { HubspotOwner } from "./owners.js";

export interface HubspotAdapterOptions {
  accessToken: string;
  baseUrl: string;
  log?: Logger;
  /** How long one call keeps being retried, and its backoff; default 5 minutes of patience. */
  retry?: RetryPolicy;
  /** What retries wait on and measure with; the real clock unless a test gives a fake one. */
  clock?: Clock;
  /** How far before the cursor incremental reads start, for the search index lag; default 30 s. */
  lookbackMs?: number;
  /** CRM search calls per second; default 4. */
  searchPerSecond?: number;
  /**
   * Calls per rolling 10 seconds (other than search), kept as given; by default 100 (the lowest tier's)
   * until the portal states its own limit on an answer, then that.
   */
  burstPer10Seconds?: number;
  /** A call not answered within this is abandoned and retried; default 60 s. */
  requestTimeoutMs?: number;
  /** An answer that sends nothing for this long once its headers came is abandoned and retried; default 20 s. */
  answerStallMs?: number;
  /** How often a large recycle bin is listed (`hubspot.recycleBinEvery`, sync/recycle-bin.ts); default 1 h. */
  recycleBinEveryMs?: number;
}

export interface HubspotAdapter extends SystemPort {
  readonly system: "hubspot";
  /** The property lists read, for the store to keep for the next process (ARCHITECTURE.md "Kept descriptions"). */
  descriptions: DescriptionKeeping;
  /** The portal's daily API usage as the last response's rate-limit headers said (private apps only). */
  limitInfo(): { used: number; max: number } | undefined;
  /** The portal's contacts and the limits its rate-limit headers state (`leadloop forecast --live`). */
  portalUsage(): Promise<PortalUsage>;
  /**
   * How many records an object's recycle bin holds, listed whole (a call per 100; `onPage` after each
   * with the records so far), as a run lists it (`leadloop forecast --live`). Throws SystemError.
   */
  recycleBinSize(object: string, onPage?: (listed: number) => void): Promise<number>;
  /** Users who can own records, for routing. Throws SystemError. */
  listOwners(): Promise<HubspotOwner[]>;
  /**
   * Activity events of these contacts that occurred after `since` (all when null), oldest first.
   * Throws SystemError.
   */
  readActivities(contactIds: string[], since: string | null): Promise<HubspotActivity[]>;
  /** Every contact's activity events after `since`, page by page (one call a page). Throws SystemError. */
  readContactEvents(since: string, onPage: (activities: HubspotActivity[]) => Promise<void>): Promise<void>;
  /**
   * Whether the portal answers the events API for every contact (Enterprise), only one contact at a time
   * (a 400 VALIDATION_ERROR for a read naming no record), or refuses it (403 MISSING_SCOPES). One call.
   */
  probeEventsApi(): Promise<PortalBehaviour>;
  /** The portal's forms, from the forms API (one call per 100 forms). */
  listForms(): Promise<{ id: string; name: string }[]>;
  /** Form submissions after `since` up to `until`, by email, from the forms and form submissions APIs, a page at a time. */
  readFormSubmissions(since: string | null, until: string, onPage: (activities: EmailActivity[]) => Promise<void>): Promise<void>;
  /** Marketing email opens and clicks after `since` up to `until`, by recipient, from the email events API, a page at a time. */
  readEmailEvents(since: string | null, until: string, onPage: (activities: EmailActivity[]) => Promise<void>): Promise<void>;
  /**
   * Every marketing campaign of the portal, typed by the custom campaign property `typeProperty` names.
   * Throws SystemError (code MISSING_SCOPES below Professional or without marketing.campaigns.read).
   */
  readCampaigns(typeProperty: string | null): Promise<SystemCampaign[]>;
  /** id → ids of the `to` records each of these `from` records is associated with. Throws SystemError. */
  readAssociations(from: string, ids: readonly string[], to: string): Promise<Map<string, string[]>>;
  /**
   * Makes the custom properties `object` lacks, in one batch create (ensure-properties.ts); each property in
   * the definitions' order, `created` false when it was there. Throws SystemError.
   */
  ensureProperties(object: string, definitions: readonly HubspotPropertyDefinition[]): Promise<EnsuredProperty[]>;
}

/**
 * The limiters of each portal (base URL and token) and limits, shared by every adapter this process makes:
 * HubSpot counts the app's calls to the portal, not an adapter's, and the sandbox wires an adapter per run
 * (cli/run-once.ts), so a run that starts within a second of the last one's searches must wait for them too.
 */
const portalLimiters = new Map<string, { burst: WindowLimiter; search: WindowLimiter }>();

function limitersOf(options: HubspotAdapterOptions): { burst: WindowLimiter; search: WindowLimiter } {
  const burst = options.burstPer10Seconds ?? DEFAULT_BURST_PER_10_SECONDS;
  // Unless told a burst, leadloop paces at the lowest tier's until the portal states its own
  // (`X-HubSpot-RateLimit-Max`), then at that.
  const followsStated = options.burstPer10Seconds === undefined;
  const search = options.searchPerSecond ?? DEFAULT_SEARCH_PER_SECOND;
  const key = [options.baseUrl, options.accessToken, burst, followsStated, search].join("\u0000");
  let limiters = portalLimiters.get(key);
  if (!limiters) {
    limiters = {
      burst: new WindowLimiter(burst, BURST_WINDOW_MS, Date.now, followsStated),
      search: new WindowLimiter(search, SEARCH_WINDOW_MS),
    };
    portalLimiters.set(key, limiters);
  }
  return limiters;
}

export function createHubspotAdapter(options: HubspotAdapterOptions): HubspotAdapter {
  const log = options.log ?? silentLogger;
  const transport = new HubspotTransport({
    client: createHubspotClient(options),
    log,
    retry: options.retry ?? DEFAULT_RETRY_POLICY,
    clock: options.clock ?? systemClock,
    ...limitersOf(options),
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    stallMs: options.answerStallMs ?? ANSWER_STALL_MS,
    accessToken: options.accessToken,
  });
  const lookbackMs = options.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  const catalog = new PropertyCatalog(transport, options.clock ?? systemClock);

  return {
    system: "hubspot",
    readChanges: (
      object: string,
      fields: readonly string[],
      from: ChangeCursor | null,
      until: string,
    ): AsyncIterable<ChangePage> => readChanges({ transport, log, lookbackMs }, object, fields, from, until),
    readByIds: (object: string, ids: readonly string[], fields: readonly string[]): Promise<SourceRecord[]> =>
      readByIds({ transport }, object, ids, fields),
    // A CRM record's id is a positive whole number (CRM API objects, `hs_object_id`).
    namesRecord: (text: string): boolean => /^[1-9]\d*$/.test(text.trim()),
    findBy: (
      object: string,
      field: string,
      values: readonly string[],
      fields: readonly string[],
    ): Promise<SourceRecord[]> => findBy({ transport, catalog }, object, field, values, fields),
    write: async (object: string, writes: readonly RecordWrite[]): Promise<WriteOutcome[]> =>
      doubtingRefused(
        refusalsWithoutSecrets(
          await writeThroughPassingRefusals(writes, (some) => writeRecords({ transport, log }, object, some), {
            system: "hubspot",
            operation: `write ${object}`,
            policy: options.retry ?? DEFAULT_RETRY_POLICY,
            clock: options.clock ?? systemClock,
            onRetry: (err, attempt, waitMs) =>
              log.warn("hubspot.retry", { endpoint: `write ${object}`, attempt, errorClass: err.errorClass, code: err.code, waitMs }),
          }),
          transport.secrets(),
        ),
        doubtsPropertyList,
        () => catalog.doubt(object),
      ),
    fieldChanges: (object: string, ids: readonly string[], fields: readonly string[]) =>
      propertyChanges(transport, object, ids, fields),
    fieldValues: (object: string, ids: readonly string[], fields: readonly string[]) => propertyValues(transport, object, ids, fields),
    describe: (object: string): Promise<ObjectDescription> => describeObject(catalog, object),
    descriptions: catalog,
    // HubSpot's properties carry no defaults: a created record holds what was written, besides its id
    // and dates (`hs_object_id`, `createdate`), which no mapping reads.
    createDefaults: async () => ({}),
    readRemovals: (object: string, since: string, until: string, known?: RemovalReadOptions): Promise<Removal[]> =>
      readRemovals({ transport, log, lookbackMs }, object, since, until, known),
    // A merged-away id answers as the record the merge made (https://developers.hubspot.com/docs/api/crm/contacts,
    // "Merge"; record-reader.ts `askedAs`), and writes to it reach that record.
    mergedIdsTakeWrites: true,
    recycleBin: {
      everyMs: options.recycleBinEveryMs ?? DEFAULT_RECYCLE_BIN_EVERY_MS,
      readArchived: async (object, fields, onPage) => {
        const asked = propertiesFor(object, fields);
        await listRecycleBin(transport, object, (page) => onPage(page.map((raw) => fromHubspotObject(object, raw, fields))), asked);
      },
      fieldValues: (object: string, ids: readonly string[], fields: readonly string[]) =>
        propertyValues(transport, object, ids, fields, { archived: true }),
    },
    apiCalls: () => transport.callCount(),
    limitInfo: () => transport.dailyUsage(),
    listOwners: () => listOwners(transport),
    portalUsage: () => readPortalUsage(transport),
    recycleBinSize: (object: string, onPage?: (listed: number) => void) =>
      listRecycleBin(transport, object, (_page, listed) => onPage?.(listed)),
    readActivities: (contactIds: string[], since: string | null) =>
      readActivities(transport, contactIds, since),
    readContactEvents: (since: string, onPage: (activities: HubspotActivity[]) => Promise<void>) =>
      readContactEvents(transport, since, onPage),
    probeEventsApi: () => probeEventsApi(transport),
    listForms: () => listForms(transport),
    readFormSubmissions: (since: string | null, until: string, onPage: (activities: EmailActivity[]) => Promise<void>) =>
      readFormSubmissions(transport, since, until, onPage),
    readCampaigns: (typeProperty: string | null) => readCampaigns(transport, typeProperty),
    readEmailEvents: (since: string | null, until: string, onPage: (activities: EmailActivity[]) => Promise<void>) =>
      readEmailEvents(transport, since, until, onPage),
    readAssociations: (from: string, ids: readonly string[], to: string) =>
      readAssociations(transport, from, ids, to),
    ensureProperties: (object: string, definitions: readonly HubspotPropertyDefinition[]) =>
      ensureProperties(transport, catalog, object, definitions),
  };
}
