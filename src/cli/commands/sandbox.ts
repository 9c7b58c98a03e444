// `leadloop sandbox`: starts both emulators on loopback, seeds them, writes a config that points at
// them, and runs the daemon's sync against them, with people acting between runs. No accounts needed.

import { counted } from "../../core/text/counted.js";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Command, Option } from "commander";
import { loadConfig } from "../../config/load-config.js";
import { HUBSPOT_TIERS, type HubspotTier, startHubspotEmulator } from "../../sandbox/hubspot/emulator.js";
import { loadSeed } from "../../sandbox/load-seed.js";
import { type PeopleRound, playPeople } from "../../sandbox/play-people.js";
import { startSalesforceEmulator } from "../../sandbox/salesforce/emulator.js";
import { writeSandboxConfig } from "../../sandbox/sandbox-config.js";
import { sandboxRoutingText } from "../../sandbox/sandbox-routing.js";
import { generateSeed } from "../../sandbox/seed/generate.js";
import { markKeptFolder, refuseKeptFolder } from "../sandbox-keep.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, globalOptions, makeLogger, printJson } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { progressLine } from "../progress.js";
import { runOnce } from "../run-once.js";
import { sandboxReport } from "../sandbox-report.js";
import { summaryText } from "../summary-text.js";
import { type ReportWords, reportWords } from "../../report/words.js";
import { wholeNumber } from "../whole-number.js";
import { prepareOptionFile } from "../option-files.js";

interface SandboxOptions {
  runs: number;
  once?: boolean;
  keep?: boolean;
  seed: number;
  contacts: number;
  crm: "salesforce" | "hubspot";
  hubspotTier: HubspotTier;
  configOut: string;
  json?: boolean;
}

export function registerSandbox(program: Command, io: CommandIo): void {
  declareCommand(program, "sandbox")
    .option("--runs <n>", "run this many syncs, then exit", wholeNumber(1), 3)
    .option("--once", "run one sync and exit (same as --runs 1)")
    .option("--keep", "seed and start the emulators, print their URLs, and wait (no sync) until Ctrl-C")
    .option("--seed <n>", "seed for the generated data (same seed, same data)", wholeNumber(0), 42)
    .option("--contacts <n>", "marketing contacts to generate", wholeNumber(0), 200)
    .addOption(
      new Option("--crm <kind>", "which CRM side to emulate")
        .choices(["salesforce", "hubspot"])
        .default("salesforce"),
    )
    .addOption(
      new Option(
        "--hubspot-tier <tier>",
        "the HubSpot portal's subscription: professional has no events API (behaviour from properties, forms and email events); starter no campaigns API either",
      )
        .choices([...HUBSPOT_TIERS])
        .default("enterprise"),
    )
    .option(
      "--config-out <file>",
      "where to write the config pointing at the emulators",
      "./sandbox/leadloop.yaml",
    )
    .option("--json", "print one JSON summary per run on stdout (as `sync --json`); the last has the funnel `report` and `campaigns`")
    .addHelpText(
      "after",
      "\nExamples:\n  leadloop sandbox --once\n  leadloop sandbox --runs 6 --hubspot-tier professional\n  leadloop sandbox --runs 5 --seed 7 --json\n  leadloop sandbox --keep   # then, in another terminal: leadloop sync -c sandbox/leadloop.yaml",
    )
    .action(async function (this: Command, opts: SandboxOptions) {
      const log = makeLogger(io, globalOptions(this).logLevel);
      const runs = opts.once ? 1 : opts.runs;
      // Refused before the emulators start: a folder or an unwritable path fails nothing half-way.
      const configFile = prepareOptionFile("--config-out", opts.configOut);
      refuseKeptFolder(configFile);
      const storePath = join(dirname(configFile), "state.db");
      // The sandbox's runs follow the people's acts within a second, in real time: with HubSpot's search
      // lag on, each act would show one run late (the look-back still finds it; test/integration/
      // search-lag.int.test.ts drives leadloop through the lag on a moved clock).
      const hubspot = await startHubspotEmulator({ searchLagMs: 0, tier: opts.hubspotTier });
      const salesforce = opts.crm === "salesforce" ? await startSalesforceEmulator() : undefined;
      try {
        const seed = generateSeed({ seed: opts.seed, now: new Date(), contacts: opts.contacts });
        const { counts } = loadSeed(seed, { hubspot, salesforce });
        // A new sandbox is a new world: the old store's links point at records that no longer exist.
        for (const suffix of ["", "-wal", "-shm"]) rmSync(`${storePath}${suffix}`, { force: true });
        writeSandboxConfig(configFile, sandboxRoutingText(seed), {
          hubspot: { url: hubspot.url, accessToken: hubspot.accessToken },
          salesforce,
          storePath,
          crm: opts.crm,
        });
        // With HubSpot as the CRM its own contacts, companies and deals are the CRM's records: no second set.
        const crmSeeded = salesforce
          ? `CRM: ${[
              counted(counts.crmLeads, "lead"),
              counted(counts.crmContacts, "contact"),
              counted(counts.crmAccounts, "account"),
              counted(counts.crmOpportunities, "opportunity", "opportunities"),
            ].join(", ")}`
          : "CRM: HubSpot's own contacts, companies and deals";
        const world = [
          counted(counts.contacts, "contact"),
          counted(counts.companies, "company", "companies"),
          counted(counts.activities, "activity", "activities"),
          counted(counts.reps, "rep"),
        ].join(", ");
        const seeded = `seeded: ${world}; ${crmSeeded}\n`;
        (opts.json ? io.stderr : io.stdout).write(
          `${seeded}hubspot emulator: ${hubspot.url} (${hubspot.tier})\n${salesforce ? `salesforce emulator: ${salesforce.url}\n` : ""}config: ${configFile}\n`,
        );

        if (opts.keep) {
          // No run to summarise: with --json, stdout has the one object a script reads the emulators and
          // the config from, where it stayed empty (the lines above go to stderr then).
          if (opts.json)
            printJson(io, {
              hubspot: { url: hubspot.url, tier: hubspot.tier },
              salesforce: salesforce ? { url: salesforce.url } : null,
              config: configFile,
              crm: opts.crm,
            });
          const unmark = markKeptFolder(configFile);
          // Listened for before the line is written: a script that stops the sandbox as soon as it reads the
          // line sent its signal before the listeners were there, and the signal's default ended the process.
          const stopped = Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
          io.stderr.write("waiting; Ctrl-C to stop\n");
          await stopped.finally(unmark);
          io.outcome.exitCode = EXIT.ok;
          return;
        }

        const { config } = loadConfig(configFile, {});
        for (let run = 1; run <= runs; run++) {
          // Between runs people act; each run's line says what they did before it (`played`).
          const played = run > 1 ? playPeople(opts.seed, run, { hubspot, salesforce }) : null;
          if (played && !opts.json) io.stdout.write(`${playedText(played, reportWords(config.crm))}\n`);
          const progress = progressLine(io, !opts.json);
          const result = await runOnce(config, log, { onProgress: (e) => progress.update(e) }).finally(() =>
            progress.done(),
          );
          // The last run's line carries the funnel and campaigns reports of everything the sandbox did.
          const closing = run === runs ? await sandboxReport(config, new Date()) : null;
          if (opts.json) io.stdout.write(`${JSON.stringify({ ...result.summary, played, ...(closing ? { report: closing.report, campaigns: closing.campaigns } : {}) })}\n`);
          else io.stdout.write(`${summaryText(result.summary, reportWords(config.crm))}${closing ? `\n${closing.text}` : ""}`);
        }
        // The seeded data is messy on purpose, so some records land in the error queue in every sandbox:
        // that is part of the demo, not a failure (a run that fails throws and exits non-zero).
        io.outcome.exitCode = EXIT.ok;
      } finally {
        await hubspot.close();
        await salesforce?.close();
      }
    });
}

/** One line of what people did between two runs. */
export function playedText(p: PeopleRound, words: ReportWords): string {
  return [
    `between runs: contacts: ${p.pageViews} page views, ${p.forms} forms (${p.demoRequests} demo requests), ${p.comebacks} recycled people back, ${p.marketerEdits} marketer edit(s);`,
    `reps: ${p.working} working, ${p.qualified} qualified, ${p.recycled} recycled, ${p.trashed} trashed, ${p.unreachable} unreachable,`,
    `${p.callsLogged} calls and ${p.emailsLogged} emails logged, ${p.opportunitiesWon} ${words.deals.toLowerCase()} won, ${p.opportunitiesLost} lost`,
  ].join(" ");
}
