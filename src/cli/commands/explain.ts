// `leadloop explain <email>`: both records of one person, their link, each field's last synced value and
// the write and rule that gave it its value (or the refusal that keeps the sides apart), what leadloop
// wrote besides the mapped fields, and the open error-queue entries.
import type { Command } from "commander";
import type { QueuedError } from "../../store/port.js";
import { explainPerson, type FieldExplanation } from "../../sync/explain.js";
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
    const refused = refusedFields(l.openErrors);
    for (const f of l.fields) {
      const changed = changedSides(f);
      const refusal = refused.get(f.crmField) ?? refused.get(f.marketingField);
      const why = refusal
        ? `refused by ${refusal.system}, so the sides differ until it is fixed: open error #${refusal.id} below`
        : changed.length > 0
          ? `changed in ${changed.join(" and ")} since the last sync${f.lastSynced ? ` (${f.lastSynced.at})` : ""}: the next sync merges it`
          : f.lastWrite
            ? `last written ${f.lastWrite.at} to ${f.lastWrite.system} by run ${f.lastWrite.runId}: ${f.lastWrite.rule}`
            : f.lastSynced
              ? "in step since it was linked"
              : "not synced yet";
      out.push(
        `  ${f.marketingField} = ${show(f.marketing)} | ${f.crmField} = ${show(f.crm)}   [${f.direction}, ${f.conflictRule}] ${why}`,
      );
    }
    if (l.ownWrites.length > 0) {
      out.push("  what leadloop wrote besides the mapped fields (latest of each):");
      for (const a of l.ownWrites)
        out.push(`    ${a.system} ${a.object} ${a.field} = ${show(a.after)}   ${a.at} by run ${a.runId}: ${a.rule}`);
    }
    for (const e of l.openErrors)
      out.push(`  open error #${e.id} (${e.system} ${e.object} ${e.recordId ?? ""}, ${e.operation}): ${e.message}; leadloop errors retry --id ${e.id}`);
  }
  return `${out.join("\n")}\n`;
}

/** Fields an open entry names (its write's fields, or the fields the system's refusal named), by name. */
function refusedFields(errors: readonly QueuedError[]): Map<string, QueuedError> {
  const out = new Map<string, QueuedError>();
  for (const e of errors) {
    const fields = (e.payload as { fields?: unknown } | null)?.fields;
    const names = Array.isArray(fields)
      ? fields.map((f) => (typeof f === "string" ? f : (f as { field?: unknown } | null)?.field))
      : fields && typeof fields === "object"
        ? Object.keys(fields)
        : [];
    for (const name of names) if (typeof name === "string" && !out.has(name)) out.set(name, e);
  }
  return out;
}

/** The sides whose value now differs from what was last synced there (a side not read says nothing). */
function changedSides(f: FieldExplanation): string[] {
  if (!f.lastSynced) return [];
  const same = (now: string | null | undefined, then: string | null) =>
    now === undefined || (now === null || now.trim() === "" ? then === null || then.trim() === "" : now === then);
  return [
    ...(same(f.marketing, f.lastSynced.marketing) ? [] : ["marketing"]),
    ...(same(f.crm, f.lastSynced.crm) ? [] : ["the CRM"]),
  ];
}

function show(v: string | null | undefined): string {
  return v === undefined ? "(not read)" : v === null ? "(blank)" : JSON.stringify(v);
}
