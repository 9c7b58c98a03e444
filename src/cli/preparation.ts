// A process's preparation before its first run: leadloop's own HubSpot properties made where missing, then
// the mapped properties checked, once per process (again after a failure), from the property lists an
// earlier process read where the store keeps them, with the calls it made kept for the next run to count
// (README "Commands": a run's `apiCalls` are every call made for it).
import type { ObjectMapping } from "../core/mapping.js";
import { missingPropertiesRefusal } from "../sync/mapping-refusal.js";
import { type CallsSoFar, callsSince, callsSoFar } from "../sync/run-calls.js";
import type { SystemPort } from "../sync/system-port.js";
import type { HubspotAdapter } from "../systems/hubspot/adapter.js";
import { ensureLeadloopProperties } from "../systems/hubspot/leadloop-properties.js";
import { missingMappedProperties } from "../systems/hubspot/mapped-properties.js";
import type { DescriptionMemory } from "./description-memory.js";

export interface Preparation {
  /** Makes sure of leadloop's properties and the mapped ones; a stopped or failed one is done again when next asked. */
  prepare(): Promise<void>;
  /** The calls `prepare` made that no run has counted yet, handed over once (then undefined). */
  takeCalls(): CallsSoFar | undefined;
  /**
   * The mappings the next `prepare` checks, as a new process's would: the daemon's reloaded ones
   * (daemon/config-reload.ts), or the same after a refusal doubted a property list (compose.ts
   * `keepDescriptions`); the calls not yet counted stay for the next run. Asked between turns only.
   */
  remap(mappings: readonly ObjectMapping[]): void;
}

export interface PreparationOptions {
  /** The process's stop request: no call after it, and the rest is prepared when next asked. */
  stop?: AbortSignal;
  /** Key leadloop's tasks (HubSpot as the CRM); so when the CRM port is HubSpot's unless told. */
  crmIsMarketing?: boolean;
  /**
   * The descriptions an earlier process read, given to the adapters before the first prepare: with all of
   * leadloop's properties and the mapped ones in them, prepare makes no call (ARCHITECTURE.md "Kept descriptions").
   */
  memory?: DescriptionMemory;
}

export function preparation(
  marketing: HubspotAdapter,
  crm: SystemPort,
  mappingsAtStart: readonly ObjectMapping[],
  { stop, crmIsMarketing = crm === marketing, memory }: PreparationOptions = {},
): Preparation {
  let mappings = mappingsAtStart;
  const ports = { marketing, crm };
  let prepared: Promise<void> | undefined;
  // A failed prepare's calls too, until a run counts them. Salesforce is not called here: its share's
  // accounting (ApiBudget) is the adapter's own count of its calls in any case.
  let uncounted: CallsSoFar | undefined;
  const ensureAndCheck = async (): Promise<boolean> => {
    const before = callsSoFar(ports);
    try {
      await memory?.recall();
      if (!(await ensureLeadloopProperties(marketing, mappings, crmIsMarketing, stop))) return false;
      // After leadloop's own properties exist (a mapping may carry one); from the lists read to make them.
      const missing = await missingMappedProperties(marketing, mappings);
      if (missing.length > 0) throw missingPropertiesRefusal(missing);
      return true;
    } finally {
      uncounted = callsSince(ports, before, uncounted);
    }
  };
  return {
    prepare: () => {
      // Stopped part way, the rest are ensured by the next run's prepare (runWired throws StoppedBeforeRun).
      prepared ??= ensureAndCheck()
        .then((done) => {
          if (!done) prepared = undefined;
        })
        .catch((err: unknown) => {
          // A failure (HubSpot down, a property missing) is asked again by the next run: a daemon's run after
          // an outage that passed, or after the mapping was fixed and the portal given the property, goes on.
          prepared = undefined;
          throw err;
        });
      return prepared;
    },
    takeCalls: () => {
      const calls = uncounted;
      uncounted = undefined;
      return calls;
    },
    remap: (next) => {
      mappings = next;
      prepared = undefined;
    },
  };
}
