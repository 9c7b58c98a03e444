// `leadloop hot`: a rep's MQLs (and accepted leads) by score, highest first: who to call next.
import type { Command } from "commander";
import { loadQualification } from "../../config/qualification-file.js";
import { heldText } from "../../core/funnel/recycle.js";
import { openStore } from "../../store/open-store.js";
import { hotList } from "../../sync/funnel/hot-list.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { ownerOption, unknownOwner } from "../owner-filter.js";
import { wholeNumber } from "../whole-number.js";

export function registerHot(program: Command, io: CommandIo): void {
  declareCommand(program, "hot")
    .option("--owner <email>", "only this rep's leads (exit 1 when no rep has that email)", ownerOption)
    .option("--limit <n>", "at most this many people", wholeNumber(1), 50)
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExamples:\n  leadloop hot\n  leadloop hot --owner helene.dubois@acme.com --json")
    .action(async function (this: Command, opts: { owner?: string; limit: number; json?: boolean }) {
      const { loaded } = commandConfig(this, io);
      // The cool-down after a recycle decides who is held from sales (qualification.yaml `recycle`).
      const { recycle } = loadQualification(loaded.config.qualification);
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
