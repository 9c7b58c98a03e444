// Reads what a report needs from the store (funnel events, follow-up clocks, breaches, people's owners,
// the campaigns read from the systems)
// and hands it, as plain data, to the core's report functions. The CLI and the ops console call these.
import {
  type CampaignReport,
  campaignReport,
  DEFAULT_REPORT_SETTINGS,
  type FunnelReport,
  type FunnelReportInput,
  funnelReport,
  type GroupBy,
  type PeriodKind,
  type PersonFacts,
  type ReportPeriod,
  type ReportSettings,
  resolvePeriod,
  type SlaReport,
  slaReport,
  territoryOf,
} from "../core/report/index.js";
import { splitHeldMoves } from "../core/funnel/recycle.js";
import type { RoutingDefinition } from "../core/routing/definition.js";
import { reachedRep, type SlaDefinition } from "../core/sla/index.js";
import type { StateStore } from "../store/port.js";
import { type ReportCrm, reportWords, type ReportWords } from "./words.js";

export interface ReportOptions {
  /** The calendar week, month or quarter holding `now`; ignored when `since` or `until` is given. */
  period?: PeriodKind;
  /** Inclusive; a date (midnight UTC) or an ISO date-time. Without it and `period`: from the first event. */
  since?: string;
  /** Exclusive; default now. */
  until?: string;
  groupBy?: GroupBy | null;
  /** leadloop.yaml's `report` (rate shift alert, targets, campaign types). */
  settings?: ReportSettings;
  /** The routing definition names each rep's territory; without it, territory groups are `(none)`. */
  routing?: RoutingDefinition | null;
}

/** Everything the HTML report and the console show: the funnel, campaigns and SLA of one period. */
export interface ReportBook {
  generatedAt: string;
  funnel: FunnelReport;
  campaigns: CampaignReport;
  sla: SlaReport;
  /** The CRM's words for its deals, which the page's labels use. */
  words: ReportWords;
}

async function readInput(store: StateStore, period: ReportPeriod, routing: RoutingDefinition | null): Promise<FunnelReportInput> {
  // Every handoff counts: the clocks a later handoff of the same person replaced too; one that reached no
  // rep (core/sla `reachedRep`) is none.
  const clocks = [...(await store.listReplacedSlaClocks()), ...(await store.listSlaClocks())].filter(reachedRep);
  // A held MQL counts at its handoff, not before, and is shown as held until then (core/funnel/recycle.ts).
  const { given: events, held } = splitHeldMoves(await store.listFunnelEvents({ to: period.until }), clocks);
  const personIds = [...new Set([...events.map((e) => e.personId), ...clocks.map((c) => c.personId)])];
  const people = new Map<string, PersonFacts>();
  for (const p of personIds.length > 0 ? await store.listPersonScores({ personIds }) : []) {
    people.set(p.personId, { owner: p.ownerEmail, territory: territoryOf(p.ownerEmail, routing) });
  }
  const campaigns = await store.listCampaigns();
  return { events, clocks, people, campaigns, held };
}

export async function buildFunnelReport(store: StateStore, options: ReportOptions, now: Date): Promise<FunnelReport> {
  const period = resolvePeriod(options, now);
  const input = await readInput(store, period, options.routing ?? null);
  return funnelReport(input, period, {
    groupBy: options.groupBy ?? null,
    settings: options.settings ?? DEFAULT_REPORT_SETTINGS,
    now,
  });
}

export async function buildCampaignReport(store: StateStore, options: ReportOptions, now: Date): Promise<CampaignReport> {
  const period = resolvePeriod(options, now);
  const input = await readInput(store, period, options.routing ?? null);
  return campaignReport(input, period, options.settings ?? DEFAULT_REPORT_SETTINGS);
}

export async function buildSlaReport(
  store: StateStore,
  options: ReportOptions & { sla: SlaDefinition },
  now: Date,
): Promise<SlaReport> {
  const period = resolvePeriod(options, now);
  return slaFrom(store, await readInput(store, period, options.routing ?? null), period, options.sla, now);
}

async function slaFrom(store: StateStore, input: FunnelReportInput, period: ReportPeriod, sla: SlaDefinition, now: Date): Promise<SlaReport> {
  const breaches = await store.listSlaBreaches();
  const decisions = await store.slaClockDecisions(input.clocks);
  const current = new Map((await store.listSlaClocks()).map((c) => [c.personId, c.handoffAt]));
  const clocks = input.clocks.map((c) => ({ ...c, replaced: current.get(c.personId) !== c.handoffAt }));
  return slaReport({ clocks, breaches, decisions, people: input.people }, period, sla, now);
}

/** The three reports of one period from one read of the store, for the HTML page and the console. */
export async function buildReportBook(
  store: StateStore,
  options: ReportOptions & { sla: SlaDefinition; crm: ReportCrm },
  now: Date,
): Promise<ReportBook> {
  const period = resolvePeriod(options, now);
  const input = await readInput(store, period, options.routing ?? null);
  const settings = options.settings ?? DEFAULT_REPORT_SETTINGS;
  return {
    generatedAt: now.toISOString(),
    funnel: funnelReport(input, period, { groupBy: options.groupBy ?? null, settings, now }),
    campaigns: campaignReport(input, period, settings),
    sla: await slaFrom(store, input, period, options.sla, now),
    words: reportWords(options.crm),
  };
}
