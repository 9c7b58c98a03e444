// `leadloop explain <email>`: both records of one person, their link, each field's last synced value and
// the write and rule that gave it its value (or the refusal that keeps the sides apart), what leadloop
// wrote besides the mapped fields, and the open error-queue entries as problems and the discarded ones.
import type { Command } from "commander";
import type { AuditEntry, QueuedError } from "../../store/port.js";
import { type Explanation, explainPerson, type FieldExplanation, type PersonExplanation } from "../../sync/explain.js";
import { answerPatience } from "../answer-patience.js";
import { declareCommand } from "../command-list.js";
import { withEmailOperand } from "../email-argument.js";
import { wire } from "../compose.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { type ErrorProblem, problemsOf, recordNamed } from "../../core/text/error-problems.js";
import { waitingText } from "../../core/text/error-advice.js";
import { payloadValue } from "../../core/payload-text.js";
import { recordLabel } from "../../core/text/record-label.js";
import { problemJson } from "../../sync/error-problems.js";
import { problemLines } from "../error-problem-lines.js";
import { heldText } from "../../core/funnel/recycle.js";
import type { QualificationDefinition } from "../../core/scoring/definition.js";
import { nearMissingText } from "../../core/text/near-missing.js";
import { type ReportWords, reportWords, stageWord } from "../../report/words.js";

export function registerExplain(program: Command, io: CommandIo): void {
  withEmailOperand(declareCommand(program, "explain"))
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExample:\n  leadloop explain ana.lopez@acme.com")
    .action(async function (this: Command, email: string, opts: { json?: boolean }) {
      const { loaded, log } = commandConfig(this, io);
      // A missing store is said, not made (README "Exit statuses"); both records are read as they are now,
      // with the command's own patience: a system down is said within 30 s, not after sync.retryPatience.
      const wiring = await wire(loaded.config, log, { store: { existing: true }, patience: answerPatience("explain"), now: io.now });
      try {
        const found = await explainPerson(email, { ...wiring, recycle: wiring.funnel.qualification.definition.recycle });
        const problems = problemsOf(openErrorsOf(found));
        // `problems` adds to the explanation what `errors list --json` gives each open entry as `problem`.
        const known = found.links.length > 0 || found.person !== null;
        if (opts.json) printJson(io, { ...found, problems: problems.map((p) => problemJson(p, recordNamed)) });
        else if (known) io.stdout.write(explanationText(found, problems, reportWords(loaded.config.crm), wiring.funnel.qualification.definition));
        // Nobody by that email is a failure (exit 1), said on stderr as `route`, `requalify` and `sla --owner`
        // say theirs, so `explain <email> > story.txt` leaves no answer in the file that reads like a story.
        if (!known) io.stderr.write(`leadloop: ${found.email}: no linked records (not synced yet, or no such person)\n`);
        io.outcome.exitCode = known ? EXIT.ok : EXIT.failure;
      } finally {
        await wiring.close();
      }
    });
}

function explanationText(
  e: Explanation,
  problems: ErrorProblem<QueuedError>[],
  words: ReportWords,
  definition: QualificationDefinition,
): string {
  const out: string[] = [];
  const openErrorLines = problemLinesOnce(problems);
  for (const l of e.links) {
    out.push(
      `${e.email}: ${l.link.marketingType} ${l.link.marketingId} ↔ ${l.link.crmType} ${l.link.crmId} (${l.link.status}, linked ${l.link.createdAt}, mapping ${l.mapping ?? "?"})`,
    );
    const refused = refusedFields(l.openErrors);
    // The latest discard naming a field wins.
    const givenUp = refusedFields([...l.discardedErrors].sort((a, b) => b.id - a.id));
    for (const f of l.fields) {
      const changed = changedSides(f);
      const refusal = refused.get(f.crmField) ?? refused.get(f.marketingField);
      const discard = givenUp.get(f.crmField) ?? givenUp.get(f.marketingField);
      const why = refusal
        ? `refused by ${refusal.system}, so the sides differ until it is fixed: open error #${refusal.id} below`
        : changed.length > 0
          ? `changed in ${changed.join(" and ")} since the last sync${f.lastSynced ? ` (${f.lastSynced.at})` : ""}: the next sync merges it`
          : discard && (discard.statusChangedAt ?? "") > (f.lastWrite?.at ?? "")
            ? `refused by ${discard.system} and discarded ${discard.statusChangedAt} (error #${discard.id} below): ` +
              "the sides stay apart until one of them changes"
            : f.heldBesides
            ? heldBesidesText(f.heldBesides)
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
        out.push(`    ${a.system} ${a.object} ${a.field} = ${showWritten(a.after)}   ${a.at} by run ${a.runId}: ${a.rule}`);
    }
    out.push(...openErrorLines(l.openErrors));
    for (const e of l.discardedErrors) out.push(discardedErrorLine(e));
  }
  if (e.person) out.push(...personLines(e.email, e.person, words, openErrorLines, definition));
  return `${out.join("\n")}\n`;
}

/** Every open entry of the explanation, the links' and the person's: they group into problems across them. */
function openErrorsOf(e: Explanation): QueuedError[] {
  return [...e.links.flatMap((l) => l.openErrors), ...(e.person?.openErrors ?? [])];
}

type OpenErrorLines = (entries: readonly QueuedError[]) => string[];

/**
 * The lines of open entries, as problems (cli/error-problem-lines.ts): a problem of several entries is
 * said once, where its first entry is listed (a deactivated rep's Contact's writes under its link, the
 * follow-up task's under the person), as `errors list` says it; an entry alone keeps its own line.
 */
function problemLinesOnce(problems: readonly ErrorProblem<QueuedError>[]): OpenErrorLines {
  const problemOf = new Map(problems.flatMap((p) => p.entries.map((e) => [e.id, p] as const)));
  const said = new Set<ErrorProblem<QueuedError>>();
  return (entries) =>
    entries.flatMap((e) => {
      const problem = problemOf.get(e.id);
      if (!problem || problem.entries.length === 1) return [openErrorLine(e)];
      if (said.has(problem)) return [];
      said.add(problem);
      return problemLines(problem, recordNamed).trimEnd().split("\n").map((line) => `  ${line}`);
    });
}

function openErrorLine(e: QueuedError): string {
  // A refused task of a handoff holds its record write: the line says so, or the record's missing owner reads as lost.
  const waits = waitingText(e.payload);
  return `  open error #${e.id} (${e.system} ${e.object} ${e.recordId ?? ""}, ${e.operation}): ${e.message}; leadloop errors retry --id ${e.id}${waits === null ? "" : `; ${waits}`}`;
}

function discardedErrorLine(e: QueuedError): string {
  return `  discarded error #${e.id} (${e.system} ${e.object} ${e.recordId ?? ""}, ${e.operation}) ${e.statusChangedAt ?? ""}: ${e.message}`;
}

/** The person in the funnel: stage history, score, owner and clock, and what leadloop wrote that no link shows. */
function personLines(
  email: string,
  p: PersonExplanation,
  words: ReportWords,
  openErrorLines: OpenErrorLines,
  definition: QualificationDefinition,
): string[] {
  const latest = p.stages.at(-1)?.toStage;
  const stage = latest ? stageWord(latest, words) : "lead (never qualified)";
  const out = [
    `${email}: person ${p.personId}, stage ${stage}` +
      (p.score ? `, score ${p.score.score} (fit ${p.score.fit}, behaviour ${p.score.behaviour}) at ${p.score.scoredAt}` : "") +
      (p.heldUntil
        ? `, no owner: ${heldText(new Date(p.heldUntil))}`
        : p.score?.ownerEmail
          ? `, owner ${p.score.ownerEmail}`
          : ""),
  ];
  if (p.heldUntil)
    out.push(
      "  held from sales: qualified again within the cool-down after the rep's verdict, so the contact keeps that " +
        `verdict and no rep is given the lead; the first sync after ${p.heldUntil} hands it off if it still qualifies then`,
    );
  // A score past the MQL threshold and no MQL: what keeps them out, where the line above left it unsaid.
  if (p.score?.nearMissing)
    out.push(`  not an MQL: one thing keeps them out, ${nearMissingText(definition, p.score.nearMissing)} (\`leadloop near-qualified\` lists everyone so)`);
  if (p.removedRecord)
    out.push(
      `  no CRM record: ${p.removedRecord.reason} (followed ${p.removedRecord.at}); leadloop makes none again, ` +
        "though a record with their email or stamp links them",
    );
  if (p.clock)
    out.push(
      `  follow-up clock: handed off ${p.clock.handoffAt} on ${recordLabel(p.clock.crmType, p.clock.crmId)}, due ${p.clock.dueAt}, ` +
        `${p.clock.touches} touch${p.clock.touches === 1 ? "" : "es"}${p.clock.firstTouchAt ? `, first ${p.clock.firstTouchAt}` : ""}` +
        (p.clock.breachedAt ? `, breached ${p.clock.breachedAt}` : "") +
        (p.clockCause ? `; ${p.clockCause}` : "") +
        // As the reports and `leadloop sla` leave it out (core/sla reachedRep): no handoff to count.
        (p.clock.unreached ? "; nothing of the handoff reached the rep (the record was deleted first), so it counts as no handoff" : ""),
    );
  if (p.stages.length > 0) {
    out.push("  stage history:");
    for (const s of p.stages)
      out.push(`    ${s.at} ${s.fromStage ? stageWord(s.fromStage, words) : "(none)"} → ${stageWord(s.toStage, words)}: ${words.cause(s.cause)}`);
  }
  const byRecord = new Map<string, AuditEntry[]>();
  for (const a of p.writes) byRecord.set(a.recordId, [...(byRecord.get(a.recordId) ?? []), a]);
  for (const [recordId, writes] of byRecord) {
    const from = p.convertedFrom.find((c) => c.id === recordId);
    out.push(
      from
        ? `  what leadloop wrote on ${from.object} ${recordId}, which the person converted from (latest of each):`
        : `  what leadloop wrote on ${writes[0]!.system} ${writes[0]!.object} ${recordId}${recordId === p.personId ? " (the person's contact)" : ""} (latest of each):`,
    );
    for (const a of writes) out.push(`    ${a.field} = ${showWritten(a.after)}   ${a.at} by run ${a.runId}: ${words.cause(a.rule)}`);
  }
  out.push(...openErrorLines(p.openErrors));
  for (const e of p.discardedErrors) out.push(discardedErrorLine(e));
  return out;
}

/** Fields an open entry names (its write's fields, or the fields the system's refusal named), by name. */
function refusedFields(errors: readonly QueuedError[]): Map<string, QueuedError> {
  const out = new Map<string, QueuedError>();
  for (const e of errors) {
    const fields = payloadValue(e.payload, "fields");
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
/** Why two differing values stay apart: one record holds the other's value too, so neither is rewritten. */
function heldBesidesText(holder: "marketing" | "crm"): string {
  const where = holder === "marketing" ? "marketing's record" : "the CRM's record";
  // Only a HubSpot contact holds values so (SourceRecord.alsoHolds): its additional emails.
  const why = holder === "marketing" ? " (a HubSpot contact's additional email, as a merge of two contacts leaves it)" : "";
  return `the sides differ, and the sync writes neither: ${where} holds the other's value besides its own${why}`;
}

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

/** Written values can be long texts (reasons, the activity summary): their start, and how long they are. */
const WRITTEN_SHOWN = 160;

function showWritten(v: string | null): string {
  const text = show(v);
  return text.length <= WRITTEN_SHOWN ? text : `${text.slice(0, WRITTEN_SHOWN)}… (${v!.length} characters; --json has it whole)`;
}
