// Reads one YAML file into a value checked by a zod schema, with `${ENV_VAR}` interpolation, and turns
// every YAML or schema problem into a ConfigProblem that carries the file, line and key.
import { readFileSync } from "node:fs";
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument, visit, type YAMLError } from "yaml";
import type { ZodType, z } from "zod";
import { ConfigError, type ConfigProblem, keyPath } from "./config-error.js";
import { suggestKey } from "./key-suggestion.js";
import { fileProblem } from "../core/text/file-problem.js";
import { unreadableFile } from "./named-files.js";
import { notAChoice, outOfRangeMessage, shortenQuotes, typeMismatchMessage } from "./type-mismatch.js";

export interface YamlFileOptions {
  /** Replace `${NAME}` and `${NAME:-default}` in string values from this environment. */
  env?: Record<string, string | undefined>;
}

/** Keys whose values are secrets (load-config.ts keeps them for the log redactor). */
const SECRET_KEY = /token|secret|password/i;

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function loadYamlFile<S extends ZodType>(
  file: string,
  schema: S,
  options: YamlFileOptions = {},
): z.output<S> {
  return parseYamlText(readConfigText(file), file, schema, options);
}

/** A configuration file's text; a missing or unreadable file is a ConfigError naming it. */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError([unreadableFile(file, fileProblem(err) ?? String(err))]);
  }
}

/**
 * Line and column of the deepest node that exists on a key path, for problems found after the schema
 * passed (the YAML is known to parse), and what to add to a message about it (`ruleNamed`).
 */
export function yamlLocator(text: string): (path: readonly (string | number)[]) => { line: number; col: number; rule: string } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return (path) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (node && typeof node === "object" && "range" in node) {
        return { ...lines.linePos((node as Node).range?.[0] ?? 0), rule: ruleNamed(doc, path) };
      }
    }
    return { line: 0, col: 0, rule: ruleNamed(doc, path) };
  };
}

/**
 * " (rule <id>)" when the key is inside a rule (qualification's fit, behaviour, negative and customer
 * rules, routing's rules), which people know by id, not by its place in the list; "" elsewhere, and for
 * the rule's id itself.
 */
function ruleNamed(doc: Document, path: readonly (string | number)[]): string {
  for (let depth = path.length - 1; depth > 0; depth--) {
    if (typeof path[depth - 1] !== "number") continue;
    const item = doc.getIn(path.slice(0, depth), true);
    const id = isMap(item) ? item.get("id") : undefined;
    if (typeof id === "string" && id !== "" && path[depth] !== "id") return ` (rule ${id})`;
  }
  return "";
}

/** Where a top-level key is written in the file (its key, not its value), or null when the file does not set it. */
export function topKeyPosition(text: string, key: string): { line: number; col: number } | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (!isMap(doc.contents)) return null;
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key);
  const node = pair?.key as Node | undefined;
  return node ? lines.linePos(node.range?.[0] ?? 0) : null;
}

export function parseYamlText<S extends ZodType>(
  text: string,
  file: string,
  schema: S,
  options: YamlFileOptions = {},
): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => lines.linePos(offset ?? 0);

  const problems: ConfigProblem[] = readableErrors(doc.errors).map((e) => {
    const pos = at(e.pos[0]);
    const duplicate = e.code === "DUPLICATE_KEY" ? duplicateKeyAt(text, e.pos[0]) : undefined;
    if (duplicate) {
      const key = keyPath(duplicate.path);
      const message = `${key} is set twice (first on line ${at(duplicate.firstAt).line}); YAML keys must be unique: keep one`;
      return { file, line: pos.line, column: pos.col, key, message };
    }
    const message = e.message.split("\n")[0] ?? e.message;
    return { file, line: pos.line, column: pos.col, key: "", message: e.code === "TAB_AS_INDENT" ? `${message}: indent with spaces` : message };
  });
  if (problems.length > 0) throw new ConfigError(problems);

  if (options.env) problems.push(...interpolate(doc, options.env, file, at));
  if (problems.length > 0) throw new ConfigError(problems);

  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => describeIssue(issue, doc, schema, file, at, text)).sort(byLine),
  );
}

/**
 * The syntax errors a person can act on: the first, and every tab indent or repeated key, which the parser
 * finds line by line. Past the first error of another kind the parser reads the rest of the file out of
 * step, so its further errors ("Implicit keys need to be on a single line" a few lines on) are echoes
 * that vanish with the first fix; a tab in a mapping's field gave nine lines for one mistake.
 */
function readableErrors(errors: readonly YAMLError[]): YAMLError[] {
  return errors.filter((e, i) => i === 0 || e.code === "TAB_AS_INDENT" || e.code === "DUPLICATE_KEY");
}

function interpolate(
  doc: Document,
  env: Record<string, string | undefined>,
  file: string,
  at: (offset: number | undefined) => { line: number; col: number },
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== "string" || !node.value.includes("${")) return;
      node.value = node.value.replace(ENV_REFERENCE, (_m, name: string, fallback: string | undefined) => {
        const value = env[name];
        if (value !== undefined && value !== "") return value;
        if (fallback !== undefined) return fallback;
        const pos = at(node.range?.[0]);
        problems.push({
          file,
          line: pos.line,
          column: pos.col,
          key: keyPath(pathOf(path)),
          message: `environment variable ${name} is not set`,
        });
        return "";
      });
    },
  });
  return problems;
}

/**
 * The key path of the key written at `offset` that repeats one of its map: the YAML parser's duplicate-key
 * error points at the key's first character only, so the file is read again with repeats allowed.
 */
function duplicateKeyAt(text: string, offset: number): { path: (string | number)[]; firstAt: number } | undefined {
  let found: { path: (string | number)[]; firstAt: number } | undefined;
  visit(parseDocument(text, { uniqueKeys: false }), {
    Pair(_key, pair, path) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return;
      const map = path.at(-1);
      const value = pair.key.value;
      const first = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === value) : undefined;
      found = { path: pathOf([...path, pair]), firstAt: (first?.key as Node | undefined)?.range?.[0] ?? offset };
    },
  });
  return found;
}

/** The key path of a node from the ancestry `visit` gives. */
function pathOf(ancestry: readonly unknown[]): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let i = 0; i < ancestry.length; i++) {
    const step = ancestry[i];
    const next = ancestry[i + 1];
    if (step && typeof step === "object" && "items" in step && next) {
      const items = (step as { items: unknown[] }).items;
      const index = items.indexOf(next);
      if (isMap(step) && next && typeof next === "object" && "key" in next) {
        const k = (next as { key: unknown }).key;
        keys.push(isScalar(k) ? String(k.value) : String(k));
      } else if (index >= 0) keys.push(index);
    }
  }
  return keys;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  schema: ZodType,
  file: string,
  at: (offset: number | undefined) => { line: number; col: number },
  text: string,
): ConfigProblem {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    const parent = doc.getIn(path, true) as Node | undefined;
    const key = issue.keys[0] ?? "";
    const keyNode = isMap(parent)
      ? parent.items.find((p) => isScalar(p.key) && p.key.value === key)
      : undefined;
    const pos = at((keyNode?.key as Node | undefined)?.range?.[0] ?? parent?.range?.[0]);
    const hint = suggestKey(schema, path, key);
    const others = issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(", ")})` : "";
    return {
      file,
      line: pos.line,
      column: pos.col,
      key: keyPath([...path, key]),
      message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ""}${others}${ruleNamed(doc, [...path, key])}`,
    };
  }
  // Point at the deepest node that exists: a missing key is reported where its parent is.
  let node: Node | undefined;
  for (let depth = path.length; depth >= 0 && !node; depth--) {
    const found = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (found && typeof found === "object" && "range" in found) node = found as Node;
  }
  const pos = at(node?.range?.[0]);
  // A missing choice (an enum) is an invalid value to zod, a missing anything else an invalid type.
  const value: unknown = doc.getIn(path);
  const missing = (issue.code === "invalid_type" || issue.code === "invalid_value") && value === undefined;
  const secret = SECRET_KEY.test(String(path.at(-1) ?? ""));
  const mismatch =
    issue.code === "invalid_type" && !missing
      ? typeMismatchMessage(issue.expected, toJs(value), secret ? undefined : writtenText(node, text), { secret })
      : undefined;
  return {
    file,
    line: pos.line,
    column: pos.col,
    key: keyPath(path),
    message:
      shortenQuotes(
        missing ? "required key is missing" : (mismatch ?? outOfRange(issue, node, text) ?? notAChoice(issue, toJs(value)) ?? issue.message),
      ) + ruleNamed(doc, path),
  };
}


function outOfRange(issue: z.core.$ZodIssue, node: Node | undefined, text: string): string | undefined {
  if ((issue.code !== "too_big" && issue.code !== "too_small") || issue.origin !== "number") return undefined;
  // A schema's own wording ("must be more than 0 days") says it in the key's terms already; only zod's
  // default ("Too big: expected number to be <=1") is replaced.
  if (!/^Too (big|small):/.test(issue.message)) return undefined;
  const bound = issue.code === "too_big" ? issue.maximum : issue.minimum;
  return outOfRangeMessage(issue.code, bound, issue.inclusive ?? true, writtenText(node, text));
}

/** A node's value as plain data (a map or list node as an object or array). */
function toJs(value: unknown): unknown {
  return value && typeof value === "object" && "toJSON" in value ? (value as { toJSON(): unknown }).toJSON() : value;
}

/** A scalar's text as the file has it (62.0, not the 62 YAML reads), for the message to quote. */
function writtenText(node: Node | undefined, text: string): string | undefined {
  return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
}

function byLine(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.column - b.column;
}
