// Entry point of `npm run bench`: runs the sync scenarios over both emulators, the naive baseline and
// the engine benchmarks, and prints one JSON object (--json) or a table. Benchmarks report figures;
// nothing here passes or fails on time.
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import { CRM_KINDS, type CrmKind } from "../config/leadloop-config.js";
import { loadMappings } from "../config/mapping-file.js";
import { HUBSPOT_TIERS, type HubspotTier } from "../sandbox/hubspot/portal-tier.js";
import { SHIPPED_MAPPINGS } from "../sandbox/package-paths.js";
import { startEmulators } from "./bench-loop.js";
import { type BenchResult, benchResult, type EngineResult, engineResult } from "./bench-result.js";
import { runDefaultScenariosApart, runSoakApart } from "./default-process.js";
import { type DefaultResult, defaultResult } from "./default-result.js";
import { benchMerge } from "./engine-merge.js";
import { benchPage } from "./engine-page.js";
import { GROUP_RECORDS } from "../sync/change-groups.js";
import { type NaiveFigures, runNaiveConnector } from "./naive-connector.js";
import { headlineOf, renderTable } from "./report-table.js";
import { seedContacts } from "./seed-contacts.js";
import { runScoringBench, type ScoringBenchResult } from "./scoring-bench.js";
import { soakText } from "./soak.js";
import { runSyncScenarios } from "./sync-scenarios.js";

const SCALE_SIZES = [10_000, 100_000, 1_000_000];

interface Options {
  records: number;
  json: boolean;
  scale: boolean;
  skipBaseline: boolean;
  baselineMax: number;
  fieldOnlyMax: number;
  engineRecords: number;
  skipEngine: boolean;
  engineOnly: boolean;
  skipFieldOnly: boolean;
  scoringActivities: number;
  hubspotTier: HubspotTier;
  soakRuns?: number;
  crm: CrmKind;
}

/**
 * Why a scenario does not run at this size, or null when it does: skipped by its flag, or above its
 * largest size (`--scale` reaches 1M, where the naive baseline and the field-only scenario, whose
 * emulators share the bench's process, are left out).
 */
function skipped(records: number, skip: boolean, skipFlag: string, max: number, maxFlag: string): string | null {
  if (skip) return skipFlag;
  return records > max ? `${records} records is above ${maxFlag} ${max}` : null;
}

function count(value: string): number {
  const n = Number(value.replace(/[_,]/g, ""));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1");
  return n;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("bench")
    .description("leadloop benchmarks over the loopback emulators (issue 3, 'Speed and scale')")
    .option("--records <n>", "marketing contacts in the first load", count, 10_000)
    .option("--json", "print one JSON object on stdout", false)
    .option("--scale", `run ${SCALE_SIZES.join(", ")} records in sequence (1M takes long)`, false)
    .option("--skip-baseline", "do not run the naive per-record connector", false)
    .option("--baseline-max <n>", "largest size the naive baseline runs at", count, 100_000)
    .option("--engine-records <n>", "linked record pairs for the engine benchmarks", count, 100_000)
    .option("--skip-engine", "do not run the engine benchmarks", false)
    .option("--engine-only", "run the engine benchmarks alone (no emulators, no scoring)", false)
    .option("--skip-field-only", "do not run the field-only scenario (funnel off)", false)
    .option(
      "--field-only-max <n>",
      "largest size the field-only scenario runs at (its emulators share the bench's process and heap)",
      count,
      100_000,
    )
    .addOption(
      new Option("--hubspot-tier <tier>", "the emulated HubSpot portal's tier (behaviour reads depend on it)")
        .choices(HUBSPOT_TIERS)
        .default("enterprise"),
    )
    .option("--scoring-activities <n>", "activities rescored by the scoring benchmark", count, 1_000_000)
    .option(
      "--soak-runs <n>",
      "run the soak alone: a first load of --records contacts, then n runs five minutes apart on the systems' clock, people acting between them",
      count,
    )
    .addOption(
      new Option("--crm <crm>", "the CRM the soak syncs with (the default scenarios always use Salesforce)")
        .choices(CRM_KINDS)
        .default("salesforce"),
    )
    .parse(argv);
  const options = program.opts<Options>();
  const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

  const commit = currentCommit();
  if (options.crm !== "salesforce" && options.soakRuns === undefined) {
    program.error("error: --crm is the soak's: give --soak-runs too (the default scenarios always use Salesforce)", { exitCode: 2 });
  }
  if (options.soakRuns !== undefined) {
    progress(`soak: ${options.soakRuns} runs at ${options.records} contacts (load ${loadavg()[0]!.toFixed(2)})`);
    const soak = await runSoakApart(
      options.records,
      options.soakRuns,
      `${commit}, ${options.records} contacts, ${options.hubspotTier} portal`,
      options.crm,
      options.hubspotTier,
    );
    const environment = shortEnvironment(commit);
    process.stdout.write(options.json ? `${JSON.stringify({ soak, environment }, null, 2)}\n` : `${soakText(soak)}\n`);
    return;
  }
  let engine: EngineResult | undefined;
  if (!options.skipEngine) {
    const contact = loadMappings(SHIPPED_MAPPINGS).filter((m) => m.pair === "contact");
    const lead = contact.find((m) => m.crmObject === "Lead");
    if (!lead) throw new Error("the shipped mappings have no contact↔Lead mapping");
    progress(`engine at ${options.engineRecords} linked pairs`);
    engine = engineResult(
      await benchMerge(lead, options.engineRecords),
      await benchPage(contact, options.engineRecords),
      await benchPage(contact, options.engineRecords, GROUP_RECORDS),
    );
  }

  if (options.engineOnly) {
    if (!engine) throw new InvalidArgumentError("--engine-only and --skip-engine exclude each other");
    const environment = shortEnvironment(commit);
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ engine, environment }, null, 2)}\n`
        : `${renderTable([], engine)}\n`,
    );
    return;
  }

  const sizes = options.scale ? SCALE_SIZES : [options.records];
  const results: SizeResult[] = [];
  for (const records of sizes) {
    const naiveSkipped = skipped(records, options.skipBaseline, "--skip-baseline", options.baselineMax, "--baseline-max");
    if (naiveSkipped === null) progress(`naive baseline at ${records} records`);
    const naive: NaiveFigures | string = naiveSkipped ?? (await baseline(records));
    progress(`default configuration at ${records} contacts (load ${loadavg()[0]!.toFixed(2)})`);
    // In a process of its own: its peak RSS is then leadloop's, not the engine bench's or the baseline's.
    const scenarios = await runDefaultScenariosApart({
      records,
      measuredAt: `${commit}, ${records} contacts, ${options.hubspotTier} portal`,
      hubspotTier: options.hubspotTier,
    });
    const byDefault = defaultResult(
      scenarios,
      typeof naive === "string" ? null : naive,
      engine?.page.recordsPerSecond ?? null,
    );
    const fieldOnlySkipped = skipped(records, options.skipFieldOnly, "--skip-field-only", options.fieldOnlyMax, "--field-only-max");
    if (fieldOnlySkipped === null) progress(`field-only scenario at ${records} records (load ${loadavg()[0]!.toFixed(2)})`);
    const fieldOnly: BenchResult | { skipped: string } =
      fieldOnlySkipped === null ? benchResult(await runSyncScenarios(records), naive) : { skipped: fieldOnlySkipped };
    results.push({ records, default: byDefault, fieldOnly });
    // Each size's headline as soon as it is done: `--scale` prints its JSON only at the end, hours later
    // at 1M, and a bench stopped before then would otherwise leave nothing of its smaller sizes.
    progress(`${records} contacts done: ${headlineOf(byDefault)}`);
  }

  let scoring: ScoringBenchResult | undefined;
  if (!options.skipEngine) {
    progress(`scoring ${options.scoringActivities} activities`);
    scoring = runScoringBench(options.scoringActivities);
  }

  const environment = {
    node: process.version,
    platform: process.platform,
    cpus: cpus().length,
    loadAverage: loadAverage(),
    commit,
  };
  if (options.json) {
    const out = options.scale
      ? { scale: results, engine, scoring, environment }
      : { ...results[0], engine, scoring, environment };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderTable(results, engine)}\n`);
    if (scoring) {
      process.stdout.write(
        `scoring: ${scoring.activities} activities of ${scoring.people} people in ${scoring.seconds} s (${scoring.activitiesPerSecond}/s, peak RSS ${scoring.peakRssMb} MB)\n`,
      );
    }
  }
}

/** Where a run alone (the soak, the engine) was measured: the node, the cores, the load and the commit. */
function shortEnvironment(commit: string) {
  return { node: process.version, cpus: cpus().length, loadAverage: loadAverage(), commit };
}

function loadAverage(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

export interface SizeResult {
  records: number;
  default: DefaultResult;
  fieldOnly: BenchResult | { skipped: string };
}

/** The commit the figures are measured at (short hash, `+dirty` with uncommitted changes), or "unknown". */
function currentCommit(): string {
  try {
    // The package's own checkout, wherever the bench is started from (dist/bench/run.js → two up).
    const cwd = fileURLToPath(new URL("../..", import.meta.url));
    const git = (...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
    const hash = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--untracked-files=no");
    return dirty ? `${hash}+dirty` : hash;
  } catch {
    return "unknown";
  }
}

/** The same first load by the naive connector, on fresh emulators seeded the same way. */
async function baseline(records: number): Promise<NaiveFigures> {
  const emulators = await startEmulators();
  try {
    seedContacts(emulators.hubspot, records);
    return await runNaiveConnector(emulators, records);
  } finally {
    await emulators.close();
  }
}

/**
 * Exits once what was written to stdout is out. process.exit does not wait for a pipe's reader: `--json`
 * past the pipe's 64 KB, piped to a reader slower than the bench's end (`… --json | jq`), was cut off
 * there. The empty write's callback comes after the writes queued before it.
 */
function exitWhenWritten(code: number): void {
  process.stdout.write("", () => process.exit(code));
}

main(process.argv).then(
  () => exitWhenWritten(0),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    exitWhenWritten(1);
  },
);
