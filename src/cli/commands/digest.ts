// `leadloop digest`: per rep, their active leads with what each did since the rep's last digest, highest
// score first, as text, Markdown or HTML; `--write` also puts it in the CRM as one task per rep (through
// the outbox, under the run lock) and remembers the digest, so the next one starts where this one ended.
import { inAdminRun } from "../../sync/admin-run.js";
import { callsSoFar } from "../../sync/run-calls.js";
import { type Command, Option } from "commander";
import { DIGEST_PERIODS, type DigestPeriod } from "../../core/digest/digest.js";
import { DIGEST_FORMATS, type DigestFormat, renderDigests } from "../../core/digest/render.js";
import { collectDigests, ownerLeftText, type WrittenDigest, writeDigests } from "../../sync/funnel/digest.js";
import { answerPatience } from "../answer-patience.js";
import { declareCommand } from "../command-list.js";
import { wire } from "../compose.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { emailArgument } from "../email-argument.js";
import { unknownOwner } from "../owner-filter.js";

interface DigestOptions {
  owner?: string;
  period: string;
  format: string;
  write?: boolean;
  json?: boolean;
}

export function registerDigest(program: Command, io: CommandIo): void {
  declareCommand(program, "digest")
    .option("--owner <email>", "only this rep (exit 1 when no rep has that email)", emailArgument)
    // Choices, so a wrong value is a usage error naming that option and its choices (exit 2), where one
    // message named --period and --format both whichever was wrong.
    .addOption(
      new Option("--period <period>", "how far back a first digest looks, and how often one is kept")
        .choices(DIGEST_PERIODS)
        .default("day"),
    )
    .addOption(new Option("--format <format>", "how the digests print (--json prints them as data)").choices(DIGEST_FORMATS).default("text"))
    .option("--write", "write each rep's digest as one CRM task (a second one in the same period updates it)")
    .option("--json", "print the digests as JSON on stdout")
    .addHelpText(
      "after",
      "\nActive leads are the ones handed off to the rep with no verdict yet. Without --write nothing is written\n" +
        "and nothing is remembered: the window starts at the rep's last written digest (or one period back).\n\n" +
        "Examples:\n  leadloop digest\n  leadloop digest --owner helene.dubois@acme.com --format markdown\n  leadloop digest --period week --write",
    )
    .action(async function (this: Command, opts: DigestOptions) {
      const { loaded, log } = commandConfig(this, io);
      const period = opts.period as DigestPeriod;
      const now = io.now ?? (() => new Date());
      // Without a store no lead was handed off, so there is no digest to print or write: a missing one is
      // said, not made.
      // A digest it only prints reads the activity with the command's own patience (cli/answer-patience.ts);
      // one it writes waits as a sync does, for the tasks it writes.
      const wiring = await wire(loaded.config, log, {
        store: { existing: true },
        ...(opts.write ? {} : { patience: answerPatience("digest") }),
        now: io.now,
      });
      // A written digest's run counts every call the command made for it, as a sync's run does: the
      // digests' activity reads, the preparation (cli/preparation.ts) and the tasks written.
      const callsAtStart = callsSoFar(wiring);
      try {
        const collected = await collectDigests(wiring.store, wiring.funnel.activities, {
          owner: opts.owner,
          period,
          now: now(),
        });
        // Checked before --write takes the lock: an email no rep has writes nothing and says so.
        if (
          opts.owner &&
          collected.digests.length === 0 &&
          (await unknownOwner(io, wiring.store, loaded.config.routing, opts.owner))
        )
          return;
        let written: WrittenDigest[] = [];
        if (opts.write) {
          await wiring.prepare();
          // A run of its own under the run lock, as `errors retry`'s: it asks the lease before each write, and
          // counts every call the command made (the activity reads and the preparation too) as a sync's run does.
          const parts = { store: wiring.store, marketing: wiring.marketing, crm: wiring.crm, log, now, preparation: callsSoFar(wiring, callsAtStart) };
          written = await inAdminRun("digest", parts, async (ctx) => (await writeDigests(ctx, wiring.funnel.vocabulary, collected, period)).written);
        }
        if (opts.json) printJson(io, { digests: collected.digests, written });
        else if (collected.digests.length === 0)
          io.stdout.write(`no active leads${opts.owner ? ` for ${opts.owner}` : ""}\n`);
        else io.stdout.write(renderDigests(collected.digests, opts.format as DigestFormat));
        if (!opts.json)
          for (const w of written.filter((w) => w.ownerLeft)) io.stdout.write(`${ownerLeftText(w.ownerEmail, wiring.crm.system)}\n`);
        const refused = written.filter((w) => !w.written);
        for (const w of refused) io.stderr.write(`leadloop: the digest task for ${w.ownerEmail} was refused; see leadloop errors list\n`);
        if (refused.length > 0) io.outcome.exitCode = EXIT.partial;
      } finally {
        await wiring.close();
      }
    });
}
