// A file the schema refused still gets the checks a schema cannot make (a routing rule naming a queue that
// does not exist, a rule id used twice, a field mapped twice) on the entries the schema accepted: an admin
// fixing the files learns every problem in one `validate`, not a new batch after each fix. The schema's
// refusals are left out first (a key it does not know; of a list entry it refused, the keys it refused),
// so no check reads a value the schema did not accept, and each finding is put back at its entry's place
// in the file (ARCHITECTURE.md, src/config).
import { parseDocument } from "yaml";
import type { ZodType, z } from "zod";
import { ConfigError, type ConfigProblem, keyPath } from "./config-error.js";
import { parseYamlText, yamlLocator } from "./yaml-file.js";

type Path = (string | number)[];

export interface Finding {
  path: Path;
  message: string;
}

/**
 * One check a schema cannot make, of the whole file. Checks that read different keys of an entry are
 * best kept apart: an entry whose one key the schema refused is skipped only by the checks reading it.
 */
export type Check<S extends ZodType> = (rest: z.output<S>) => readonly Finding[];

/**
 * `text` read by `schema` (parseYamlText); refused, with what `checks` find in the entries the schema
 * accepted (`withChecksOfTheRest`). The caller runs its checks on a file the schema took whole.
 */
export function parseWithChecks<S extends ZodType>(
  text: string,
  file: string,
  schema: S,
  checks: readonly Check<S>[],
): z.output<S> {
  try {
    return parseYamlText(text, file, schema);
  } catch (err) {
    throw withChecksOfTheRest(err, text, file, schema, checks);
  }
}

/** Findings as problems at their line, column and key in `text`; `path` as the finding gives it unless told. */
export function locatedProblems(
  findings: readonly Finding[],
  text: string,
  file: string,
  pathInFile: (path: Path) => Path = (path) => path,
  messageInFile: (message: string) => string = (message) => message,
): ConfigProblem[] {
  const at = yamlLocator(text);
  return findings.map(({ path, message }): ConfigProblem => {
    const inFile = pathInFile(path);
    const pos = at(inFile);
    return { file, line: pos.line, column: pos.col, key: keyPath(inFile), message: messageInFile(message) + pos.rule };
  });
}

/**
 * `err` (parseYamlText's refusal of `text`) with what `check` finds in the rest of the file added, each
 * naming the file, line and key; `err` as it was when it is no schema refusal, or when the schema refused
 * something no entry can be left out for (a missing `fallback`, a wrong `version`): then the file's checks
 * wait for those problems to be fixed, since they would read a file the schema did not accept.
 */
export function withChecksOfTheRest<S extends ZodType>(
  err: unknown,
  text: string,
  file: string,
  schema: S,
  checks: readonly Check<S>[],
): unknown {
  if (!(err instanceof ConfigError)) return err;
  const found = checkedPart(text, file, schema, checks);
  if (!found || found.length === 0) return err;
  return new ConfigError([...err.problems, ...found].sort((a, b) => a.line - b.line || a.column - b.column));
}

/** Passes over the schema, each leaving out what the last refused: a file has fewer entries than this. */
const MAX_PASSES = 1_000;

/** A list entry the schema refused: where it was in the file, what it held, and which of its keys were refused. */
interface RefusedEntry {
  list: Path;
  index: number;
  raw: unknown;
  /** Keys of the entry a refusal was under; null when the refusal was of the entry as a whole. */
  keys: Set<string> | null;
}

/** Thrown by a refused key of a refused entry when a check reads it: that entry cannot be checked. */
class UnreadableEntry {
  constructor(readonly entry: RefusedEntry) {}
}

/**
 * What `checks` find in what `schema` accepts of `text`, as problems in the file. The schema's refusals
 * are left out first: the keys it does not know, and each list entry it refused (the outermost list entry
 * on a problem's path: a whole rule or mapped field, a queue's one member). A refused entry whose other
 * keys the schema accepts on their own is then put back with its refused keys unreadable, and each check
 * reads it unless it reads one of those: a rule whose description is missing is still checked for its id
 * and its queue, and a check that needs what was refused skips that entry rather than read a value the
 * schema did not accept. Null when the YAML does not parse, or a problem is on no list entry.
 */
function checkedPart<S extends ZodType>(
  text: string,
  file: string,
  schema: S,
  checks: readonly Check<S>[],
): ConfigProblem[] | null {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return null;
  const data: unknown = doc.toJS() ?? {};
  // The indices, in the file, of the entries left out of each list, by the list's path (JSON). The list
  // whose entry is left out is the outermost on the path, so its own path is the same in the file.
  const leftOut = new Map<string, number[]>();
  const refused: RefusedEntry[] = [];
  let accepted: z.output<S> | undefined;
  for (let pass = 0; pass < MAX_PASSES && accepted === undefined; pass++) {
    const result = schema.safeParse(data);
    if (result.success) {
      accepted = result.data;
      break;
    }
    const entries = new Map<string, { list: Path; index: number; keys: Set<string> | null }>();
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      if (issue.code === "unrecognized_keys") {
        const owner = valueAt(data, path);
        if (owner && typeof owner === "object") for (const key of issue.keys) delete (owner as Record<string, unknown>)[key];
        continue;
      }
      const at = path.findIndex((p) => typeof p === "number");
      if (at < 0) return null;
      const id = JSON.stringify(path.slice(0, at + 1));
      const entry = entries.get(id) ?? { list: path.slice(0, at), index: path[at] as number, keys: new Set<string>() };
      const key = path[at + 1];
      if (key === undefined || typeof key === "number") entry.keys = null;
      else entry.keys?.add(key);
      entries.set(id, entry);
    }
    // Last entries first, so each index still names its entry.
    for (const { list, index, keys } of [...entries.values()].sort((a, b) => b.index - a.index)) {
      const items = valueAt(data, list);
      if (!Array.isArray(items)) return null;
      const key = JSON.stringify(list);
      const original = inFile(leftOut, key, index);
      leftOut.set(key, [...(leftOut.get(key) ?? []), original].sort((a, b) => a - b));
      refused.push({ list, index: original, raw: items[index], keys });
      items.splice(index, 1);
    }
  }
  if (accepted === undefined) return null;
  const value = accepted;

  const readable = refused
    .map((entry) => ({ entry, value: readablePart(schema, entry) }))
    .filter((r): r is { entry: RefusedEntry; value: object } => r.value !== null);
  const problems: ConfigProblem[] = [];
  for (const check of checks) {
    // A check that reads a refused key is run again without that entry, until it runs through.
    const skipped = new Set<RefusedEntry>();
    for (let tries = 0; tries <= readable.length; tries++) {
      const present = readable.filter((r) => !skipped.has(r.entry));
      const putBack = withEntries(value, leftOut, present);
      try {
        const findings = check(value);
        problems.push(
          ...locatedProblems(findings, text, file, (path) => pathInFile(putBack.leftOut, path), (message) =>
            textInFile(putBack.leftOut, message),
          ),
        );
        break;
      } catch (thrown) {
        if (!(thrown instanceof UnreadableEntry)) throw thrown;
        skipped.add(thrown.entry);
      } finally {
        putBack.undo();
      }
    }
  }
  return problems;
}

/**
 * `present` put back into `value` at their places in the file, first place first, so each index is its
 * index in the file less the entries before it still left out; with what is then left out, and a way back.
 */
function withEntries(
  value: unknown,
  leftOut: ReadonlyMap<string, readonly number[]>,
  present: readonly { entry: RefusedEntry; value: object }[],
): { leftOut: Map<string, number[]>; undo: () => void } {
  const now = new Map([...leftOut].map(([list, gone]) => [list, [...gone]]));
  const placed: { items: unknown[]; item: object }[] = [];
  for (const { entry, value: item } of [...present].sort((a, b) => a.entry.index - b.entry.index)) {
    const items = valueAt(value, entry.list);
    if (!Array.isArray(items)) continue;
    const key = JSON.stringify(entry.list);
    const gone = now.get(key) ?? [];
    items.splice(entry.index - gone.filter((g) => g < entry.index).length, 0, item);
    now.set(key, gone.filter((g) => g !== entry.index));
    placed.push({ items, item });
  }
  return {
    leftOut: now,
    undo: () => {
      for (const { items, item } of placed) items.splice(items.indexOf(item), 1);
    },
  };
}

/** The index in the file of the `index`th entry left in `list` (JSON of its path). */
function inFile(leftOut: ReadonlyMap<string, readonly number[]>, list: string, index: number): number {
  let i = index;
  for (const g of leftOut.get(list) ?? []) if (g <= i) i++;
  return i;
}

function pathInFile(leftOut: ReadonlyMap<string, readonly number[]>, path: readonly (string | number)[]): Path {
  const out = [...path];
  const at = out.findIndex((p) => typeof p === "number");
  if (at >= 0) out[at] = inFile(leftOut, JSON.stringify(out.slice(0, at)), out[at] as number);
  return out;
}

/** A message with the entries it names (`already used by rules[0]`) as the file numbers them. */
function textInFile(leftOut: ReadonlyMap<string, readonly number[]>, message: string): string {
  let text = message;
  for (const list of leftOut.keys()) {
    const name = keyPath(JSON.parse(list) as Path).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    text = text.replace(new RegExp(`(?<![\\w.-])${name}\\[(\\d+)\\]`, "g"), (whole, index: string) =>
      whole.replace(`[${index}]`, `[${inFile(leftOut, list, Number(index))}]`),
    );
  }
  return text;
}

/**
 * A refused entry as its list's entry schema reads it key by key: each key the schema accepts on its own
 * as the schema gives it (defaults and all), each refused key a getter that throws UnreadableEntry. Null
 * when the entry was refused as a whole (no mapping, a rule across its keys) or its schema is no object.
 */
function readablePart(schema: ZodType, entry: RefusedEntry): object | null {
  if (entry.keys === null || entry.raw === null || typeof entry.raw !== "object" || Array.isArray(entry.raw)) return null;
  const shape = objectShape(entrySchema(schema, entry.list));
  if (!shape) return null;
  const raw = entry.raw as Record<string, unknown>;
  const value: Record<string, unknown> = {};
  for (const [key, keySchema] of Object.entries(shape)) {
    const read = entry.keys.has(key) ? null : keySchema.safeParse(raw[key]);
    if (read?.success) {
      if (read.data !== undefined) value[key] = read.data;
    } else {
      Object.defineProperty(value, key, {
        enumerable: true,
        get: () => {
          throw new UnreadableEntry(entry);
        },
      });
    }
  }
  return value;
}

/** The schema of an entry of the list at `list`, through objects, records, defaults and optionals. */
function entrySchema(schema: ZodType, list: Path): ZodType | null {
  let at: ZodType | null = unwrapped(schema);
  for (const step of list) {
    if (!at) return null;
    const def: Record<string, unknown> = defOf(at);
    if (def.type === "object") at = (def.shape as Record<string, ZodType>)[String(step)] ?? null;
    else if (def.type === "record") at = def.valueType as ZodType;
    else return null;
    at = at ? unwrapped(at) : null;
  }
  const kind: Record<string, unknown> | null = at ? defOf(at) : null;
  return kind?.type === "array" ? unwrapped(kind.element as ZodType) : null;
}

function objectShape(schema: ZodType | null): Record<string, ZodType> | null {
  const def = schema ? defOf(schema) : null;
  return def?.type === "object" ? (def.shape as Record<string, ZodType>) : null;
}

/** `schema` without the optional, default and pipe wrappers that do not change what a list or object holds. */
function unwrapped(schema: ZodType): ZodType {
  let at = schema;
  for (;;) {
    const def: Record<string, unknown> = defOf(at);
    if (def.type === "optional" || def.type === "default" || def.type === "prefault" || def.type === "nullable" || def.type === "readonly") at = def.innerType as ZodType;
    else if (def.type === "pipe") at = def.in as ZodType;
    else return at;
  }
}

/** Zod's own description of a schema (its kind and parts), which its public types do not show. */
function defOf(schema: ZodType): Record<string, unknown> {
  return (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let value = data;
  for (const step of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}
