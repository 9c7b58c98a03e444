// `leadloop requalify <email>`: a person's decision to give a trashed (or lost, or unreachable) person
// another chance. Recorded, then written at once (the contact's stage, the revoked verdict's reason and date
// blanked, its lead status opened again), so a store lost before the next sync cannot lose it; scoring and
// handoff work for them again from there. In an outage the next sync writes what the store keeps.
import { hostname, userInfo } from "node:os";
import type { Command } from "commander";
import { loadQualification } from "../../config/qualification-file.js";
import { openStore } from "../../store/open-store.js";
import { SALESFORCE_DISPOSITION_REASON, SALESFORCE_LEAD_STATUS } from "../../systems/salesforce/handoff-vocabulary.js";
import { applyRequalify, planRequalify, type RequalifyPlan, sendRequalify } from "../../sync/funnel/requalify.js";
import { RunInProgressError } from "../../sync/run-lock.js";
import { answerPatience } from "../answer-patience.js";
import { declareCommand } from "../command-list.js";
import { runParts, wire } from "../compose.js";
import { classifyFailure } from "../failure.js";
import { withEmailOperand } from "../email-argument.js";
import { confirm } from "../confirm.js";
import type { LoadedConfig } from "../../config/load-config.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { EXIT } from "../exit-codes.js";

interface RequalifyOptions {
  yes?: boolean;
  json?: boolean;
}

interface RequalifyResult {
  email: string;
  personId: string | null;
  from: string | null;
  to: string | null;
  requalified: boolean;
  /** Whether its writes reached the systems now; false leaves them in the store for the next sync. */
  written: boolean;
  message: string;
}

/**
 * How long each call of the requalify's writes keeps being retried (at most `sync.retryPatience`): an
 * admin waits at a terminal, and what is not written in that time the next sync writes from the store.
 */
const REQUALIFY_PATIENCE = answerPatience("requalify");

/** The marketing system's name in the store: the contact lives in HubSpot in both CRM modes. */
const MARKETING_SYSTEM = "hubspot";

export function registerRequalify(program: Command, io: CommandIo): void {
  withEmailOperand(declareCommand(program, "requalify"))
    .option("--yes", "requalify without asking (needed when stdin is not a terminal)")
    .option("--json", "print the move as JSON on stdout")
    .addHelpText(
      "after",
      "\nA trashed person goes back to lead (scored and handed off again like anyone); a lost or unreachable one to\n" +
        "recycled (handed off again after the cool-down and new behaviour). Once recorded, requalify writes at once the\n" +
        "contact's lifecycle stage and leadloop_status, blanks the revoked verdict's leadloop_disposition_reason and\n" +
        "leadloop_disposition_date (and a Salesforce Lead's Leadloop_Disposition_Reason__c), and sets hs_lead_status (and\n" +
        "the Lead's Status) back to the open status a handoff gives (the qualification's first `none` status: NEW, Open -\n" +
        "Not Contacted). A write it cannot send within 30 s (a system down, another run holding the store) stays in the\n" +
        "store and the next `leadloop sync` writes it.\n\nExamples:\n  leadloop requalify camille.lefevre@acme.fr\n  leadloop requalify camille.lefevre@acme.fr --yes --json\n\n" +
        "Exit status: 0 requalified and written, 1 not requalified (unknown person, a stage requalify does not move, or the\n" +
        "answer was no), 2 no terminal to confirm on and no --yes, 3 requalified but not written yet (the next sync writes\n" +
        "it), 4 requalified and a write refused (`leadloop errors list` names it).",
    )
    .action(async function (this: Command, email: string, opts: RequalifyOptions) {
      const { loaded, log } = commandConfig(this, io);
      const decided = await decide(io, loaded, email, opts);
      if (!decided) return;
      const { plan, keys } = decided;
      const what = `${plan.email}: ${plan.from} → ${plan.to}`;
      // The decision is in the store before anything is sent (README "Recycle and trash"): what follows
      // only writes it sooner than the next sync would.
      let done: RequalifyResult;
      try {
        const wiring = await wire(loaded.config, log, { store: { existing: true }, patience: REQUALIFY_PATIENCE, now: io.now });
        try {
          await wiring.prepare();
          const sent = await sendRequalify({ ...runParts(wiring), log }, keys);
          const refused = sent.refused.length > 0;
          done = {
            ...result(
              plan,
              true,
              refused
                ? `requalified ${what}; a write was refused and waits in the error queue (leadloop errors list)`
                : `requalified ${what}; written to the contact${keys.length > 1 ? " and the Lead" : ""}`,
            ),
            written: !refused,
          };
          io.outcome.exitCode = refused ? EXIT.partial : EXIT.ok;
        } finally {
          await wiring.close();
        }
      } catch (err) {
        // The lock's own message tells a run it "did nothing", where the move is recorded and waits.
        const why =
          err instanceof RunInProgressError
            ? `another leadloop run holds the state store${err.held ? ` (${err.held.holder})` : ""}`
            : // Its closing full stop goes: the reason sits in brackets inside this sentence.
              classifyFailure(err, { runsSync: false }).message.replace(/\.$/, "");
        done = result(plan, true, `requalified ${what}, kept in the store but not written yet (${why}); the next sync writes it`);
        io.outcome.exitCode = EXIT.unavailable;
      }
      if (opts.json) printJson(io, done);
      else if (done.written) io.stdout.write(`${done.message}\n`);
      else io.stderr.write(`leadloop: ${done.message}\n`);
    });
}

/** Finds the person, asks for confirmation, and records the move with its writes in the store; undefined when it did not. */
async function decide(
  io: CommandIo,
  loaded: LoadedConfig,
  email: string,
  opts: RequalifyOptions,
): Promise<{ plan: RequalifyPlan; keys: string[] } | undefined> {
  // The lead statuses the requalify opens again are the definition's (its dispositions maps).
  const { dispositions } = loadQualification(loaded.config.qualification);
  const store = await openStore(loaded.config.store, { existing: true });
  try {
    const now = io.now?.() ?? new Date();
    const found = await planRequalify(store, email, now);
    if (!found.ok) {
      // A person leadloop knows is named with their stage, as a move would name them; nobody's fields are null.
      const who = found.known ?? { email, personId: null, from: null };
      fail(io, opts, { ...who, to: null, requalified: false, written: false, message: found.message });
      return undefined;
    }
    const { plan } = found;
    const what = `${plan.email}: ${plan.from} → ${plan.to}`;
    if (!opts.yes) {
      if (!io.stdin?.isTTY) {
        io.stderr.write(`leadloop: stdin is not a terminal, so requalify cannot ask; pass --yes to requalify ${what}\n`);
        io.outcome.exitCode = EXIT.config;
        return undefined;
      }
      if (!(await confirm(io.stdin, io.stderr, `Requalify ${what}? [y/N] `))) {
        fail(io, opts, result(plan, false, "left as it is"));
        return undefined;
      }
    }
    const at = now.toISOString();
    const keys = await applyRequalify(store, plan, {
      marketingSystem: MARKETING_SYSTEM,
      crmStatus:
        loaded.config.crm === "salesforce"
          ? { system: "salesforce", ...SALESFORCE_LEAD_STATUS, reasonField: SALESFORCE_DISPOSITION_REASON }
          : null,
      dispositions,
      at,
      runId: `requalify-${at}`,
      by: `${safeUser()}@${hostname()}`,
    });
    return { plan, keys };
  } finally {
    await store.close();
  }
}

function result(plan: RequalifyPlan, requalified: boolean, message: string): RequalifyResult {
  return { email: plan.email, personId: plan.personId, from: plan.from, to: plan.to, requalified, written: false, message };
}

function fail(io: CommandIo, opts: RequalifyOptions, r: RequalifyResult): void {
  if (opts.json) printJson(io, r);
  else io.stderr.write(`leadloop: ${r.message}\n`);
  io.outcome.exitCode = EXIT.failure;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
