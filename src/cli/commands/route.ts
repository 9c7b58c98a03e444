// `leadloop route <email>`: who the routing rules give this person to; with --explain, every rule
// considered and why it matched or not.
import type { Command } from "commander";
import { normalizeEmail } from "../../core/records.js";
import { explainRoute, formatRouteExplanation, routablePerson } from "../../core/routing/index.js";
import { personAccounts } from "../../sync/funnel/account-lookup.js";
import { answerPatience } from "../answer-patience.js";
import { declareCommand } from "../command-list.js";
import { withEmailOperand } from "../email-argument.js";
import { wire } from "../compose.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { EXIT } from "../exit-codes.js";

export function registerRoute(program: Command, io: CommandIo): void {
  withEmailOperand(declareCommand(program, "route"))
    .option("--explain", "show every rule considered and why it matched or not")
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExample:\n  leadloop route --explain camille.lefevre@acme-industrie.fr")
    .action(async function (this: Command, email: string, opts: { explain?: boolean; json?: boolean }) {
      const { loaded, log } = commandConfig(this, io);
      // Reads the store's links when there is one; routes from the systems alone before the first sync,
      // creating no store (README "Exit statuses").
      // The contact and its records are read with the command's own patience (cli/answer-patience.ts).
      const wiring = await wire(loaded.config, log, { store: { inMemoryWhenMissing: true }, patience: answerPatience("route"), now: io.now });
      try {
        const key = normalizeEmail(email) ?? email;
        const [person] = await wiring.marketing.findBy(
          "contacts",
          "email",
          [key],
          ["email", "country", "state", "numemployees", "industry", "associatedcompanyid"],
        );
        if (!person) {
          // --json answers on stdout whatever the outcome, as `explain` does: `route --json | jq` has an object.
          if (opts.json) printJson(io, { email: key, person: null, steps: [], decision: null });
          io.stderr.write(`leadloop: no marketing contact with email ${key}\n`);
          io.outcome.exitCode = EXIT.failure;
          return;
        }
        const routing = wiring.funnel.routing;
        const reps = new Set<string>([routing.fallback, ...Object.values(routing.queues).flat()]);
        for (const rule of routing.rules) if ("rep" in rule.assign) reps.add(rule.assign.rep);
        const active = await wiring.funnel.vocabulary.ownersByEmail([...reps]);
        // The person's CRM record and account, found as the handoff finds them.
        const record = wiring.funnel.crmIsMarketing
          ? { crmType: "contacts", crmId: person.id }
          : await wiring.store
              .findLinksByMarketingIds("contact", [person.id])
              .then((links) => links.get(person.id))
              .then((l) => (l ? { crmType: l.crmType, crmId: l.crmId } : { crmType: null, crmId: null }));
        const ownerField = wiring.funnel.vocabulary.ownerEmailField;
        const [crmRecord] =
          record.crmType && record.crmId && ownerField
            ? await wiring.crm.readByIds(record.crmType, [record.crmId], [ownerField])
            : [];
        const accounts = await personAccounts(
          { marketing: wiring.marketing, crm: wiring.crm, store: wiring.store, setup: wiring.funnel },
          [{ personId: person.id, ...record, fields: person.fields }],
        );
        const explanation = explainRoute(
          routablePerson(person.fields),
          {
            account: accounts.get(person.id) ?? null,
            recordOwnerEmail: ownerField ? (crmRecord?.fields[ownerField]?.toLowerCase() ?? null) : null,
            activeReps: new Set(active.keys()),
          },
          routing,
        );
        // The same shape as an email nobody has (`person` null there): the contact routed and its CRM record.
        if (opts.json) printJson(io, { email: key, person: { personId: person.id, ...record }, ...explanation });
        else {
          const d = explanation.decision;
          io.stdout.write(
            d.kind === "unroutable"
              ? `${key}: unroutable: ${d.message}\n`
              : `${key}: ${d.kind === "rep" ? `rep ${d.rep}` : `queue ${d.queue} (${d.members.join(", ")})`} by ${d.ruleId}\n`,
          );
          if (opts.explain)
            for (const line of formatRouteExplanation(explanation)) io.stdout.write(`  ${line}\n`);
        }
        io.outcome.exitCode = explanation.decision.kind === "unroutable" ? EXIT.failure : EXIT.ok;
      } finally {
        await wiring.close();
      }
    });
}
