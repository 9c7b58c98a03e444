// The times a link's snapshot row gives its fields (and a score row its scoring's), kept as epoch ms
// where the ISO text comes back the same: a page's rows share a handful of times, so the last conversion
// each way is remembered, and a time's blank fields share one object.
import type { FieldSnapshot } from "../port.js";

let lastMsIn = Number.NaN;
let lastIsoOut = "";

/** Epoch milliseconds as an ISO instant. */
export function isoOf(ms: number): string {
  if (ms !== lastMsIn) {
    lastMsIn = ms;
    lastIsoOut = new Date(ms).toISOString();
  }
  return lastIsoOut;
}

let lastIsoIn = "";
let lastMsOut: number | undefined;

/** The instant as epoch ms when it reads back as the very same string, else undefined. */
export function instantMs(iso: string): number | undefined {
  if (iso === lastIsoIn) return lastMsOut;
  const ms = Date.parse(iso);
  lastIsoIn = iso;
  lastMsOut = Number.isNaN(ms) || new Date(ms).toISOString() !== iso ? undefined : ms;
  return lastMsOut;
}

let lastBlank: FieldSnapshot = Object.freeze({ marketing: null, crm: null, syncedAt: "" });

/**
 * A field blank on both sides, synced at `syncedAt`: a third of a Lead's fields are, and a row's blanks
 * share one time, so they share one object (frozen: nothing may change a snapshot read).
 */
export function blankAt(syncedAt: string): FieldSnapshot {
  if (lastBlank.syncedAt !== syncedAt) lastBlank = Object.freeze({ marketing: null, crm: null, syncedAt });
  return lastBlank;
}
