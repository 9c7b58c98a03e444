// `leadloop near-qualified`: people over the behaviour threshold who miss exactly one requirement, and
// what it is, so marketing can complete the record instead of losing the lead.
import type { Command } from "commander";
import { ConfigError } from "../../config/config-error.js";
import { loadQualification } from "../../config/qualification-file.js";
import type { QualificationDefinition } from "../../core/scoring/definition.js";
import { nearMissingText } from "../../core/text/near-missing.js";
import { openStore } from "../../store/open-store.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { wholeNumber } from "../whole-number.js";

export function registerNearQualified(program: Command, io: CommandIo): void {
  declareCommand(program, "near-qualified")
    .option("--limit <n>", "at most this many people", wholeNumber(1), 200)
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExample:\n  leadloop near-qualified --json")
    .action(async function (this: Command, opts: { limit: number; json?: boolean }) {
      const { loaded } = commandConfig(this, io);
      const store = await openStore(loaded.config.store, { existing: true });
      try {
        const rows = await store.listPersonScores({ nearQualified: true, limit: opts.limit });
        if (opts.json) printJson(io, rows);
        else if (rows.length === 0) io.stdout.write("nobody is near-qualified\n");
        else {
          const definition = definitionOrNull(loaded.config.qualification);
          for (const r of rows) {
            io.stdout.write(
              `${r.email ?? r.personId}  ${r.name ?? "(no name)"}  score ${r.score} (behaviour ${r.behaviour})  missing: ${nearMissingText(definition, r.nearMissing ?? "")}\n`,
            );
          }
        }
      } finally {
        await store.close();
      }
    });
}

/** The qualification the missing items are said by; null when its file does not load (the sync names its problems). */
function definitionOrNull(file: string): QualificationDefinition | null {
  try {
    return loadQualification(file);
  } catch (err) {
    if (err instanceof ConfigError) return null;
    throw err;
  }
}
