// `errors list`'s problems: the open entries one cause holds for one person, as one line an ops admin acts
// on (core/text/error-problems.ts); the entries stay in the queue one per write (ARCHITECTURE.md "error queue").
import { errorAdvice } from "../core/text/error-advice.js";
import { type ErrorProblem, problemsOf } from "../core/text/error-problems.js";
import type { QueuedError, StateStore } from "../store/port.js";

/** What `errors list --json` adds to an open entry: the problem it is part of. */
export interface ProblemJson {
  /** Every open entry of the problem, oldest first, this one included: `errors retry` sends them all. */
  entries: number[];
  /** The records whose writes wait on it: `Contact 003…`. */
  records: string[];
  /** The phases whose writes wait, as the entries' `operation` names them. */
  operations: string[];
  email: string | null;
  whatToDo: string;
}

/**
 * The problems the listed open entries are part of, each with all its open entries: those of the same
 * people and records past the listing's `--limit` too, so a problem's line and its advice name every
 * write waiting on it.
 */
export async function problemsOfListed(
  store: Pick<StateStore, "listErrors" | "openErrorsFor">,
  listed: readonly QueuedError[],
): Promise<ErrorProblem<QueuedError>[]> {
  const open = listed.filter((e) => e.status === "open");
  if (open.length === 0) return [];
  const personIds = [...new Set(open.map(personIdOf).filter((id): id is string => id !== null))];
  const recordIds = [...new Set(open.map((e) => e.recordId).filter((id): id is string => id !== null))];
  const byId = new Map(open.map((e) => [e.id, e]));
  if (personIds.length > 0) for (const e of await store.listErrors({ status: "open", personIds })) byId.set(e.id, e);
  for (const entries of (await store.openErrorsFor(recordIds)).values()) for (const e of entries) byId.set(e.id, e);
  const listedIds = new Set(open.map((e) => e.id));
  return problemsOf([...byId.values()]).filter((p) => p.entries.some((e) => listedIds.has(e.id)));
}

export function problemJson(problem: ErrorProblem<QueuedError>, named: (e: QueuedError) => string): ProblemJson {
  const ids = problem.entries.map((e) => e.id);
  return {
    entries: ids,
    records: [...new Set(problem.entries.map((e) => `${e.object} ${named(e)}`))],
    operations: [...new Set(problem.entries.map((e) => e.operation))],
    email: problem.email,
    whatToDo: errorAdvice(problem.entries[0]!, ids),
  };
}

/**
 * A problem of several entries as `errors list` prints it: the entries, the records and the person, the
 * cause once, what waits on it (each record's phases) and one what-to-do naming every entry.
 */
export function problemLines(problem: ErrorProblem<QueuedError>, named: (e: QueuedError) => string): string {
  const { entries } = problem;
  const first = entries[0]!;
  const json = problemJson(problem, named);
  const waiting = json.records
    .map((record) => {
      const phases = entries.filter((e) => `${e.object} ${named(e)}` === record).map((e) => `${e.operation} (#${e.id})`);
      return `${record}: ${phases.join(", ")}`;
    })
    .join("; ");
  const attempts = [...new Set(entries.map((e) => e.attempts))].sort((a, b) => a - b);
  const last = entries.map((e) => e.lastSeenAt).sort().at(-1)!;
  return (
    `${entries.map((e) => `#${e.id}`).join(" ")} [open] ${first.system} ${json.records.join(", ")}` +
    `${problem.email ? ` [${problem.email}]` : ""}: ${problem.cause} (${first.errorClass})\n` +
    `   waiting on it: ${entries.length} writes (${waiting}; ` +
    `${attempts.join(" to ")} attempt${attempts.length === 1 && attempts[0] === 1 ? "" : "s"} each, last ${last})\n` +
    `   what to do: ${json.whatToDo}\n`
  );
}

function personIdOf(e: QueuedError): string | null {
  const id = typeof e.payload === "object" && e.payload !== null ? (e.payload as { personId?: unknown }).personId : undefined;
  return typeof id === "string" && id !== "" ? id : null;
}
