// The composition root: the one place that turns a loaded configuration into adapters, a store and
// mappings, and hands them to the engine. Commands call this and nothing else to get wired up.

import type { LeadloopConfig } from "../config/leadloop-config.js";
import { loadMappings } from "../config/mapping-file.js";
import { loadQualification } from "../config/qualification-file.js";
import { loadRouting } from "../config/routing-file.js";
import { loadSla } from "../config/sla-file.js";
import type { ObjectMapping } from "../core/mapping.js";
import { compileDefinition } from "../core/scoring/compile.js";
import type { Logger } from "../log/logger.js";
import { type OpenOptions, openStore } from "../store/open-store.js";
import type { CallsSoFar } from "../sync/run-calls.js";
import { preparation } from "./preparation.js";
import { descriptionMemory } from "./description-memory.js";
import { descriptionsKey } from "../config/config-fingerprint.js";
import type { DescriptionKeeping } from "../sync/kept-descriptions.js";
import type { StateStore } from "../store/port.js";
import { keepApiAllocation, keptApiAllocation, recentApiCalls } from "../sync/api-usage.js";
import type { FunnelSetup } from "../sync/funnel/funnel-setup.js";
import type { SystemPort } from "../sync/system-port.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../systems/call-retry.js";
import { type Clock, systemClock } from "../systems/clock.js";
import type { HubspotAdapter } from "../systems/hubspot/adapter.js";
import { hubspotHandoffVocabulary } from "../systems/hubspot/handoff-vocabulary.js";
import { salesforceHandoffVocabulary } from "../systems/salesforce/handoff-vocabulary.js";
import type { OrgUsage } from "../systems/salesforce/org-usage.js";

export interface Wiring {
  config: LeadloopConfig;
  store: StateStore;
  marketing: HubspotAdapter;
  crm: SystemPort;
  /** Mappings that apply: none when HubSpot is its own CRM (one record, nothing to map). */
  mappings: ObjectMapping[];
  /** Qualification, routing, SLA and the CRM's handoff vocabulary. */
  funnel: FunnelSetup;
  /**
   * The Salesforce org's Leads, Contacts, API allocation and, when `salesSince` is given, the reps'
   * updates since then (`forecast --live`); undefined with HubSpot as CRM.
   */
  orgUsage(salesSince?: string): Promise<OrgUsage | undefined>;
  /**
   * Creates leadloop's own HubSpot properties where missing and checks the mapped ones (once per process,
   * again after a failure). Its calls are counted by the next run `runParts` is asked for.
   */
  prepare(): Promise<void>;
  /** The calls `prepare` made that no run has counted yet, handed over once (then undefined). */
  takePreparationCalls(): CallsSoFar | undefined;
  /**
   * Keeps in the store the property lists and describes the adapters read since, for the next process, and
   * forgets those a refusal doubted (ARCHITECTURE.md "Kept descriptions"); after each run, and at `close`.
   */
  keepDescriptions(): Promise<void>;
  /**
   * The daemon's reload (daemon/config-reload.ts): a changed configuration's mappings, funnel and settings
   * over the same store and adapters, for the runs after it. Asked between turns only.
   */
  reconfigure(config: LeadloopConfig, files: ConfigFiles): void;
  close(): Promise<void>;
}

/** What the configuration names besides leadloop.yaml, read and validated: mappings and the funnel's files. */
export interface ConfigFiles {
  mappings: ObjectMapping[];
  funnel: FunnelFiles;
}

/**
 * What a sync, and a retry of the error queue's entries, runs on: the store, both systems, mappings and
 * funnel, and the calls the process made preparing that no run has counted: the run it is for counts them
 * (README "Commands": a run's `apiCalls` are every call made for it), so a process's first run does.
 */
export function runParts(
  wiring: Wiring,
): Pick<Wiring, "store" | "marketing" | "crm" | "mappings" | "funnel"> & { preparation?: CallsSoFar } {
  const { store, marketing, crm, mappings, funnel } = wiring;
  const preparation = wiring.takePreparationCalls();
  return { store, marketing, crm, mappings, funnel, ...(preparation ? { preparation } : {}) };
}

export interface WireOptions {
  /** The process's stop request (SIGTERM, Ctrl-C), which cuts the systems' retry waits short. */
  stop?: AbortSignal;
  /**
   * How the state store is opened: `{ existing: true }` for a command that has nothing to do without one
   * (it reads the store, or retries what it holds), which then says there is none instead of making it.
   */
  store?: OpenOptions;
  /** A dry run, which leaves the store as it found it: the allocation read is not kept either. */
  dryRun?: boolean;
  /**
   * A cap on `sync.retryPatience`, for a command that must not wait out an outage (requalify's writes),
   * with what a stopped call's message calls it when it is the shorter.
   */
  patience?: { ms: number; name: string };
  /**
   * The run's clock (cli/context.ts `now`; the real time when absent): descriptions are dated and aged by it,
   * and the Salesforce share's calls counted by its 24 hours, as the runs the store records are dated by it.
   */
  now?: () => Date;
}

export async function wire(config: LeadloopConfig, log: Logger, { stop, store: storeOptions, dryRun, patience: cap, now = () => new Date() }: WireOptions = {}): Promise<Wiring> {
  // Every file is read before the store opens: a configuration error leaves no store file behind.
  const { mappings, funnel: files } = loadConfigFiles(config);
  const store = await openStore(config.store, storeOptions);
  const capped = cap !== undefined && cap.ms < config.sync.retryPatience;
  const retry: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...(capped ? { patienceMs: cap.ms, patienceName: cap.name } : { patienceMs: config.sync.retryPatience }),
    ...(stop ? { stop } : {}),
  };
  // Waits and patience stay in real time (a test's clock may stand still); dates follow the run's clock.
  const clock: Clock = { ...systemClock, date: () => now().getTime() };
  // The systems' clients load here, when a command first talks to a system: a command that only reads
  // the store, and the CLI's help, do without them (ARCHITECTURE.md "CLI").
  const { createHubspotAdapter } = await import("../systems/hubspot/adapter.js");
  const marketing = createHubspotAdapter({
    accessToken: config.hubspot.accessToken,
    baseUrl: config.hubspot.baseUrl,
    log: log.child({ system: "hubspot" }),
    retry,
    clock,
    recycleBinEveryMs: config.hubspot.recycleBinEvery,
  });
  let crm: SystemPort = marketing;
  let orgUsage = async (_salesSince?: string): Promise<OrgUsage | undefined> => undefined;
  let keepAllocation = async (): Promise<void> => {};
  const describing = new Map<string, DescriptionKeeping>([["hubspot", marketing.descriptions]]);
  if (config.crm === "salesforce") {
    const allocation = await keptApiAllocation(store);
    const { API_WINDOW_MS, createSalesforceAdapter } = await import("../systems/salesforce/index.js");
    const salesforce = await createSalesforceAdapter({
      connection: config.salesforce!,
      log: log.child({ system: "salesforce" }),
      retry,
      clock,
      // Runs recorded before this process; the adapter counts its own calls from here on, with their times.
      apiShare: {
        share: config.sync.salesforceApiShare,
        earlier: await recentApiCalls(store, "salesforce", now().getTime(), API_WINDOW_MS),
        ...(allocation ? { allocation: allocation.max } : {}),
      },
      bulkThreshold: config.sync.bulkThreshold,
      lookbackMs: config.salesforce!.lookback,
    });
    crm = salesforce;
    describing.set("salesforce", salesforce.descriptions);
    orgUsage = (salesSince) => salesforce.orgUsage(salesSince);
    // The allocation this process read, for the next one to know its share before a call (ApiShare.allocation).
    keepAllocation = async () => {
      const told = salesforce.limitInfo();
      if (told && told.max !== allocation?.max && !dryRun) await keepApiAllocation(store, told.max);
    };
  }
  const funnel = funnelSetup(config, marketing, crm, files);
  const memory = descriptionMemory({
    store,
    adapters: describing,
    configKey: descriptionsKey(config),
    keptForMs: config.sync.descriptionsKeptFor,
    now,
    readOnly: dryRun === true,
  });
  const { prepare, takeCalls: takePreparationCalls, remap } = preparation(marketing, crm, mappings, { stop, memory });
  const keepDescriptions = async () => {
    // A description a refusal doubted is checked by the next prepare too: a daemon's next run makes leadloop's
    // own properties again and names a mapped one gone, as a new process does (ARCHITECTURE.md "Kept descriptions").
    if (await memory.keep()) remap(wiring.mappings);
  };
  const close = async () => {
    await keepAllocation();
    await keepDescriptions();
    await store.close();
  };
  const wiring: Wiring = { config, store, marketing, crm, mappings, funnel, orgUsage, prepare, takePreparationCalls, keepDescriptions, reconfigure, close };
  function reconfigure(next: LeadloopConfig, nextFiles: ConfigFiles): void {
    wiring.config = next;
    wiring.mappings = nextFiles.mappings;
    wiring.funnel = funnelSetup(next, marketing, crm, nextFiles.funnel);
    memory.reconfigure(descriptionsKey(next), next.sync.descriptionsKeptFor);
    remap(nextFiles.mappings);
  }
  return wiring;
}

/** Every file the configuration names, each validated (errors name file, line and key); mappings with Salesforce as CRM only. */
export function loadConfigFiles(config: LeadloopConfig): ConfigFiles {
  return { mappings: config.crm === "salesforce" ? loadMappings(config.mappings) : [], funnel: loadFunnelFiles(config) };
}

/** The funnel's files: qualification, routing and SLA, each validated, errors naming file and line. */
export type FunnelFiles = Pick<FunnelSetup, "qualification" | "routing" | "sla">;

export function loadFunnelFiles(config: LeadloopConfig): FunnelFiles {
  return {
    qualification: compileDefinition(loadQualification(config.qualification)),
    routing: loadRouting(config.routing),
    sla: loadSla(config.sla),
  };
}

/** The funnel's files (read here unless given) and each system's part in it, as one setup. */
export function funnelSetup(
  config: LeadloopConfig,
  marketing: HubspotAdapter,
  crm: SystemPort,
  files: FunnelFiles = loadFunnelFiles(config),
): FunnelSetup {
  const hubspotVocabulary = hubspotHandoffVocabulary(marketing);
  return {
    ...files,
    vocabulary: config.crm === "salesforce" ? salesforceHandoffVocabulary(crm) : hubspotVocabulary,
    marketingOwnersByEmail: (emails) => hubspotVocabulary.ownersByEmail(emails),
    activities: marketing,
    campaigns: { readCampaigns: () => marketing.readCampaigns(config.hubspot.campaignTypeProperty ?? null) },
    behaviourSource: config.hubspot.behaviourSource,
    inclusion: config.sync.include,
    crmIsMarketing: config.crm === "hubspot",
    activityWindowDays: config.sync.activityWindowDays,
  };
}
