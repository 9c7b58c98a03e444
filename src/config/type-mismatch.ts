// What a configuration value of the wrong kind says to the admin who wrote it: the kind the key takes and
// the value as written, in YAML's words (a map, a list, text), with the fix when the value plainly meant
// one (a number quoted or written with separators), instead of zod's "expected number, received string".

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
