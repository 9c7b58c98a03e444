// Marks as stores before migration 20 kept them, turned into what a mark keeps now (the functions every
// connection registers for migration 20: `leadloop_mark_fingerprints`, `leadloop_mark_page_views`). An old
// signature is the reader's JSON object of its parts' texts (`{"web":"[\"4\",null,…]",…}`), or that packed
// by migration 16's store as a JSON array of [part, values] with ISO instants as epoch ms.
import { MISSING_PART, SIGNAL_PARTS, signalFingerprint } from "../../core/behaviour/signal-marks.js";
import { packFingerprints } from "./behaviour-cache.js";

/** Each part's text as the reader built it; a part the signature lacks (or cannot be read) is MISSING_PART. */
function partTexts(stored: string): Record<string, string> {
  try {
    if (!stored.startsWith("[")) {
      const outer = JSON.parse(stored) as unknown;
      return typeof outer === "object" && outer !== null ? (outer as Record<string, string>) : {};
    }
    const packed = JSON.parse(stored) as [string, (string | number | null)[]][];
    return Object.fromEntries(
      packed.map(([part, values]) => [
        part,
        JSON.stringify(values.map((v) => (typeof v === "number" ? new Date(v).toISOString() : v))),
      ]),
    );
  } catch {
    return {};
  }
}

function partText(parts: Record<string, string>, part: string): string {
  const text = parts[part];
  return typeof text === "string" ? text : MISSING_PART;
}

/** An old signature's fingerprints, as the reader would take them for the same signals. */
export function legacyFingerprints(stored: string): Buffer {
  const parts = partTexts(stored);
  const [web, forms, email] = SIGNAL_PARTS.map((p) => signalFingerprint(partText(parts, p)));
  return packFingerprints({ web: web!, forms: forms!, email: email! });
}

/** The page-view count an old signature showed (the first of its web values), as a mark keeps it. */
export function legacyPageViews(stored: string): string | null {
  const web = partTexts(stored).web;
  if (typeof web !== "string") return null;
  try {
    const values = JSON.parse(web) as unknown;
    if (!Array.isArray(values)) return null;
    const count: unknown = values[0];
    return typeof count === "string" ? count : typeof count === "number" ? String(count) : null;
  } catch {
    return null;
  }
}
