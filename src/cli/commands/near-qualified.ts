// `leadloop near-qualified`: people over the behaviour threshold who miss exactly one requirement, and
// what it is, so marketing can complete the record instead of losing the lead.
import type { Command } from "commander";
import { ConfigError } from "../../config/config-error.js";
import { loadQualification } from "../../config/qualification-file.js";
import type { QualificationDefinition } from "../../core/scoring/definition.js";
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
          const said = missingWords(loaded.config.qualification);
          for (const r of rows) {
            io.stdout.write(
              `${r.email ?? r.personId}  ${r.name ?? "(no name)"}  score ${r.score} (behaviour ${r.behaviour})  missing: ${said(r.nearMissing ?? "")}\n`,
            );
          }
        }
      } finally {
        await store.close();
      }
    });
}

/**
 * What a missing requirement is, in the qualification's words: a required fit rule by its id and its
 * description ("served-market (In a country we sell in)"), a field the handoff requires as blank, where
 * the bare id told a marketer nothing. A qualification file that does not load (the sync names its
 * problems) leaves the ids as the store keeps them.
 */
function missingWords(file: string): (missing: string) => string {
  let definition: QualificationDefinition;
  try {
    definition = loadQualification(file);
  } catch (err) {
    if (err instanceof ConfigError) return (missing) => missing;
    throw err;
  }
  const rules = new Map([...definition.fit, ...(definition.customers?.rules ?? [])].map((r) => [r.id, r.description]));
  const required = new Set(definition.requiredForHandoff);
  return (missing) => {
    const description = rules.get(missing);
    if (description !== undefined) return `${missing} (${description})`;
    return required.has(missing) ? `${missing} (blank, and the handoff requires it)` : missing;
  };
}
