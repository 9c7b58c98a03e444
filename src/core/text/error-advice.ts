// What an ops admin does about an open error-queue entry, by its class: the system's message says what
// was refused, not whose move it is, and the way out differs (fix a record, a mapping or a permission,
// wait, or give up on a write that can never succeed).
import { nextPassingTry, passingWaitMs } from "../passing-backoff.js";

export interface AdvisedEntry {
  id: number;
  /** The system that refused the write: where a record or a permission is fixed. */
  system: string;
  errorClass: string;
  operation: string;
  /** What was being written; a funnel write's names its outbox write (`outboxKey`). */
  payload: unknown;
  /** Refusals so far and the last one's instant: when a run sends a refusal in passing again (passing-backoff.ts). */
  attempts?: number;
  lastSeenAt?: string;
  /** Whether runs send its write again by themselves (store/port.ts `sentAgainByRuns`). */
  sentByRuns?: boolean;
}

/**
 * An update of a refused create's outbox group that waits for the create (outbox/drain.ts `takeUpdates`): a
 * handoff's record write waits for the rep's tasks. A refused create's entry names them (its payload's `waiting`).
 */
export interface WaitingWrite {
  phase: string;
  object: string;
  recordId: string;
  fields: string[];
}

/**
 * What waits for this entry's write, in words (null: nothing): the writes of its group the drain holds,
 * pending, until the CRM makes it. `errors list` tells it with the entry's advice, `explain` on its line.
 */
export function waitingText(payload: unknown): string | null {
  const waiting = typeof payload === "object" && payload !== null && "waiting" in payload ? (payload.waiting as WaitingWrite[]) : [];
  if (!Array.isArray(waiting) || waiting.length === 0) return null;
  const writes = waiting.map((w) => `the ${w.phase}'s write to ${w.object} ${w.recordId} (${w.fields.join(", ")})`);
  return (
    `${writes.join(" and ")} ${writes.length === 1 ? "waits" : "wait"} for this one, pending, not refused: ` +
    `the retry that makes it sends ${writes.length === 1 ? "that write" : "them"} too, or the run after it`
  );
}

/** The operations of entries a sync can settle by itself (see `settledBySync`). */
const SETTLED_BY_SYNC: ReadonlySet<string> = new Set(["routing", "disposition"]);

/**
 * An entry no write stands behind, which a sync settles by itself once what its message names is fixed:
 * an MQL the routing gives to no active rep (`routing`), a lead status the dispositions map lacks
 * (`disposition` without an outbox write: a refused disposition write-back names its `outboxKey`).
 * `errors retry` has nothing to send for them.
 */
export function settledBySync(entry: Pick<AdvisedEntry, "operation" | "payload">): boolean {
  const payload = entry.payload;
  const namesWrite = typeof payload === "object" && payload !== null && "outboxKey" in payload;
  return SETTLED_BY_SYNC.has(entry.operation) && !namesWrite;
}

/** Which sync run sends a refusal again by itself (`sentByRuns`): the next, or the first after its backoff. */
function passingRun(entry: AdvisedEntry): string {
  if (entry.attempts === undefined || entry.lastSeenAt === undefined) return "the next run";
  const wait = passingWaitMs(entry.attempts);
  if (wait === 0) return "the next run";
  return `the first run after ${nextPassingTry({ attempts: entry.attempts, lastSeenAt: entry.lastSeenAt })} (refused ${entry.attempts} times, it waits longer between runs that try it)`;
}

const SYSTEM_NAMES: Record<string, string> = { hubspot: "HubSpot", salesforce: "Salesforce" };

/**
 * `ids` are the entries the advice is for: one entry's, or every entry of a problem one cause holds
 * (core/text/error-problems.ts), so one command retries or discards them all.
 */
export function errorAdvice(entry: AdvisedEntry, ids: readonly number[] = [entry.id]): string {
  const waits = waitingText(entry.payload);
  const advice = adviceByClass(entry, ids);
  return waits === null ? advice : `${advice}; meanwhile ${waits}`;
}

function adviceByClass(entry: AdvisedEntry, ids: readonly number[]): string {
  const system = SYSTEM_NAMES[entry.system] ?? entry.system;
  const named = ids.map((id) => `--id ${id}`).join(" ");
  const retry = `\`leadloop errors retry ${named}\``;
  const discard = `\`leadloop errors discard ${named}\``;
  if (settledBySync(entry))
    return (
      "fix what the message names (the routing or qualification file, or the CRM's users: " +
      "`leadloop validate --live` checks them); the next sync settles the entry, or " +
      `${discard} if it should not`
    );
  switch (entry.errorClass) {
    case "data":
      return (
        `fix the value ${system} refused, in the record on the other side or in the mapping that sends it; ` +
        `the next run sends the record again once it changes, or ${retry} now`
      );
    case "conflict":
      // A lock that ends by itself (an approval's): no one need act, though an admin may end it sooner.
      if (entry.sentByRuns)
        return (
          `${system} keeps the record locked from ${ids.length === 1 ? "this write" : `these ${ids.length} writes`} ` +
          `(an approval process): ${passingRun(entry)} sends ${ids.length === 1 ? "it" : "them"} again by itself, ` +
          `and keeps trying until the lock ends; once the approval ends (or an admin unlocks the record) ${retry} ` +
          `sends ${ids.length === 1 ? "it" : "them"} at once, or ${discard} if ${ids.length === 1 ? "it" : "they"} should not be written`
        );
      return (
        `${system} keeps the record from ${ids.length === 1 ? "this write" : `these ${ids.length} writes`} ` +
        `(a duplicate, a converted or locked record, an owner who left): settle it in ` +
        `${system} and ${retry}, or ${discard} if ${ids.length === 1 ? "it" : "they"} can never be written`
      );
    case "config":
      return `fix the mapping or ${system}'s setup (\`leadloop validate --live\` names what is missing), then ${retry}`;
    case "auth":
      return `give leadloop's ${system} user access to the object and fields (or a new token), then ${retry}`;
    case "transient":
    case "rate_limited":
      return `${system} was unavailable or over its limit; ${retry} sends it again, as does ${passingRun(entry)}`;
    default:
      return `a leadloop bug: report it with \`leadloop explain\`'s output for the person; ${discard} clears it meanwhile`;
  }
}
