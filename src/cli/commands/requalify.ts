// `leadloop requalify <email>`: a person's decision to give a trashed (or lost, or unreachable) person
// another chance. Recorded now; the next sync writes the contact's stage (blanks the revoked verdict's
// reason and date, and opens its lead status again), and scoring and handoff work for them again from there.
import { hostname, userInfo } from "node:os";
import type { Command } from "commander";
import { loadQualification } from "../../config/qualification-file.js";
import { openStore } from "../../store/open-store.js";
import { SALESFORCE_DISPOSITION_REASON, SALESFORCE_LEAD_STATUS } from "../../systems/salesforce/handoff-vocabulary.js";
import { applyRequalify, planRequalify, type RequalifyPlan } from "../../sync/funnel/requalify.js";
import { declareCommand } from "../command-list.js";
import { withEmailOperand } from "../email-argument.js";
import { confirm } from "../confirm.js";
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
  message: string;
}

/** The marketing system's name in the store: the contact lives in HubSpot in both CRM modes. */
const MARKETING_SYSTEM = "hubspot";

export function registerRequalify(program: Command, io: CommandIo): void {
  withEmailOperand(declareCommand(program, "requalify"))
    .option("--yes", "requalify without asking (needed when stdin is not a terminal)")
    .option("--json", "print the move as JSON on stdout")
    .addHelpText(
      "after",
      "\nA trashed person goes back to lead (scored and handed off again like anyone); a lost or unreachable one to\n" +
        "recycled (handed off again after the cool-down and new behaviour). The next `leadloop sync` writes the\n" +
        "contact's lifecycle stage and leadloop_status, blanks the revoked verdict's leadloop_disposition_reason and\n" +
        "leadloop_disposition_date (and a Salesforce Lead's Leadloop_Disposition_Reason__c), and sets hs_lead_status (and\n" +
        "the Lead's Status) back to the open status a handoff gives (the qualification's first `none` status: NEW, Open -\n" +
        "Not Contacted).\n\nExamples:\n  leadloop requalify camille.lefevre@acme.fr\n  leadloop requalify camille.lefevre@acme.fr --yes --json\n\n" +
        "Exit status: 0 requalified, 1 not requalified (unknown person, a stage requalify does not move, or the answer was no),\n2 no terminal to confirm on and no --yes.",
    )
    .action(async function (this: Command, email: string, opts: RequalifyOptions) {
      const { loaded } = commandConfig(this, io);
      // The lead statuses the requalify opens again are the definition's (its dispositions maps).
      const { dispositions } = loadQualification(loaded.config.qualification);
      const store = await openStore(loaded.config.store, { existing: true });
      try {
        const found = await planRequalify(store, email);
        if (!found.ok) {
          // A person leadloop knows is named with their stage, as a move would name them; nobody's fields are null.
          const who = found.known ?? { email, personId: null, from: null };
          fail(io, opts, { ...who, to: null, requalified: false, message: found.message });
          return;
        }
        const { plan } = found;
        const what = `${plan.email}: ${plan.from} → ${plan.to}`;
        if (!opts.yes) {
          if (!io.stdin?.isTTY) {
            io.stderr.write(`leadloop: stdin is not a terminal, so requalify cannot ask; pass --yes to requalify ${what}\n`);
            io.outcome.exitCode = EXIT.config;
            return;
          }
          if (!(await confirm(io.stdin, io.stderr, `Requalify ${what}? [y/N] `))) {
            fail(io, opts, result(plan, false, "left as it is"));
            return;
          }
        }
        const at = new Date().toISOString();
        await applyRequalify(store, plan, {
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
        const done = result(plan, true, `requalified ${what}; the next sync writes it to the contact`);
        if (opts.json) printJson(io, done);
        else io.stdout.write(`${done.message}\n`);
      } finally {
        await store.close();
      }
    });
}

function result(plan: RequalifyPlan, requalified: boolean, message: string): RequalifyResult {
  return { email: plan.email, personId: plan.personId, from: plan.from, to: plan.to, requalified, message };
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
