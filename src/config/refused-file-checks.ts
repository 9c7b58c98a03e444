// A file the schema refused still gets the checks a schema cannot make (a routing rule naming a queue that
// does not exist, a rule id used twice, a field mapped twice) on the entries the schema accepted: an admin
// fixing the files learns every problem in one `validate`, not a new batch after each fix. The schema's
// refusals are left out first (a list entry it refused, a key it does not know), so no check reads a value
// the schema did not accept, and each finding is put back at its entry's place in the file.
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
 * `text` read by `schema` (parseYamlText); refused, with what `check` finds in the entries the schema
 * accepted (`withChecksOfTheRest`). The caller runs its checks on a file the schema took whole.
 */
export function parseWithChecks<S extends ZodType>(
  text: string,
  file: string,
  schema: S,
  check: (rest: z.output<S>) => readonly Finding[],
): z.output<S> {
  try {
    return parseYamlText(text, file, schema);
  } catch (err) {
    throw withChecksOfTheRest(err, text, file, schema, check);
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
    return { file, line: pos.line, column: pos.col, key: keyPath(inFile), message: messageInFile(message) };
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
  check: (rest: z.output<S>) => readonly Finding[],
): unknown {
  if (!(err instanceof ConfigError)) return err;
  const rest = acceptedPart(text, schema);
  if (!rest) return err;
  const found = locatedProblems(check(rest.value), text, file, rest.pathInFile, rest.textInFile);
  if (found.length === 0) return err;
  return new ConfigError([...err.problems, ...found].sort((a, b) => a.line - b.line || a.column - b.column));
}

/** Passes over the schema, each leaving out what the last refused: a file has fewer entries than this. */
const MAX_PASSES = 1_000;

/**
 * What `schema` accepts of `text`: the file without the list entries it refused (the outermost list entry
 * on a problem's path: a whole rule or mapped field, a queue's one member) and without the keys it does not
 * know, with the way from a path in that value back to the path in the file. Null when the YAML does not
 * parse, or a problem is on no list entry.
 */
function acceptedPart<S extends ZodType>(
  text: string,
  schema: S,
): {
  value: z.output<S>;
  pathInFile: (path: readonly (string | number)[]) => Path;
  /** A message with the entries it names (`already used by rules[0]`) as the file numbers them. */
  textInFile: (message: string) => string;
} | null {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return null;
  const data: unknown = doc.toJS() ?? {};
  // The indices, in the file, of the entries left out of each list, by the list's path (JSON). The list
  // whose entry is left out is the outermost on the path, so its own path is the same in the file.
  const leftOut = new Map<string, number[]>();
  const inFile = (list: string, index: number): number => {
    const gone = leftOut.get(list) ?? [];
    let i = index;
    for (const g of gone) if (g <= i) i++;
    return i;
  };
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const result = schema.safeParse(data);
    if (result.success) {
      return {
        value: result.data,
        pathInFile: (path) => {
          const out = [...path];
          const at = out.findIndex((p) => typeof p === "number");
          if (at >= 0) out[at] = inFile(JSON.stringify(out.slice(0, at)), out[at] as number);
          return out;
        },
        textInFile: (message) => {
          let text = message;
          for (const list of leftOut.keys()) {
            const name = keyPath(JSON.parse(list) as Path).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            text = text.replace(new RegExp(`(?<![\\w.-])${name}\\[(\\d+)\\]`, "g"), (whole, index: string) =>
              whole.replace(`[${index}]`, `[${inFile(list, Number(index))}]`),
            );
          }
          return text;
        },
      };
    }
    const entries = new Map<string, { list: Path; index: number }>();
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      if (issue.code === "unrecognized_keys") {
        const owner = valueAt(data, path);
        if (owner && typeof owner === "object") for (const key of issue.keys) delete (owner as Record<string, unknown>)[key];
        continue;
      }
      const at = path.findIndex((p) => typeof p === "number");
      if (at < 0) return null;
      const list = path.slice(0, at);
      entries.set(JSON.stringify(path.slice(0, at + 1)), { list, index: path[at] as number });
    }
    // Last entries first, so each index still names its entry.
    for (const { list, index } of [...entries.values()].sort((a, b) => b.index - a.index)) {
      const items = valueAt(data, list);
      if (!Array.isArray(items)) return null;
      const key = JSON.stringify(list);
      const original = inFile(key, index);
      leftOut.set(key, [...(leftOut.get(key) ?? []), original].sort((a, b) => a - b));
      items.splice(index, 1);
    }
  }
  return null;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let value = data;
  for (const step of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}
