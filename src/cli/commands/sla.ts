// `leadloop sla`: the follow-up clocks still open and the breaches, per rep: who owns the lead, when it was
// handed off, when the first touch is due, the touches so far and when the SLA was missed.
import type { Command } from "commander";
import { loadSla } from "../../config/sla-file.js";
import { openStore } from "../../store/open-store.js";
import { type SlaListRow, slaBoard } from "../../sync/funnel/sla-list.js";
import { textTable } from "../../report/table.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { emailArgument } from "../email-argument.js";
import { unknownOwner } from "../owner-filter.js";

export function registerSla(program: Command, io: CommandIo): void {
  declareCommand(program, "sla")
    .option("--owner <email>", "only this rep's leads (exit 1 when no rep has that email)", emailArgument)
    .option("--breached", "only breaches")
    .option("--json", "print JSON on stdout")
    .addHelpText(
      "after",
      "\nA touch is a call, email or meeting the lead's owner logs in the CRM, a task they complete, or a lead\n" +
        "status they set; leadloop's own tasks never count. A clock is breached when the first touch comes after\n" +
        "its due time or none comes by then, or, until the rep decides, when fewer touches than config/sla.yaml\n" +
        "expects are made within its touch window. Once the rep decides (a verdict, a conversion) no more touches\n" +
        "are owed: a clock touched on time is met, one decided before its due time without a touch is closed.\n\n" +
        "Examples:\n  leadloop sla\n  leadloop sla --owner helene.dubois@acme.com --breached --json",
    )
    .action(async function (this: Command, opts: { owner?: string; breached?: boolean; json?: boolean }) {
      const { loaded } = commandConfig(this, io);
      const sla = loadSla(loaded.config.sla);
      const store = await openStore(loaded.config.store, { existing: true });
      try {
        const board = await slaBoard(store, sla, io.now?.() ?? new Date(), { owner: opts.owner, breached: opts.breached });
        // The table: clocks still running or missed (a verdict does not undo a miss), then breaches of
        // clocks a reroute replaced; met and closed ones are in --json.
        const shown = (r: SlaListRow) => r.status === "breached" || r.status === "open";
        const rows = [...board.clocks.filter(shown), ...board.breaches.filter((r) => !r.current)].sort(
          (a, b) => (a.owner ?? "~").localeCompare(b.owner ?? "~") || a.dueAt.localeCompare(b.dueAt),
        );
        // Nothing at all for --owner: a rep with no clocks yet, or an email no rep has.
        const none = board.clocks.length === 0 && board.breaches.length === 0;
        if (opts.owner && none && (await unknownOwner(io, store, loaded.config.routing, opts.owner))) return;
        if (opts.json) printJson(io, board);
        else if (rows.length === 0)
          io.stdout.write(`no ${opts.breached ? "SLA breaches" : "open follow-up clocks"}${opts.owner ? ` for ${opts.owner}` : ""}\n`);
        else io.stdout.write(table(rows));
      } finally {
        await store.close();
      }
    });
}

const COLUMNS: [string, (r: SlaListRow) => string][] = [
  ["OWNER", (r) => r.owner ?? r.ownerId ?? "(none)"],
  ["PERSON", (r) => [r.name, r.email ? `<${r.email}>` : null].filter(Boolean).join(" ") || r.personId],
  ["HANDED OFF", (r) => minute(r.handedOffAt)],
  ["DUE", (r) => minute(r.dueAt)],
  ["TOUCHES", (r) => (r.touches === null ? "-" : String(r.touches))],
  ["BREACHED", (r) => (r.status === "breached" ? `${minute(r.breachedAt ?? r.dueAt)} (${r.breach ?? "?"})` : "")],
  ["REROUTED TO", (r) => r.rerouteTo ?? ""],
  ["NOTE", (r) => r.cause ?? ""],
];

function minute(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")}Z`;
}

function table(rows: SlaListRow[]): string {
  return textTable(
    COLUMNS.map(([h]) => h),
    rows.map((r) => COLUMNS.map(([, f]) => f(r))),
  );
}
