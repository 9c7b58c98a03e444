// What the console reads and the one thing it does, handed in by `leadloop daemon` (which owns the
// wiring): the store, the daemon's own state, the mappings and their live check, the systems' API usage
// and the retry of an error-queue entry. The console itself holds no adapters.
import type { ObjectMapping } from "../../core/mapping.js";
import type { MappingProblem } from "../../core/mapping-check.js";
import type { ReportSettings } from "../../core/report/index.js";
import type { RoutingDefinition } from "../../core/routing/definition.js";
import type { SlaDefinition } from "../../core/sla/index.js";
import type { StateStore } from "../../store/port.js";
import type { RetryResult } from "../../sync/retry-errors.js";
import type { DaemonState } from "../health-server.js";

/** A system's usage as its own headers last reported it (HubSpot daily, Salesforce rolling 24 hours). */
export interface SystemUsage {
  used: number;
  max: number;
}

export interface ConsoleSources {
  store: StateStore;
  state: DaemonState;
  crm: "salesforce" | "hubspot";
  mappings: readonly ObjectMapping[];
  sla: SlaDefinition;
  /** leadloop.yaml's `report` and the routing (for territories), as `leadloop report` reads them. */
  report: { settings: ReportSettings; routing: RoutingDefinition | null };
  /** leadloop's share of Salesforce's allocation (sync.salesforceApiShare). */
  salesforceApiShare: number;
  /** The usage each system last reported to this daemon's adapters; absent until a call told it. */
  usage(): Record<string, SystemUsage | undefined>;
  /** The same checks as `validate --live` (mappings and disposition statuses against the live schemas). */
  checkLive(): Promise<MappingProblem[]>;
  /** `errors retry --id <id> …`: the same code path, taking its turn with the scheduled runs. */
  retry(ids: number[]): Promise<RetryResult>;
  now(): Date;
}
