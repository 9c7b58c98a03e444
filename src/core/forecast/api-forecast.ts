// The API cost model the bench reports and `leadloop forecast` prints (one model for both): calls by
// endpoint class, measured by the bench in the default configuration at several sizes, a part per run
// that does not scale and a part per contact (call-curve.ts), set against the vendors' limits: HubSpot's
// rolling 10-second burst and daily allocation and the search API's per-second limit, Salesforce's
// rolling 24-hour allocation (of which leadloop takes a share). Pure: counts and limits in, calls out.
import { callsAt, type CurvePoint, curveThrough, type SystemCalls } from "./call-curve.js";

export type ForecastSystem = "hubspot" | "salesforce";
export type CallClass = "writes" | "reads" | "behaviour" | "match";
export const CALL_CLASSES: readonly CallClass[] = ["writes", "reads", "behaviour", "match"];

/** Calls of one system by class; `search` counts the HubSpot CRM searches among them (their own limit). */
export type ClassCalls = Record<CallClass, number> & { search: number };

/** Calls per unit, per system: what the bench measured, divided by what it measured over. */
export interface CallRates {
  /** A first load's calls per marketing contact. */
  firstLoadPerContact: Record<ForecastSystem, ClassCalls>;
  /** An incremental run's calls per changed contact, above an idle run's. */
  perChangedContact: Record<ForecastSystem, ClassCalls>;
  /** An idle run's calls (nothing changed): what each scheduled run costs at least. */
  idleRun: Record<ForecastSystem, ClassCalls>;
  /** Where the rates come from (the bench run, its size and commit). */
  measuredAt: string;
  /**
   * Calls through bench runs of several sizes, each from its point at 0 (the part that does not scale):
   * a first load's by contacts, and a run's that carries changes, above an idle run's, by changed
   * contacts. Without them (one bench's rates), the first load is the idle run plus the calls per
   * contact, and a change costs its calls per changed contact.
   */
  curves?: { firstLoad: CurvePoint[]; changeRun: CurvePoint[] };
  /**
   * What a run adds when reps updated CRM records since the last one (a Lead's status, a conversion, an
   * opportunity's stage): the phases that read sales' work back and answer it wake. The soak's steady runs
   * (reps at work) above what the change runs price their contacts' changes at (`withSalesRun`). One
   * bench's rates have none: its scenarios edit marketing records only.
   */
  salesRun?: Record<ForecastSystem, ClassCalls>;
}

export interface VendorLimits {
  hubspot: {
    /** Calls per rolling 10 seconds: 190 for a Professional/Enterprise private app, 100 on Free/Starter. */
    burstPer10Seconds: number;
    /** CRM search requests per second, counted on their own. */
    searchPerSecond: number;
    /** Calls per day: 650,000 Professional, 1,000,000 Enterprise, 250,000 Free/Starter. */
    dailyCalls: number;
  };
  salesforce: {
    /** The org's API allocation per rolling 24 hours. */
    dailyCalls: number;
    /** The share of it leadloop may spend (`sync.salesforceApiShare`). */
    share: number;
  };
}

/**
 * HubSpot: https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details (private apps: 190
 * per 10 s and 650,000 a day on Professional; search 5 requests a second). Salesforce: "API Request
 * Limits and Allocations" (Enterprise Edition: 100,000 per 24 hours plus 1,000 per user license).
 */
export const DEFAULT_LIMITS: VendorLimits = {
  hubspot: { burstPer10Seconds: 190, searchPerSecond: 5, dailyCalls: 650_000 },
  salesforce: { dailyCalls: 100_000, share: 0.25 },
};

export interface PortalCounts {
  /** Marketing contacts in the portal. */
  contacts: number;
  /** Contacts that change on a typical day (an edit, new behaviour, a form). */
  changesPerDay: number;
  /** Scheduled runs a day (`schedule.every` 5m: 288). */
  runsPerDay: number;
  /**
   * CRM records reps update on a typical day (a Lead's status, a conversion, an opportunity's stage). Each
   * run that carries one pays the rates' `salesRun` once. Default: none.
   */
  salesUpdatesPerDay?: number;
  /**
   * HubSpot records in the recycle bin (contacts, companies and deals deleted in the last 90 days). Every
   * run lists them to follow deletions: the search API cannot filter on archived records, so the list
   * (`archived=true`, 100 a page) is read whole each time. The bench's idle run lists near-empty bins.
   */
  archived?: number;
  /**
   * How many of a day's runs list the recycle bin: every run while it holds at most 1,000 records, else
   * as often as `hubspot.recycleBinEvery` allows (sync/recycle-bin.ts). Default: every run.
   */
  binListingsPerDay?: number;
}

export interface LoadForecast {
  calls: Record<ForecastSystem, ClassCalls & { total: number }>;
  /** The least time the calls take under HubSpot's burst and search limits (leadloop never exceeds them). */
  hubspotSeconds: number;
  /** Share of each system's daily allocation the calls use (Salesforce: of leadloop's share). */
  dailyShare: Record<ForecastSystem, number>;
  /** Days of leadloop's Salesforce share the calls need (more than 1: the load spreads over days). */
  salesforceDays: number;
}

export interface Forecast {
  counts: PortalCounts;
  limits: VendorLimits;
  firstLoad: LoadForecast;
  typicalDay: LoadForecast;
  /**
   * Calls that do not scale with the portal: a first load's at 0 contacts, every run's (the idle run's),
   * every run's that carries a change, idle reads included, and what a run adds when it carries sales'
   * updates (none when the rates have no sales run).
   */
  fixed: Record<"firstLoad" | "idleRun" | "changeRun" | "salesRun", Record<ForecastSystem, number>>;
  measuredAt: string;
}

export function zeroCalls(): ClassCalls {
  return { writes: 0, reads: 0, behaviour: 0, match: 0, search: 0 };
}

/** HubSpot's objects list answers 100 records a page (GET /crm/v3/objects/{type}, `limit`). */
const ARCHIVED_LIST_PAGE = 100;

/** The calls, the time under the limits and the budget shares for a first load and a typical day. */
export function forecast(rates: CallRates, counts: PortalCounts, limits: VendorLimits = DEFAULT_LIMITS): Forecast {
  const curves = curvesOf(rates);
  const bin = binCalls(counts.archived ?? 0);
  const firstLoad = bySystem((s) => add(callsAt(curves.firstLoad, counts.contacts)[s], bin[s]));
  const binListings = Math.min(counts.runsPerDay, counts.binListingsPerDay ?? counts.runsPerDay);
  // A day's changes spread over its runs: each run that carries one pays the change run's part that does
  // not scale (the funnel's phases wake: their queries, owners, campaigns), so 300 changes in 288 runs
  // cost more than 300 in one.
  const runsWithChanges = Math.min(counts.runsPerDay, counts.changesPerDay);
  const changeRun = runsWithChanges > 0 ? callsAt(curves.changeRun, counts.changesPerDay / runsWithChanges) : undefined;
  // Sales' updates spread over the day's runs the same way: each run that carries one pays the sales run.
  const salesRuns = Math.min(counts.runsPerDay, counts.salesUpdatesPerDay ?? 0);
  if (salesRuns > 0 && !rates.salesRun) throw new Error(`these rates have no sales run (${rates.measuredAt})`);
  const salesRun = rates.salesRun ?? bySystem(() => zeroCalls());
  const typicalDay = bySystem((s) =>
    add(
      add(
        add(changeRun ? scale(changeRun[s], runsWithChanges) : zeroCalls(), scale(rates.idleRun[s], counts.runsPerDay)),
        scale(salesRun[s], salesRuns),
      ),
      scale(bin[s], binListings),
    ),
  );
  return {
    counts,
    limits,
    firstLoad: loadForecast(firstLoad, limits),
    typicalDay: loadForecast(typicalDay, limits),
    fixed: {
      firstLoad: totals(curves.firstLoad[0]!.calls),
      idleRun: totals(rates.idleRun),
      changeRun: totals(bySystem((s) => add(rates.idleRun[s], curves.changeRun[0]!.calls[s]))),
      salesRun: totals(salesRun),
    },
    measuredAt: rates.measuredAt,
  };
}

/** The rates' curves, or one bench's rates as the straight lines they stand for. */
function curvesOf(rates: CallRates): NonNullable<CallRates["curves"]> {
  if (rates.curves) return rates.curves;
  return {
    firstLoad: [
      { at: 0, calls: rates.idleRun },
      { at: 1, calls: bySystem((s) => add(rates.idleRun[s], rates.firstLoadPerContact[s])) },
    ],
    changeRun: [
      { at: 0, calls: bySystem(() => zeroCalls()) },
      { at: 1, calls: rates.perChangedContact },
    ],
  };
}

function totals(calls: SystemCalls): Record<ForecastSystem, number> {
  return bySystem((s) => CALL_CLASSES.reduce((sum, k) => sum + Math.round(calls[s][k]), 0));
}

/** A listing of HubSpot's recycle bin: its pages beyond the one per object the idle run already read. */
function binCalls(archived: number): Record<ForecastSystem, ClassCalls> {
  return {
    hubspot: { ...zeroCalls(), reads: Math.floor(archived / ARCHIVED_LIST_PAGE) },
    salesforce: zeroCalls(),
  };
}

/** The same figures for calls already counted (the bench's own runs). */
export function loadForecast(calls: Record<ForecastSystem, ClassCalls>, limits: VendorLimits = DEFAULT_LIMITS): LoadForecast {
  const total = (c: ClassCalls) => CALL_CLASSES.reduce((sum, k) => sum + c[k], 0);
  const hs = calls.hubspot;
  const hsTotal = total(hs);
  // Searches have their own per-second limit; the rest share the 10-second burst. A run makes one call at
  // a time, so while a search waits for its limit no other call goes: the two times add up.
  const burstSeconds = ((hsTotal - hs.search) * 10) / limits.hubspot.burstPer10Seconds;
  const searchSeconds = hs.search / limits.hubspot.searchPerSecond;
  const sfShare = limits.salesforce.dailyCalls * limits.salesforce.share;
  const sfTotal = total(calls.salesforce);
  return {
    // Each class in whole calls, and the total their sum: the parts a person adds up make the total.
    calls: bySystem((s) => {
      const whole = roundCalls(calls[s]);
      return { ...whole, total: total(whole) };
    }),
    hubspotSeconds: round(burstSeconds + searchSeconds, 1),
    dailyShare: {
      hubspot: round(hsTotal / limits.hubspot.dailyCalls, 4),
      salesforce: round(sfTotal / sfShare, 4),
    },
    salesforceDays: Math.max(1, Math.ceil(sfTotal / sfShare)),
  };
}

const NO_CALLS: ClassCalls = { writes: 0, reads: 0, behaviour: 0, match: 0, search: 0 };

/** One bench run's measured runs: its first load, the runs that carried changes, its idle run. */
export interface MeasuredSize {
  /** The contacts of its first load. */
  contacts: number;
  firstLoad: SystemCalls;
  /** Each run that carried changes, with the contacts changed in it (field edits, new behaviour). */
  changes: readonly { calls: SystemCalls; changed: number }[];
  idle: SystemCalls;
}

/**
 * Rates from measured runs at one size or several. A change run's calls beyond an idle run's are what its
 * changes cost, so a day's forecast prices field edits and behaviour alike. The per-contact keys are the
 * largest size's (what one bench reports); with several sizes, `curves` pass through every one of them.
 */
export function ratesFrom(sizes: readonly MeasuredSize[], measuredAt: string): CallRates {
  const bySize = [...sizes].sort((a, b) => a.contacts - b.contacts);
  const largest = bySize[bySize.length - 1];
  if (!largest) throw new Error("rates need at least one measured size");
  const per = (c: ClassCalls, n: number): ClassCalls => scale(c, n > 0 ? 1 / n : 0);
  const changed = (m: MeasuredSize) => m.changes.reduce((sum, run) => sum + run.changed, 0);
  const changeCalls = (m: MeasuredSize, s: ForecastSystem): ClassCalls =>
    m.changes.reduce((sum, run) => add(sum, subtract(run.calls[s], m.idle[s])), NO_CALLS);
  const rates: CallRates = {
    firstLoadPerContact: bySystem((s) => per(largest.firstLoad[s], largest.contacts)),
    perChangedContact: bySystem((s) => per(changeCalls(largest, s), changed(largest))),
    idleRun: bySystem((s) => ({ ...largest.idle[s] })),
    measuredAt,
  };
  if (bySize.length < 2) return rates;
  // A size's change runs as one: their mean changed contacts and their mean calls above the idle run.
  const changeRun = (m: MeasuredSize): CurvePoint => ({
    at: changed(m) / Math.max(1, m.changes.length),
    calls: bySystem((s) => scale(changeCalls(m, s), 1 / Math.max(1, m.changes.length))),
  });
  return {
    ...rates,
    curves: {
      firstLoad: curveThrough(
        bySize.map((m) => ({ at: m.contacts, calls: m.firstLoad })),
        bySize[0]!.idle,
      ),
      changeRun: curveThrough(bySize.map(changeRun), bySystem(() => zeroCalls())),
    },
  };
}

/**
 * Rates with the sales run a soak measured: its steady runs, each after `changed` contacts changed and
 * reps updated records, above what these rates price a run of `changed` changes at (class by class, never
 * below none).
 */
export function withSalesRun(rates: CallRates, steady: { changed: number; calls: SystemCalls }): CallRates {
  const changeRun = callsAt(curvesOf(rates).changeRun, steady.changed);
  return {
    ...rates,
    salesRun: bySystem((s) => subtract(steady.calls[s], add(rates.idleRun[s], changeRun[s]))),
  };
}

function bySystem<T>(f: (s: ForecastSystem) => T): Record<ForecastSystem, T> {
  return { hubspot: f("hubspot"), salesforce: f("salesforce") };
}

function scale(c: ClassCalls, factor: number): ClassCalls {
  return mapCalls(c, (v) => v * factor);
}

function add(a: ClassCalls, b: ClassCalls): ClassCalls {
  return mapCalls(a, (v, k) => v + b[k]);
}

function subtract(a: ClassCalls, b: ClassCalls): ClassCalls {
  return mapCalls(a, (v, k) => Math.max(0, v - b[k]));
}

/** To the nearest call: rounding each class up overstated a small run by a call a class. */
function roundCalls(c: ClassCalls): ClassCalls {
  return mapCalls(c, (v) => Math.round(v));
}

function mapCalls(c: ClassCalls, f: (v: number, k: keyof ClassCalls) => number): ClassCalls {
  return {
    writes: f(c.writes, "writes"),
    reads: f(c.reads, "reads"),
    behaviour: f(c.behaviour, "behaviour"),
    match: f(c.match, "match"),
    search: f(c.search, "search"),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
