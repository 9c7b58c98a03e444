// Parses the short durations people write in configuration ("90s", "5m", "1h30m", "2d") into milliseconds.
import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/;

export function parseDuration(text: string): number | undefined {
  let rest = text.trim();
  if (!rest) return undefined;
  let total = 0;
  while (rest.length > 0) {
    const m = DURATION.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    rest = rest.slice(m[0].length).trimStart();
  }
  return total;
}

/** A zod schema for a duration string; the output is milliseconds. */
export const durationSchema = durationText(false);

/** The same, where "0s" is allowed too: a margin that can be turned off. */
export const durationOrZeroSchema = durationText(true);

function durationText(allowZero: boolean) {
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms < 0 || (ms === 0 && !allowZero)) {
      ctx.addIssue({ code: "custom", message: `"${text}" is not a duration (write e.g. 30s, 5m, 1h, 2d)` });
      return z.NEVER;
    }
    return ms;
  });
}
