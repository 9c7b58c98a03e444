// The composition root: the one place that turns a loaded configuration into adapters, a store and
// mappings, and hands them to the engine. Commands call this and nothing else to get wired up.

import type { LeadloopConfig } from "../config/leadloop-config.js";
import { loadMappings } from "../config/mapping-file.js";
import type { ObjectMapping } from "../core/mapping.js";
import type { Logger } from "../log/logger.js";
import { openStore } from "../store/open-store.js";
import type { StateStore } from "../store/port.js";
import { apiCallsToday } from "../sync/api-usage.js";
import type { SystemPort } from "../sync/system-port.js";
import { createHubspotAdapter, type HubspotAdapter } from "../systems/hubspot/adapter.js";
import { ensureLeadloopProperties } from "../systems/hubspot/leadloop-properties.js";
import { createSalesforceAdapter } from "../systems/salesforce/adapter.js";

export interface Wiring {
  config: LeadloopConfig;
  store: StateStore;
  marketing: HubspotAdapter;
  crm: SystemPort;
  /** Mappings that apply: none when HubSpot is its own CRM (one record, nothing to map). */
  mappings: ObjectMapping[];
  /** Creates leadloop's own HubSpot properties where missing (once per process). */
  prepare(): Promise<void>;
  close(): Promise<void>;
}

export async function wire(config: LeadloopConfig, log: Logger): Promise<Wiring> {
  const mappings = config.crm === "salesforce" ? loadMappings(config.mappings) : [];
  const store = await openStore(config.store);
  const marketing = createHubspotAdapter({
    accessToken: config.hubspot.accessToken,
    baseUrl: config.hubspot.baseUrl,
    log: log.child({ system: "hubspot" }),
  });
  let crm: SystemPort = marketing;
  if (config.crm === "salesforce") {
    crm = await createSalesforceAdapter({
      connection: config.salesforce!,
      log: log.child({ system: "salesforce" }),
      apiShare: {
        share: config.sync.salesforceApiShare,
        usedEarlierToday: await apiCallsToday(store, "salesforce"),
      },
      bulkThreshold: config.sync.bulkThreshold,
    });
  }
  let prepared: Promise<void> | undefined;
  const prepare = (): Promise<void> => {
    prepared ??= ensureLeadloopProperties(marketing, mappings);
    return prepared;
  };
  return { config, store, marketing, crm, mappings, prepare, close: () => store.close() };
}
