// `leadloop explain <email>`: both records of one person, their link, each field's last synced value,
// and the write and rule that gave it its value.
import type { Command } from "commander";
import { explainPerson } from "../../sync/explain.js";
import { declareCommand } from "../command-list.js";
import { wire } from "../compose.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { EXIT } from "../exit-codes.js";

export function registerExplain(program: Command, io: CommandIo): void {
  declareCommand(program, "explain")
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExample:\n  leadloop explain ana.lopez@acme.com")
    .action(async function (this: Command, email: string, opts: { json?: boolean }) {
      const { loaded, log } = commandConfig(this, io);
      const wiring = await wire(loaded.config, log);
      try {
        const found = await explainPerson(email, wiring);
        if (opts.json) printJson(io, found);
        else io.stdout.write(explanationText(found));
        io.outcome.exitCode = found.links.length > 0 ? EXIT.ok : EXIT.failure;
      } finally {
        await wiring.close();
      }
    });
}

function explanationText(e: Awaited<ReturnType<typeof explainPerson>>): string {
  if (e.links.length === 0) return `${e.email}: no linked records (not synced yet, or no such person)\n`;
  const out: string[] = [];
  for (const l of e.links) {
    out.push(
      `${e.email}: ${l.link.marketingType} ${l.link.marketingId} ↔ ${l.link.crmType} ${l.link.crmId} (${l.link.status}, linked ${l.link.createdAt}, mapping ${l.mapping ?? "?"})`,
    );
    for (const f of l.fields) {
      const why = f.lastWrite
        ? `last written ${f.lastWrite.at} to ${f.lastWrite.system} by run ${f.lastWrite.runId}: ${f.lastWrite.rule}`
        : f.lastSynced
          ? "in step since it was linked"
          : "not synced yet";
      out.push(
        `  ${f.marketingField} = ${show(f.marketing)} | ${f.crmField} = ${show(f.crm)}   [${f.direction}, ${f.conflictRule}] ${why}`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}

function show(v: string | null | undefined): string {
  return v === undefined ? "(not read)" : v === null ? "(blank)" : JSON.stringify(v);
}
