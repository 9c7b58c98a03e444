// `leadloop forecast`: the API calls, the time under the vendors' rate limits and the share of the daily
// allocations that a first load and a day of typical change need, for a user's own portal and org. The
// model (core/forecast) is the one the bench reports: calls the bench measured in the default
// configuration at several sizes, a part per run that does not scale and a part per contact. Counts and
// limits come from flags, from `--live` (the portal and the org say how many contacts, Leads and
// Contacts they hold, what their limits are and what the reps updated in the last day; the store or a
// listing how large the recycle bins are: forecast-live.ts), or both (flags win). The output says where
// the counted figures came from.
import { type Command, InvalidArgumentError, Option } from "commander";
import { loadConfig } from "../../config/load-config.js";
import {
  type CallRates,
  DEFAULT_LIMITS,
  type Forecast,
  forecast,
  type LoadForecast,
  type VendorLimits,
} from "../../core/forecast/api-forecast.js";
import { measuredRates } from "../../core/forecast/measured-rates.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, globalOptions, printJson } from "../context.js";
import { type ArchivedSource, type LiveConfigured, readLive, type SalesUpdatesSource } from "../forecast-live.js";
import { EXIT } from "../exit-codes.js";
import { wholeNumber } from "../whole-number.js";
import { z } from "zod";
import { hubspotCrmRefusal } from "../forecast-scope.js";
import { readOptionFile } from "../option-files.js";
import { UsageError } from "../usage-error.js";
import { BIN_LISTED_EVERY_RUN, DEFAULT_RECYCLE_BIN_EVERY_MS } from "../../core/bin-listing.js";

/** HubSpot's private-app limits per tier (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details). */
const HUBSPOT_TIERS = {
  starter: { burstPer10Seconds: 100, dailyCalls: 250_000 },
  professional: { burstPer10Seconds: 190, dailyCalls: 650_000 },
  enterprise: { burstPer10Seconds: 190, dailyCalls: 1_000_000 },
} as const;
const DAY_MS = 24 * 60 * 60_000;
/** A typical day's changed contacts when not given: a tenth of the portal (the bench's incremental run). */
const DEFAULT_CHANGE_SHARE = 0.1;

interface ForecastOptions {
  contacts?: number;
  changesPerDay?: number;
  salesUpdatesPerDay?: number;
  runsPerDay?: number;
  archived?: number;
  hubspotTier: keyof typeof HUBSPOT_TIERS;
  hubspotBurst?: number;
  hubspotDaily?: number;
  hubspotSearchPerSecond?: number;
  salesforceDaily?: number;
  salesforceShare?: number;
  rates?: string;
  live?: boolean;
  json?: boolean;
}

const share = (v: string): number => {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError("expected a share between 0 and 1, such as 0.25");
  return n;
};

export function registerForecast(program: Command, io: CommandIo): void {
  declareCommand(program, "forecast")
    .option("--contacts <n>", "marketing contacts in the portal", wholeNumber(0))
    .option("--changes-per-day <n>", "contacts that change on a typical day (default: a tenth of --contacts)", wholeNumber(0))
    .option(
      "--sales-updates-per-day <n>",
      "Leads and opportunities your reps update on a typical day (a status, a conversion, a stage): each run that carries one reads their work back (default: none; --live counts those others than leadloop modified in the last 24 hours)",
      wholeNumber(0),
    )
    .option("--runs-per-day <n>", "scheduled runs a day (default: from schedule.every, else 288)", wholeNumber(1))
    .option(
      "--archived <n>",
      "HubSpot contacts, companies and deals in the recycle bin (deleted in the last 90 days): every run lists up to 1,000 of them, a larger bin every hubspot.recycleBinEvery (default: none; --live takes the daemon's last listing from the store, else lists the bins)",
      wholeNumber(0),
    )
    .addOption(
      new Option("--hubspot-tier <tier>", "the portal's tier, for its private-app limits and the calls its behaviour sources cost")
        .choices(Object.keys(HUBSPOT_TIERS))
        .default("professional"),
    )
    .option("--hubspot-burst <n>", "HubSpot calls per 10 seconds (overrides the tier's)", wholeNumber(1))
    .option("--hubspot-daily <n>", "HubSpot calls per day (overrides the tier's)", wholeNumber(1))
    .option("--hubspot-search-per-second <n>", "HubSpot CRM searches per second", wholeNumber(1))
    .option("--salesforce-daily <n>", "the org's API allocation per 24 hours", wholeNumber(1))
    .option("--salesforce-share <share>", "leadloop's share of it (default: sync.salesforceApiShare, else 0.25)", share)
    .option("--rates <file>", "calls per contact from your own `npm run bench -- --json` output (its default.rates)")
    .option(
      "--live",
      "read the contacts, Leads and Contacts, the limits and the reps' updates from the portal and the org, and the recycle bins' size from the store or a listing",
    )
    .option("--json", "print JSON on stdout")
    .addHelpText(
      "after",
      "\nThe model is the bench's (test/bench/README.md): calls measured in the default configuration at\n" +
        "several sizes, a part per run that does not scale and a part per contact, scaled to your counts\n" +
        "and set against the vendors' limits. It is measured with Salesforce as the CRM: with crm: hubspot in\n" +
        "the configuration, forecast says so and prices nothing.\n\nExamples:\n" +
        "  leadloop forecast --contacts 250000\n" +
        "  leadloop forecast --contacts 1000000 --changes-per-day 20000 --hubspot-tier enterprise --salesforce-daily 500000\n" +
        "  leadloop forecast --contacts 1000000 --archived 30000\n" +
        "  leadloop forecast --live --json",
    )
    .action(async function (this: Command, opts: ForecastOptions) {
      const g = globalOptions(this);
      const live = opts.live
        ? await readLive(g, io, { salesUpdates: opts.salesUpdatesPerDay === undefined, archived: opts.archived === undefined })
        : undefined;
      const configured = live ? configuredOf(live.config) : tryConfig(g.config, io);
      const contacts = opts.contacts ?? live?.contacts;
      if (contacts === undefined) {
        io.stderr.write("forecast needs the portal's size: give --contacts <n>, or --live with a configuration\n");
        io.outcome.exitCode = EXIT.config;
        return;
      }
      const tier = HUBSPOT_TIERS[opts.hubspotTier];
      const limits: VendorLimits = {
        hubspot: {
          burstPer10Seconds: opts.hubspotBurst ?? live?.hubspotBurst ?? tier.burstPer10Seconds,
          searchPerSecond: opts.hubspotSearchPerSecond ?? DEFAULT_LIMITS.hubspot.searchPerSecond,
          dailyCalls: opts.hubspotDaily ?? live?.hubspotDaily ?? tier.dailyCalls,
        },
        salesforce: {
          dailyCalls: opts.salesforceDaily ?? live?.salesforceDaily ?? DEFAULT_LIMITS.salesforce.dailyCalls,
          share: opts.salesforceShare ?? configured?.share ?? DEFAULT_LIMITS.salesforce.share,
        },
      };
      const rates = opts.rates ? readRates(opts.rates) : measuredRates(opts.hubspotTier);
      const sources: ForecastSources = {
        salesUpdatesPerDay: opts.salesUpdatesPerDay !== undefined ? { from: "flag" } : (live?.salesUpdates?.source ?? { from: "none" }),
        archived: opts.archived !== undefined ? { from: "flag" } : (live?.archived?.source ?? { from: "none" }),
      };
      const salesUpdatesPerDay = opts.salesUpdatesPerDay ?? live?.salesUpdates?.count ?? 0;
      const archived = opts.archived ?? live?.archived?.count ?? 0;
      if (salesUpdatesPerDay > 0 && !rates.salesRun) {
        throw new UsageError(
          `${sources.salesUpdatesPerDay.from === "flag" ? "--sales-updates-per-day" : `--live counted ${salesUpdatesPerDay} sales updates, but`}: ` +
            `the rates in ${opts.rates} have no sales run (the soak measures it: ` +
            "test/bench/README.md \"The soak\"; a bench's scenarios edit marketing records only)" +
            (sources.salesUpdatesPerDay.from === "flag" ? "" : "; give --sales-updates-per-day 0 to leave the reps' updates out"),
        );
      }
      const runsPerDay = opts.runsPerDay ?? configured?.runsPerDay ?? 288;
      const result = forecast(
        rates,
        {
          contacts,
          changesPerDay: opts.changesPerDay ?? Math.round(contacts * DEFAULT_CHANGE_SHARE),
          salesUpdatesPerDay,
          runsPerDay,
          archived,
          binListingsPerDay: binListingsPerDay(archived, runsPerDay, configured?.recycleBinEvery ?? DEFAULT_RECYCLE_BIN_EVERY_MS),
        },
        limits,
      );
      const crm = live ? { leads: live.leads, contacts: live.crmContacts } : undefined;
      if (opts.json) printJson(io, { ...result, ...(crm ? { crm } : {}), sources });
      else io.stdout.write(forecastText(result, crm, live ? sources : undefined));
      io.outcome.exitCode = EXIT.ok;
    });
}

/** Where the counts the flags may leave out came from (`--live`: forecast-live.ts). */
export interface ForecastSources {
  salesUpdatesPerDay: SalesUpdatesSource;
  archived: ArchivedSource;
}

interface Configured {
  runsPerDay: number;
  share: number;
  recycleBinEvery: number;
}

/** How many of a day's runs list a recycle bin of `archived` records (sync/recycle-bin.ts). */
function binListingsPerDay(archived: number, runsPerDay: number, everyMs: number): number {
  return archived > BIN_LISTED_EVERY_RUN ? Math.min(runsPerDay, Math.max(1, Math.floor(DAY_MS / everyMs))) : runsPerDay;
}

/**
 * The schedule and the Salesforce share from the configuration, when there is one; with HubSpot as its
 * CRM, the refusal `--live` gives too (forecast-scope.ts).
 */
function tryConfig(flag: string | undefined, io: CommandIo): Configured | undefined {
  let loaded;
  try {
    loaded = loadConfig(flag, io.env);
  } catch {
    return undefined;
  }
  if (loaded.config.crm === "hubspot") throw hubspotCrmRefusal("forecast", loaded.file);
  return configuredOf(loaded.config);
}

function configuredOf(config: LiveConfigured): Configured {
  return {
    runsPerDay: Math.max(1, Math.round(DAY_MS / config.schedule.every)),
    share: config.sync.salesforceApiShare,
    recycleBinEvery: config.hubspot.recycleBinEvery,
  };
}

const classCalls = z.strictObject({
  writes: z.number().nonnegative(),
  reads: z.number().nonnegative(),
  behaviour: z.number().nonnegative(),
  match: z.number().nonnegative(),
  search: z.number().nonnegative(),
});
const perSystem = z.object({ hubspot: classCalls, salesforce: classCalls });
/** A curve's points: by count, smallest first, the first at 0 (core/forecast/call-curve.ts). */
const curve = z
  .array(z.object({ at: z.number().nonnegative(), calls: perSystem }))
  .min(1)
  .refine((points) => points[0]!.at === 0 && points.every((p, i) => i === 0 || p.at > points[i - 1]!.at));
const callRates = z.object({
  firstLoadPerContact: perSystem,
  perChangedContact: perSystem,
  idleRun: perSystem,
  measuredAt: z.string(),
  curves: z.object({ firstLoad: curve, changeRun: curve }).optional(),
  salesRun: perSystem.optional(),
});
/** A bench's whole `--json` output (its `default.rates`), or the rates alone. */
const ratesFile = z.union([
  z.object({ default: z.object({ rates: callRates }) }).transform((f) => f.default.rates),
  z.object({ rates: callRates }).transform((f) => f.rates),
  callRates,
]);

function readRates(file: string): CallRates {
  const text = readOptionFile("--rates", file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--rates ${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = ratesFile.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(`--rates ${file}: no bench rates in it (expected the output of npm run bench -- --json)`);
  }
  return parsed.data;
}

export function forecastText(
  f: Forecast,
  crm?: { leads?: number; contacts?: number },
  /** With `--live`: where the reps' updates and the recycle bin's records came from. */
  sources?: ForecastSources,
  now: number = Date.now(),
): string {
  const n = (v: number) => v.toLocaleString("en-US");
  const lines = [
    `portal: ${n(f.counts.contacts)} contacts${crm ? `; org: ${n(crm.leads ?? 0)} Leads, ${n(crm.contacts ?? 0)} Contacts` : ""}`,
    ...(sources ? sourceLines(f.counts, sources, now) : []),
    `limits: HubSpot ${f.limits.hubspot.burstPer10Seconds} calls/10 s, search ${f.limits.hubspot.searchPerSecond}/s, ` +
      `${n(f.limits.hubspot.dailyCalls)} a day; Salesforce ${n(f.limits.salesforce.dailyCalls)} per 24 h, leadloop's share ${f.limits.salesforce.share}`,
    ...loadLines("first load", f.firstLoad),
    ...loadLines(
      `a day of typical change (${n(f.counts.changesPerDay)} contacts changed, ` +
        `${f.counts.salesUpdatesPerDay ? `${n(f.counts.salesUpdatesPerDay)} sales updates, ` : ""}${f.counts.runsPerDay} runs` +
        `${f.counts.archived ? `, ${binListings(f.counts)} listing ${n(f.counts.archived)} records in HubSpot's recycle bin` : ""})`,
      f.typicalDay,
      { everyDay: true },
    ),
    `calls that do not scale: a first load ${n(f.fixed.firstLoad.hubspot)} HubSpot and ${n(f.fixed.firstLoad.salesforce)} Salesforce ` +
      `whatever the portal's size; every run ${n(f.fixed.idleRun.hubspot)} and ${n(f.fixed.idleRun.salesforce)}, ` +
      `one that carries a change ${n(f.fixed.changeRun.hubspot)} and ${n(f.fixed.changeRun.salesforce)}` +
      (f.fixed.salesRun.hubspot + f.fixed.salesRun.salesforce > 0
        ? `; reps' updates add ${n(f.fixed.salesRun.hubspot)} and ${n(f.fixed.salesRun.salesforce)} to a run that carries them` +
          (f.counts.salesUpdatesPerDay ? "" : " (--sales-updates-per-day)")
        : ""),
    `model: calls measured by the bench (${f.measuredAt})`,
  ];
  return `${lines.join("\n")}\n`;
}

/** Where `--live` found the reps' updates and the recycle bin's records, or why it did not count them. */
function sourceLines(counts: Forecast["counts"], sources: ForecastSources, now: number): string[] {
  const n = (v: number) => v.toLocaleString("en-US");
  const sales = sources.salesUpdatesPerDay;
  const salesLine =
    sales.from === "org"
      ? `sales updates: ${n(counts.salesUpdatesPerDay ?? 0)} a day, the Leads (${n(sales.leads)}) and Opportunities (${n(sales.opportunities)}) ` +
        "someone other than leadloop's integration user modified in the last 24 hours"
      : sales.from === "flag"
        ? `sales updates: ${n(counts.salesUpdatesPerDay ?? 0)} a day, from --sales-updates-per-day`
        : "sales updates: none";
  const bin = sources.archived;
  const binLine =
    bin.from === "live"
      ? `recycle bin: ${n(counts.archived ?? 0)} records (` +
        bin.objects
          .map((o) =>
            o.from === "store"
              ? `${o.object} ${n(o.records)} as the daemon last listed them, ${duration(Math.max(0, (now - Date.parse(o.at)) / 1000))} ago`
              : `${o.object} ${n(o.records)} listed now`,
          )
          .join("; ") +
        ")"
      : bin.from === "flag"
        ? `recycle bin: ${n(counts.archived ?? 0)} records, from --archived`
        : "recycle bin: none";
  return [salesLine, binLine];
}

/** "each" when every run lists the recycle bin, else how many do. */
function binListings(counts: Forecast["counts"]): string {
  const listings = counts.binListingsPerDay ?? counts.runsPerDay;
  return listings >= counts.runsPerDay ? "each" : `${listings} of them`;
}

/**
 * A load's lines. A first load over a day's share is spread over days; a day of typical change over it
 * (`everyDay`) never catches up, since the next day brings as much again: said so, where "spread over
 * 2 days" read as a delay the sync makes up.
 */
function loadLines(name: string, l: LoadForecast, { everyDay = false } = {}): string[] {
  const n = (v: number) => v.toLocaleString("en-US");
  const calls = (s: "hubspot" | "salesforce") => {
    const c = l.calls[s];
    return `${n(c.total)} calls (writes ${n(c.writes)}, reads ${n(c.reads)}, behaviour ${n(c.behaviour)}, match ${n(c.match)})`;
  };
  const behind = (setting: string) => ` (more than a day holds: the sync falls further behind every day; raise ${setting})`;
  return [
    `${name}:`,
    `  HubSpot    ${calls("hubspot")}: at least ${duration(l.hubspotSeconds)} under its rate limits, ${pct(l.dailyShare.hubspot)} of a day's allocation` +
      (everyDay && l.dailyShare.hubspot > 1 ? behind("the portal's daily limit (--hubspot-daily), or run less often") : ""),
    `  Salesforce ${calls("salesforce")}: ${pct(l.dailyShare.salesforce)} of leadloop's daily share` +
      (l.salesforceDays <= 1
        ? ""
        : everyDay
          ? behind("sync.salesforceApiShare or the org's allocation, or run less often")
          : ` (spread over ${l.salesforceDays} days)`),
  ];
}

function pct(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}
