// `errors list`'s problem lines: the open entries one cause holds for one person, as one line an ops admin
// acts on (sync/error-problems.ts reads them); `explain` says a person's problems the same way.
import type { ErrorProblem } from "../core/text/error-problems.js";
import type { QueuedError } from "../store/port.js";
import { problemJson, waitingByRecord } from "../sync/error-problems.js";

/**
 * A problem of several entries as `errors list` prints it: the entries, the records and the person, the
 * cause once, what waits on it (each record's phases) and one what-to-do naming every entry.
 */
export function problemLines(problem: ErrorProblem<QueuedError>, named: (e: QueuedError) => string): string {
  const { entries } = problem;
  const first = entries[0]!;
  const json = problemJson(problem, named);
  const waiting = waitingByRecord(problem, named)
    .map(({ record, entries: phases }) => `${record}: ${phases.map((e) => `${e.operation} (#${e.id})`).join(", ")}`)
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
