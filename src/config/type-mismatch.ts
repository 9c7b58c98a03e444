// What a configuration value of the wrong kind says to the admin who wrote it: the kind the key takes and
// the value as written, in YAML's words (a map, a list, text), with the fix when the value plainly meant
// one (a number quoted or written with separators), instead of zod's "expected number, received string".
// It also says a value none of a key's choices, and shortens a long value it quotes.
import type { z } from "zod";
import { nearestName } from "../core/text/edit-distance.js";

const KIND: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  string: "text",
  object: 'a map of keys ("key: value" lines)',
  record: 'a map of keys ("key: value" lines)',
  array: 'a list ("- " lines, or [a, b])',
};

/** The message for a value of the wrong kind, or undefined when the expected kind is not one of YAML's. */
export function typeMismatchMessage(
  expected: string,
  value: unknown,
  written: string | undefined,
  options: { secret?: boolean } = {},
): string | undefined {
  const wanted = KIND[expected];
  if (!wanted) return undefined;
  // A secret (a numeric client secret YAML reads as a number) is named by its kind, never quoted back.
  const got = options.secret ? kindOf(value) : describeValue(value, written);
  return `expected ${wanted}, not ${got}${fixFor(expected, value)}`;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "an empty value";
  return typeof value === "object" ? "a map of keys" : typeof value === "string" ? "text" : typeof value === "number" ? "a number" : "true or false";
}

function describeValue(value: unknown, written: string | undefined): string {
  if (Array.isArray(value)) return 'a list (its lines start with "- ")';
  if (value === null) return "an empty value";
  if (typeof value === "object") return "a map of keys";
  if (typeof value === "string") return `the text ${JSON.stringify(value)}`;
  const shown = written?.trim() || String(value);
  if (typeof value === "boolean") return `${shown} (YAML reads it as true or false)`;
  return `the number ${shown}`;
}

/** The value to write instead, where the one written plainly meant it. */
function fixFor(expected: string, value: unknown): string {
  if ((expected === "number" || expected === "int") && typeof value === "string") {
    // A percent is written as points in some keys (thresholds.mql: 70) and as a share in others
    // (sync.salesforceApiShare: 0.25), so "70%" gets the rule, not a number that may be the wrong one.
    if (/^\s*-?[\d.,]+\s*%\s*$/.test(value)) return ": write a plain number, without quotes or %";
    const bare = value.trim().replace(/(\d),(\d{3})\b/g, "$1$2");
    if (bare !== "" && Number.isFinite(Number(bare))) return `: write ${Number(bare)}, without quotes or separators`;
  }
  if (expected === "string" && (typeof value === "number" || typeof value === "boolean")) {
    return ": put it in quotes to keep it as written";
  }
  return "";
}

/** The message for a number outside the key's range: the number as written and the bound it passes. */
export function outOfRangeMessage(
  side: "too_big" | "too_small",
  bound: number | bigint,
  inclusive: boolean,
  written: string | undefined,
): string {
  const limit = side === "too_big" ? (inclusive ? "at most" : "less than") : inclusive ? "at least" : "more than";
  return `${written?.trim() ?? "the value"} is out of range: this key takes a number ${limit} ${bound}`;
}

/** The longest quoted value a message repeats whole; a longer one is cut, with its length. */
const QUOTE_MAX = 80;

/**
 * The message with every quoted value longer than QUOTE_MAX cut to its start and its length: a pasted
 * page of text in a key is named by its first words, not echoed for thousands of characters.
 */
export function shortenQuotes(message: string): string {
  return message.replace(/"([^"]*)"/g, (quoted, inner: string) =>
    [...inner].length <= QUOTE_MAX ? quoted : `"${[...inner].slice(0, QUOTE_MAX - 20).join("")}…" (${[...inner].length} characters)`,
  );
}

/**
 * A value none of the key's choices (an enum, a literal): zod's "Invalid option: expected one of
 * "a"|"b"" names neither the value written nor the one meant; this quotes it, lists the choices and
 * names the nearest when one is close ("latest" for most_recent is not, "lowr" for lower is).
 */
export function notAChoice(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  if (issue.code !== "invalid_value" || value === undefined || !/^Invalid (option|input):/.test(issue.message)) return undefined;
  const choices = issue.values.map(String);
  const meant = typeof value === "string" ? nearestName(choices, value) : undefined;
  const written = typeof value === "string" ? JSON.stringify(value) : String(value);
  const hint = meant ? ` (did you mean "${meant}"?)` : "";
  return choices.length === 1
    ? `${written} is not accepted here: write ${choices[0]}${hint}`
    : `${written} is not one of the choices${hint}: write one of ${choices.join(", ")}`;
}
