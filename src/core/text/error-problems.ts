// One problem per cause and person in `errors list`: the queue keeps an entry per refused write, each
// resolved only by its own write, and this folds the open ones one cause refused into the line an ops admin acts on.
import { groupBy } from "../grouping.js";
import { payloadText } from "../payload-text.js";

export interface ProblemEntry {
  id: number;
  system: string;
  object: string;
  recordId: string | null;
  operation: string;
  errorClass: string;
  message: string;
  /** A write's payload names the person (`personId`, `email`) it is about. */
  payload: unknown;
}

/** The open entries one cause holds for one person (or one record, where no person is named). */
export interface ErrorProblem<E extends ProblemEntry = ProblemEntry> {
  /** Oldest first. */
  entries: E[];
  /** The person's email, where an entry names it. */
  email: string | null;
  /** What the system said, without the person's ` [email]` ending (the problem names the person). */
  cause: string;
}

/**
 * Groups open entries into problems: the same system, class and cause, about the same person. The cause
 * is the message without the person and with the record's object name left out, since a record-wide
 * refusal names its object (Salesforce's INACTIVE_OWNER_OR_USER "… as owner of contact" and "… as owner of
 * task" are one deactivated rep); two rules or two values refused stay two problems. Entries naming no
 * person group by record, and a refused create naming no person (no record yet either) is a problem of its own.
 */
export function problemsOf<E extends ProblemEntry>(entries: readonly E[]): ErrorProblem<E>[] {
  const sorted = [...entries].sort((a, b) => a.id - b.id);
  const groups = groupBy(sorted, (e) => {
    const { person, cause } = problemKeysOf(e);
    return [e.system, e.errorClass, person ?? ownProblemKey(e.id), cause].join("\u0000");
  });
  return [...groups.values()].map((group) => ({
    entries: group,
    email: group.map(emailOf).find((email) => email !== null) ?? null,
    cause: withoutPerson(group[0]!.message),
  }));
}

/**
 * What an entry is grouped by beside its system and class: whose problem it is and its cause. The store
 * keeps both with each entry (store/sqlite/error-queue.ts), so the queue's problems are counted from an
 * index rather than from every open entry's payload (ARCHITECTURE.md "error queue"). `person` is null for
 * a refused create naming no person: a problem of its own, keyed by `ownProblemKey` once it has an id.
 */
export function problemKeysOf(e: Pick<ProblemEntry, "object" | "recordId" | "message" | "payload">): {
  person: string | null;
  cause: string;
} {
  const personId = personIdOf(e);
  const person = personId !== null ? personProblemKey(personId) : e.recordId === null ? null : `record:${e.object}:${e.recordId}`;
  return { person, cause: withoutPerson(e.message).replace(objectName(e.object), "<record>") };
}

/** The person key of the entries about this person (their payload's `personId`). */
export function personProblemKey(personId: string): string {
  return `person:${personId}`;
}

/** The person key of an entry that is a problem of its own (`problemKeysOf`'s null). */
export function ownProblemKey(id: number): string {
  return `entry:${id}`;
}

// One pattern per object, not per entry: a queue of 200,000 entries names a handful of objects.
const objectNames = new Map<string, RegExp>();

function objectName(object: string): RegExp {
  let pattern = objectNames.get(object);
  if (pattern === undefined) {
    pattern = new RegExp(`\\b${object.replace(/[^A-Za-z0-9_]/g, "")}\\b`, "gi");
    objectNames.set(object, pattern);
  }
  return pattern;
}

/** The person an entry's write was about (its payload's `personId`), where it names one. */
export function personIdOf(e: Pick<ProblemEntry, "payload">): string | null {
  return payloadText(e.payload, "personId");
}

/** `aboutRecord` (sync/system-port.ts) ends a message about a person with ` [email]`. */
const PERSON_ENDING = / \[([^\s[\]]+@[^\s[\]]+)\]$/;

function withoutPerson(message: string): string {
  return message.replace(PERSON_ENDING, "");
}

function emailOf(e: ProblemEntry): string | null {
  return payloadText(e.payload, "email") ?? PERSON_ENDING.exec(e.message)?.[1] ?? null;
}

/**
 * The record an entry is about, as `errors list`, `explain` and the console name it. A pair's refused create and a value its
 * mapping cannot take are queued under the id of the record they came from, on the other side (sync/
 * removals.ts), which the line names with that record's object rather than as one of the entry's object.
 */
export function recordNamed(e: ProblemEntry): string {
  if (e.recordId === null) return "(new)";
  const object = payloadText(e.payload, "object");
  const otherSide = payloadText(e.payload, "sourceId") === e.recordId && object !== null && object !== e.object;
  return otherSide ? `(from ${object} ${e.recordId})` : e.recordId;
}
