// The queue's problems as the store holds them: the open entries one cause holds for one person
// (core/text/error-problems.ts), read for `errors list`, `explain` and the console's error tab (their count
// per class the store keeps, StateStore.countOpenProblems); the entries stay in the queue one per write
// (ARCHITECTURE.md "error queue").
import { errorAdvice } from "../core/text/error-advice.js";
import { type ErrorProblem, personIdOf, problemsOf } from "../core/text/error-problems.js";
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

/** Each record of a problem with its entries waiting on it (its phases), in the order `records` names them. */
export function waitingByRecord(
  problem: ErrorProblem<QueuedError>,
  named: (e: QueuedError) => string,
): { record: string; entries: QueuedError[] }[] {
  return problemJson(problem, named).records.map((record) => ({
    record,
    entries: problem.entries.filter((e) => `${e.object} ${named(e)}` === record),
  }));
}
