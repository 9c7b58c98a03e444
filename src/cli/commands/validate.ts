// `leadloop validate`: checks the configuration and every file it names, exiting 2 naming the file,
// line and key of each problem in all of them. With --live it also checks the mappings against the systems' schemas.
import type { Command } from "commander";
import { ConfigError, type ConfigProblem, formatProblem } from "../../config/config-error.js";
import { loadMappings } from "../../config/mapping-file.js";
import { loadQualification } from "../../config/qualification-file.js";
import { loadRouting } from "../../config/routing-file.js";
import { loadSla } from "../../config/sla-file.js";
import { fieldPlace, type ObjectMapping } from "../../core/mapping.js";
import { readConfigText, yamlLocator } from "../../config/yaml-file.js";
import type { MappingProblem } from "../../core/mapping-check.js";
import type { RoutingDefinition } from "../../core/routing/definition.js";
import type { QualificationDefinition } from "../../core/scoring/definition.js";
import { BEHAVIOUR_SOURCE_FACT, describeSource } from "../../sync/funnel/behaviour-reader.js";
import type { PortalBehaviour } from "../../sync/funnel/funnel-setup.js";
import { declareCommand } from "../command-list.js";
import { answerPatience } from "../answer-patience.js";
import { wire } from "../compose.js";
import { checkLive } from "../live-check.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { SystemError } from "../../sync/system-error.js";

/** What `validate --live` says the portal's answer to the events API probe means. */
const PORTAL_SAYS: Record<PortalBehaviour, string> = {
  events: "offers the events API (Enterprise)",
  "events-per-contact":
    "offers the events API (Enterprise) for one contact at a time: it refuses a read of every contact's events without objectId (400 VALIDATION_ERROR)",
  bulk: "has no events API (403 MISSING_SCOPES: below Enterprise)",
};

export function registerValidate(program: Command, io: CommandIo): void {
  declareCommand(program, "validate")
    .option("--live", "also check every mapping against the live (or emulated) HubSpot and CRM schemas")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  leadloop validate --config config/leadloop.example.yaml\n  leadloop validate --live",
    )
    .action(async function (this: Command, opts: { live?: boolean; json?: boolean }) {
      let files: CheckedFiles;
      try {
        files = checkFiles(this, io);
      } catch (err) {
        // --json answers on stdout whatever the outcome; the problems are said on stderr as well (main.ts).
        if (opts.json && err instanceof ConfigError) printJson(io, { ok: false, problems: err.problems.map(asJson) });
        throw err;
      }
      const { loaded, log, mappings, qualification, routing } = files;
      const config = loaded.config;
      const offline = [
        `${loaded.file}: configuration ok (crm: ${config.crm}, store: ${config.store.path})`,
        // A key the CRM never reads is no error (the run works without it), but the admin must hear it.
        ...loaded.warnings.map((w) => `warning: ${formatProblem(w)}`),
        ...mappings.map((m) => `${m.source}: ${m.fields.length} fields ok`),
        `${config.qualification}: ok (MQL at ${qualification.thresholds.mql} points, ${qualification.fit.length} fit, ${qualification.behaviour.length} behaviour, ${qualification.negative.length} negative rules)`,
        `${config.routing}: ok (${routing.rules.length} rules, fallback ${routing.fallback})`,
        `${config.sla}: ok`,
      ];
      // The files' checks are said before the live one starts: a system that cannot be reached does not
      // hide that the files are fine.
      if (!opts.json) io.stdout.write(offline.map((line) => `${line}\n`).join(""));
      let problems: (MappingProblem & { line?: number; key?: string })[] = [];
      let behaviour: { portal: PortalBehaviour; setting: string; uses: PortalBehaviour } | null = null;
      if (opts.live) {
        // A check creates no store: the behaviour source it finds is kept for the next run only in a store
        // that exists already (a first sync probes the portal itself).
        // Each call with the command's own patience (cli/answer-patience.ts): an admin waits on the check.
        const wiring = await wire(config, log, { store: { inMemoryWhenMissing: true }, patience: answerPatience("validate --live"), now: io.now });
        try {
          // Which behaviour sources the portal offers (one call), kept for the next run's start.
          const portal = await wiring.funnel.activities.probeEventsApi();
          const at = new Date().toISOString();
          await wiring.store.commitBatch({
            runId: "validate",
            facts: [{ name: BEHAVIOUR_SOURCE_FACT, value: portal, at }],
            at,
          });
          const setting = config.hubspot.behaviourSource;
          // A portal that answers the events API only per contact is read so under `events` too (behaviour-reader.ts).
          const uses: PortalBehaviour =
            setting === "properties" ? "bulk" : setting === "events" && portal === "bulk" ? "events" : portal;
          behaviour = { portal, setting, uses };
          problems = placedInFiles(await checkLive(wiring), wiring.mappings);
        } catch (err) {
          // Said as the check's: a check is no run, so the message goes without its run note (failure.ts).
          if (err instanceof SystemError) {
            io.stderr.write(`leadloop: the live check could not finish: ${err.messageOutsideRun}\n`);
            // A script reading --json gets an answer on stdout too, not an empty stream.
            if (opts.json) printJson(io, { ok: false, config: loaded.file, live: true, unfinished: err.messageOutsideRun });
            io.outcome.exitCode = EXIT.unavailable;
            return;
          }
          throw err;
        } finally {
          await wiring.close();
        }
      }
      const errors = problems.filter((p) => p.severity === "error");
      const summary = {
        ok: errors.length === 0,
        config: loaded.file,
        crm: config.crm,
        store: config.store.path,
        mappings: mappings.map((m) => ({ name: m.name, source: m.source, fields: m.fields.length })),
        live: Boolean(opts.live),
        behaviour,
        problems,
        warnings: loaded.warnings.map(asJsonWarning),
      };
      if (opts.json) printJson(io, summary);
      else {
        if (behaviour) {
          io.stdout.write(
            `hubspot behaviour: the portal ${PORTAL_SAYS[behaviour.portal]}; ` +
              `leadloop reads ${describeSource(behaviour.uses)}` +
              (behaviour.setting === "auto" ? "" : ` (hubspot.behaviourSource: ${behaviour.setting})`) +
              "\n",
          );
        }
        for (const p of problems) {
          io.stdout.write(`${p.source}${p.line ? `:${p.line}` : ""}: ${p.severity}: ${p.field} (${p.side}): ${p.message}\n`);
        }
        const warnings = problems.length - errors.length;
        const warned = warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : "";
        // The last line says the outcome either way: the "N fields ok" of the files' check above is no
        // verdict on the live schemas, and a list ending on a warning left exit 2 unexplained.
        if (opts.live && errors.length === 0) io.stdout.write(`mappings and disposition statuses match the live schemas${warned}\n`);
        else if (opts.live)
          io.stdout.write(`the live check failed: ${errors.length} error${errors.length === 1 ? "" : "s"} above${warned}, each to fix before a sync\n`);
      }
      io.outcome.exitCode = errors.length === 0 ? EXIT.ok : EXIT.config;
    });
}

interface CheckedFiles extends ReturnType<typeof commandConfig> {
  mappings: ObjectMapping[];
  qualification: QualificationDefinition;
  routing: RoutingDefinition;
}

/**
 * leadloop.yaml, then every file it names, each checked even when another has problems: an admin fixing
 * a mapping learns in the same run that the routing has one too. Throws one ConfigError with them all.
 */
function checkFiles(cmd: Command, io: CommandIo): CheckedFiles {
  const { loaded, log } = commandConfig(cmd, io);
  const config = loaded.config;
  const problems: ConfigProblem[] = [];
  const checked = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const mappings = checked(() => (config.crm === "salesforce" ? loadMappings(config.mappings) : []));
  const qualification = checked(() => loadQualification(config.qualification));
  const routing = checked(() => loadRouting(config.routing));
  checked(() => loadSla(config.sla));
  if (problems.length > 0 || !mappings || !qualification || !routing) throw new ConfigError(problems);
  return { loaded, log, mappings, qualification, routing };
}

/** A key the configuration sets but does not use, as `validate --json` gives it beside the problems. */
function asJsonWarning(p: ConfigProblem) {
  return { ...asJson(p), severity: "warning" as const };
}

/**
 * Live problems of a mapping's field entry with the line and key of that entry's field in its file, as a
 * file's own problems have them, so the admin goes to the line, not through a file of fifty fields.
 */
function placedInFiles(
  problems: readonly MappingProblem[],
  mappings: readonly ObjectMapping[],
): (MappingProblem & { line?: number; key?: string })[] {
  const locators = new Map<string, ReturnType<typeof yamlLocator>>();
  return problems.map(({ path, ...p }) => {
    const mapping = mappings.find((m) => m.source === p.source);
    if (mapping && p.entry !== undefined) return { ...p, ...fieldPlace(mapping, p.entry, p.side) };
    if (!path) return p;
    // A rep routing.yaml or sla.yaml names: the line of that email in the file the admin edits.
    const at = locators.get(p.source) ?? yamlLocator(readConfigText(p.source));
    locators.set(p.source, at);
    const { line } = at(path);
    return { ...p, key: p.field, ...(line > 0 ? { line } : {}) };
  });
}

/** A file's problem as `validate --json` gives it: `source` names the file, as a live problem's does. */
function asJson(p: ConfigProblem) {
  return { source: p.file, line: p.line, column: p.column, key: p.key, message: p.message, severity: "error" as const };
}
