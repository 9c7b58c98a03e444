// `leadloop report funnel|campaigns|sla`: the funnel's figures, campaign effectiveness and SLA compliance
// per rep for a period, read from the store alone, as a table, JSON, CSV, or a self-contained HTML page.
import { type Command, Option } from "commander";
import { loadRouting } from "../../config/routing-file.js";
import { loadSla } from "../../config/sla-file.js";
import { GROUP_BYS, type GroupBy, PERIOD_KINDS, type PeriodKind, resolvePeriod } from "../../core/report/index.js";
import {
  buildReportBook,
  campaignsCsv,
  campaignsText,
  funnelCsv,
  funnelText,
  renderReportHtml,
  slaCsv,
  slaText,
} from "../../report/index.js";
import { openStore } from "../../store/open-store.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { writeOptionFile } from "../option-files.js";

interface ReportCliOptions {
  since?: string;
  until?: string;
  period?: PeriodKind;
  groupBy?: GroupBy;
  json?: boolean;
  csv?: boolean;
  html?: string;
}

type ReportKind = "funnel" | "campaigns" | "sla";

const DESCRIPTIONS: Record<ReportKind, string> = {
  funnel: "MQLs, SALs, SQLs, opportunities, won and revenue, follow-up time, conversion rates and velocity",
  campaigns: "per campaign (HubSpot's original source drill-down, or the CRM's campaign membership): MQLs to revenue",
  sla: "follow-up SLA compliance per rep: handoffs met, breached and open, median and p90 follow-up",
};

export function registerReport(program: Command, io: CommandIo): void {
  const report = declareCommand(program, "report")
    .addHelpText("after", "\nExamples:\n  leadloop report funnel --period quarter\n  leadloop report campaigns --since 2026-10-01 --csv\n  leadloop report sla --period month --html sla.html");
  for (const kind of ["funnel", "campaigns", "sla"] as const) {
    const cmd = report
      .command(kind)
      .description(DESCRIPTIONS[kind])
      .option("--since <date>", "from this date or ISO date-time, inclusive (UTC)")
      .option("--until <date>", "up to this date or ISO date-time, exclusive (default: now)")
      .addOption(new Option("--period <period>", "the calendar week, month or quarter holding today (UTC)").choices(PERIOD_KINDS));
    if (kind === "funnel")
      cmd.addOption(new Option("--group-by <field>", "one row per source, campaign, campaign type, owner or territory").choices(GROUP_BYS));
    cmd
      .option("--json", "print JSON on stdout")
      .option("--csv", "print CSV on stdout")
      .option("--html <file>", "also write the whole report (funnel, rates over time, campaigns, SLA) as one self-contained HTML page")
      .addHelpText(
        "after",
        "\nWithout --since, --until or --period the report covers the current quarter. Counts are of moves made in\n" +
          "the period; rates compare consecutive stages' counts (README, Funnel reports).\n\n" +
          "Exit status: 0 printed, 1 no state store at store.path yet, 2 bad options or configuration.\n\n" +
          `Examples:\n  leadloop report ${kind}${kind === "funnel" ? " --period month --group-by campaign" : " --since 2026-10-01 --until 2027-01-01"}\n  leadloop report ${kind} --json\n  leadloop report ${kind} --html report.html`,
      )
      .action(async function (this: Command, opts: ReportCliOptions) {
        await runReport(this, io, kind, opts);
      });
  }
}

async function runReport(cmd: Command, io: CommandIo, kind: ReportKind, opts: ReportCliOptions): Promise<void> {
  const { loaded } = commandConfig(cmd, io);
  const usage = (message: string) => {
    io.stderr.write(`leadloop: ${message}\n`);
    io.outcome.exitCode = EXIT.config;
  };
  if (opts.json && opts.csv) return usage("give --json or --csv, not both");
  if (opts.period !== undefined && (opts.since !== undefined || opts.until !== undefined))
    return usage("give --period or --since/--until, not both");
  const now = io.now?.() ?? new Date();
  const request = {
    since: opts.since,
    until: opts.until,
    // The current quarter unless told: the period sales and marketing usually review.
    period: opts.period ?? (opts.since === undefined && opts.until === undefined ? ("quarter" as const) : undefined),
  };
  try {
    resolvePeriod(request, now);
  } catch (err) {
    if (err instanceof RangeError) return usage(err.message);
    throw err;
  }
  const config = loaded.config;
  const sla = loadSla(config.sla);
  const routing = loadRouting(config.routing);
  const store = await openStore(config.store, { existing: true });
  try {
    const book = await buildReportBook(
      store,
      { ...request, groupBy: opts.groupBy ?? null, settings: config.report, routing, sla, crm: config.crm },
      now,
    );
    const data = kind === "funnel" ? book.funnel : kind === "campaigns" ? book.campaigns : book.sla;
    if (opts.json) printJson(io, data);
    else if (opts.csv)
      io.stdout.write(kind === "funnel" ? funnelCsv(book.funnel) : kind === "campaigns" ? campaignsCsv(book.campaigns) : slaCsv(book.sla));
    else io.stdout.write(kind === "funnel" ? funnelText(book.funnel, book.words) : kind === "campaigns" ? campaignsText(book.campaigns, book.words) : slaText(book.sla));
    if (opts.html !== undefined) {
      const file = writeOptionFile("--html", opts.html, renderReportHtml(book));
      io.stderr.write(`wrote ${file}\n`);
    }
    io.outcome.exitCode = EXIT.ok;
  } finally {
    await store.close();
  }
}
