// `leadloop validate`: checks the configuration and every file it names, and exits 2 on the first
// file with problems. Touches no system unless --live asks it to.
import type { Command } from "commander";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { EXIT } from "../exit-codes.js";

export function registerValidate(program: Command, io: CommandIo): void {
  program
    .command("validate")
    .description(
      "check leadloop.yaml and the files it names; exit 2 naming the file, line and key on a problem",
    )
    .option("--json", "print the result as JSON on stdout")
    .addHelpText("after", "\nExample:\n  leadloop validate --config config/leadloop.example.yaml")
    .action(async function (this: Command, opts: { json?: boolean }) {
      const { loaded } = commandConfig(this, io);
      const summary = {
        ok: true,
        config: loaded.file,
        crm: loaded.config.crm,
        store: loaded.config.store.path,
        scheduleEveryMs: loaded.config.schedule.every,
      };
      if (opts.json) printJson(io, summary);
      else io.stdout.write(`${loaded.file}: ok (crm: ${summary.crm}, store: ${summary.store})\n`);
      io.outcome.exitCode = EXIT.ok;
    });
}
