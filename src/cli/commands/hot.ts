// `leadloop hot`: a rep's MQLs (and accepted leads) by score, highest first: who to call next.
import type { Command } from "commander";
import { ConfigError, formatProblem } from "../../config/config-error.js";
import { loadRecyclePolicy } from "../../config/qualification-file.js";
import { heldText } from "../../core/funnel/recycle.js";
import { openStore } from "../../store/open-store.js";
import { hotList } from "../../sync/funnel/hot-list.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { emailArgument } from "../email-argument.js";
import { unknownOwner } from "../owner-filter.js";
import { wholeNumber } from "../whole-number.js";

export function registerHot(program: Command, io: CommandIo): void {
  declareCommand(program, "hot")
    .option("--owner <email>", "only this rep's leads (exit 1 when no rep has that email)", emailArgument)
    .option("--limit <n>", "at most this many people", wholeNumber(1), 50)
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExamples:\n  leadloop hot\n  leadloop hot --owner helene.dubois@acme.com --json")
    .action(async function (this: Command, opts: { owner?: string; limit: number; json?: boolean }) {
      const { loaded } = commandConfig(this, io);
      // The cool-down after a recycle decides who is held from sales (qualification.yaml `recycle`): all
      // a rep's list needs of that file, so a problem elsewhere in it is the admin's to fix, told here.
      const { recycle, problems } = coolDownFor(loaded.config.qualification);
      for (const p of problems) io.stderr.write(`warning: ${formatProblem(p)}\n`);
      if (problems.length > 0)
        io.stderr.write(
          "warning: hot lists what the last sync left; the sync refuses this qualification file until it is fixed (`leadloop validate` lists every problem; ask whoever runs leadloop)\n",
        );
      const store = await openStore(loaded.config.store, { existing: true });
      try {
        const rows = await hotList(store, { ownerEmail: opts.owner, limit: opts.limit }, recycle);
        if (opts.owner && rows.length === 0 && (await unknownOwner(io, store, loaded.config.routing, opts.owner))) return;
        if (opts.json) printJson(io, rows);
        else if (rows.length === 0)
          io.stdout.write(`no hot leads${opts.owner ? ` for ${opts.owner}` : ""}\n`);
        else {
          for (const r of rows) {
            io.stdout.write(
              `${String(r.score).padStart(6)}  ${r.stage.padEnd(4)}  ${r.email ?? r.personId}  ${r.name ?? ""}  owner: ${r.heldUntil ? `(none: ${heldText(new Date(r.heldUntil))})` : (r.ownerEmail ?? "(not handed off)")}\n`,
            );
          }
        }
      } finally {
        await store.close();
      }
    });
}

/**
 * The cool-down, or a ConfigError naming where the file's `recycle` section (or its YAML) fails and what to
 * do: without it `hot` cannot tell who is held from sales, so it lists no one rather than a held person as
 * a rep's lead.
 */
function coolDownFor(file: string): ReturnType<typeof loadRecyclePolicy> {
  try {
    return loadRecyclePolicy(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(
      err.problems.map((p) => ({
        ...p,
        message: `${p.message} (hot reads the recycle cool-down here to know who is held from sales: fix this line, or ask whoever runs leadloop; \`leadloop validate\` lists every problem)`,
      })),
    );
  }
}
