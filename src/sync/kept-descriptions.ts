// The systems' descriptions of their objects (HubSpot's property lists, Salesforce's describes) as a process
// read them, kept in the store so that the next process (a cron `leadloop sync`) need not read them again
// (ARCHITECTURE.md "Kept descriptions"): each adapter says what it read, and forgets what a refusal doubts.
import type { RecordFailure, WriteOutcome } from "./system-port.js";

/** One object's description as its system answered it. */
export interface KeptDescription {
  system: string;
  object: string;
  /** The answer as the adapter parsed it (its own keys only); the adapter validates it again when recalled. */
  answer: unknown;
  /** When its system was asked for it (the adapters' DescriptionLedger always says); absent, the store stamps its keeping. */
  learnedAt?: string;
}

/** What an adapter read since it was last asked, and what it stopped trusting. */
export interface DescriptionChanges {
  learned: KeptDescription[];
  /** Objects whose description a refusal or a create of unknown outcome made doubtful: read again by the next run. */
  forgotten: string[];
}

export interface DescriptionKeeping {
  /** Takes descriptions an earlier process read as if read now; one the adapter's schema refuses is asked again. */
  recall(kept: readonly KeptDescription[]): void;
  /** The changes since the last call (then none until more happen); the doubted descriptions are dropped here. */
  takeChanges(): Promise<DescriptionChanges>;
}

/**
 * `outcomes`, after doubting `object`'s description (`doubt`) when any of them was refused for something it
 * promised (`doubts`: a field missing, read-only, of another type or without that option): the next run
 * reads it again instead of trusting it for the rest of its keeping time.
 */
export function doubtingRefused(
  outcomes: WriteOutcome[],
  doubts: (failure: RecordFailure) => boolean,
  doubt: () => void,
): WriteOutcome[] {
  if (outcomes.some((o) => !o.ok && doubts(o.error))) doubt();
  return outcomes;
}
