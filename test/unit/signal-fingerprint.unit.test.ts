// A behaviour mark's fingerprint of a signal part is FNV-1a of the JSON array of the part's values
// (core/behaviour/signal-marks.ts): marks kept before must match what a reader works out now, so the
// fingerprint made without the text must be the one of the text, whatever the values hold.
import { signalFingerprint, valuesFingerprint } from "../../src/core/behaviour/signal-marks.js";

/** Values a contact's analytics, conversion and email properties may hold, and the edges of JSON's escapes. */
const VALUES: (string | null)[] = [
  null,
  "",
  "0",
  "42",
  "2026-11-30T17:45:12.345Z",
  "https://www.exemple.fr/tarifs?é=1&utm=\"Noël\"",
  "Zoë Ångström — Demo: Pricing page",
  "C:\\Users\\zoë\\page.html",
  "tab\there, line\nbreak, return\r, feed\f, back\b",
  "\u0000\u0001\u001f\u007f",
  "emoji 🚀 and 𝄞",
  "lone high \ud83d end",
  "lone low \ude80 end",
  "reversed \ude80\ud83d pair",
  "\ud83d",
  "   ",
];

describe("signal fingerprints", () => {
  it("are the fingerprint of the values' JSON text, for every kind of text a value may hold", () => {
    const parts: (string | null)[][] = [[], [null], [null, null, null, null, null]];
    for (const a of VALUES) {
      parts.push([a]);
      for (const b of VALUES) parts.push([a, b, null, a]);
    }
    for (const part of parts) {
      expect([part, valuesFingerprint(part)]).toEqual([part, signalFingerprint(JSON.stringify(part))]);
    }
  });

  it("tell two parts apart that differ only in an escaped character", () => {
    expect(valuesFingerprint(["a\nb"])).not.toBe(valuesFingerprint(["a\\nb"]));
    expect(valuesFingerprint(["\ud83d"])).not.toBe(valuesFingerprint(["\\ud83d"]));
    expect(valuesFingerprint([null])).not.toBe(valuesFingerprint(["null"]));
  });
});
