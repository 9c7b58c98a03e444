// Loads mappings/*.yaml (and *.yml, *.json) into ObjectMappings: the schema check (mapping-schema.ts, via the shared YAML
// loader) and then the semantic checks a schema cannot express (a field mapped twice, transforms on a
// field that never moves, a value map that cannot be read backwards, objects that do not fit the pair).
// Problems of every file are gathered into one ConfigError, each with its file, line and key.
import { readdirSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { FieldMapping, ObjectMapping } from "../core/mapping.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { type MappingFile, mappingFileSchema, PAIR_OBJECTS } from "./mapping-schema.js";
import { type Check, type Finding, locatedProblems, parseWithChecks } from "./refused-file-checks.js";
import { unreadableFile } from "./named-files.js";
import { readConfigText, yamlLocator } from "./yaml-file.js";
import { fileProblem } from "../core/text/file-problem.js";

/**
 * The endings of mapping files. A `.yml` (or a mapping written as JSON, which is YAML too) is a mapping
 * as much as a `.yaml`: read only `.yaml`, an admin's `opportunity.yml` was skipped without a word and
 * `validate` said all was well. Other files (notes, backups) are left alone.
 */
export const MAPPING_FILE_ENDINGS = [".yaml", ".yml", ".json"] as const;

/** The mapping files in `dir`, sorted by name; throws as readdirSync does. */
export function mappingFileNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => MAPPING_FILE_ENDINGS.some((ending) => name.endsWith(ending)))
    .sort();
}

/** Reads every mapping file in `dir` (sorted by name) and throws one ConfigError listing all problems. */
export function loadMappings(dir: string): ObjectMapping[] {
  let names: string[];
  try {
    names = mappingFileNames(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "mappings folder not found" : code === "ENOTDIR" ? "it is a file, not a folder of mappings" : (fileProblem(err) ?? String(err));
    throw new ConfigError([unreadableFile(dir, reason)]);
  }
  if (names.length === 0) {
    throw new ConfigError([
      {
        file: dir,
        line: 0,
        column: 0,
        key: "",
        message: `no mapping files (${MAPPING_FILE_ENDINGS.map((e) => `*${e}`).join(", ")}) here`,
      },
    ]);
  }
  const problems: ConfigProblem[] = [];
  const mappings: ObjectMapping[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      mappings.push(parseMapping(readConfigText(file), file));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  problems.push(...duplicatePairs(mappings));
  if (problems.length > 0) throw new ConfigError(problems);
  return mappings;
}

/** Parses one mapping file's text; `file` names it in problems and gives the mapping its name. */
export function parseMapping(text: string, file: string): ObjectMapping {
  const parsed = parseWithChecks(text, file, mappingFileSchema, checks);
  const problems = locatedProblems(semanticProblems(parsed), text, file);
  if (problems.length > 0) throw new ConfigError(problems);
  const at = yamlLocator(text);
  return {
    name: basename(file, extname(file)),
    pair: parsed.pair,
    marketingObject: parsed.marketing.object,
    crmObject: parsed.crm.object,
    fields: parsed.fields.map(
      (f, i): FieldMapping => ({
        marketing: f.marketing,
        crm: f.crm,
        direction: f.direction,
        conflict: f.conflict,
        transforms: f.transforms,
        lines: { marketing: at(["fields", i, "marketing"]).line, crm: at(["fields", i, "crm"]).line },
      }),
    ),
    ...(parsed.match ? { match: parsed.match } : {}),
    ...(parsed.crm.externalId ? { crmExternalId: parsed.crm.externalId } : {}),
    ...(parsed.marketing.externalId ? { marketingExternalId: parsed.marketing.externalId } : {}),
    ...(parsed.crm.convertsTo ? { conversion: parsed.crm.convertsTo } : {}),
    source: file,
  };
}

/**
 * The checks a schema cannot make, one per part of a field they read, so a field the schema refused for
 * its conflict is still checked for being mapped twice.
 */
const checks: readonly Check<typeof mappingFileSchema>[] = [objectProblems, twiceMapped, transformProblems];

function semanticProblems(m: MappingFile): Finding[] {
  return checks.flatMap((check) => check(m));
}

function objectProblems(m: MappingFile): Finding[] {
  const findings: Finding[] = [];
  const fits = PAIR_OBJECTS[m.pair];
  if (!fits.marketing.includes(m.marketing.object)) {
    findings.push({
      path: ["marketing", "object"],
      message: `pair ${m.pair} needs marketing object ${fits.marketing.join(" or ")}, not "${m.marketing.object}"`,
    });
  }
  if (!fits.crm.includes(m.crm.object)) {
    // A HubSpot object on the CRM side passed this check once and failed only at the first sync, in
    // Salesforce ("sObject type 'contacts' is not supported"), with exit 1 and no file named.
    const hubspotCrm = Object.values(PAIR_OBJECTS).some((p) => p.marketing.includes(m.crm.object));
    findings.push({
      path: ["crm", "object"],
      message:
        `pair ${m.pair} needs crm object ${fits.crm.join(" or ")}, not "${m.crm.object}"` +
        (hubspotCrm
          ? ": mappings join HubSpot to Salesforce; with crm: hubspot the contact, company and deal are one record each and no mapping is read"
          : ""),
    });
  }
  return findings;
}

function twiceMapped(m: MappingFile): Finding[] {
  const findings: Finding[] = [];
  for (const side of ["marketing", "crm"] as const) {
    const first = new Map<string, number>();
    m.fields.forEach((f, i) => {
      const seen = first.get(f[side]);
      if (seen === undefined) first.set(f[side], i);
      else
        findings.push({
          path: ["fields", i, side],
          message: `${side} field ${f[side]} is already mapped in fields[${seen}]`,
        });
    });
  }
  return findings;
}

function transformProblems(m: MappingFile): Finding[] {
  const findings: Finding[] = [];
  m.fields.forEach((f, i) => {
    // A phone read in the record's country needs that country read too: only mapped fields are read.
    f.transforms.forEach((t, j) => {
      if (t.kind !== "phone_e164" || !t.countryField) return;
      for (const side of ["marketing", "crm"] as const) {
        if (m.fields.some((other) => other[side] === t.countryField![side])) continue;
        findings.push({
          path: ["fields", i, "transforms", j, "phone_e164", "countryField", side],
          message: `${side} field ${t.countryField[side]} is not mapped in this file, so leadloop never reads it; map it or remove countryField`,
        });
      }
    });
    if (f.direction === "none" && f.transforms.length > 0) {
      findings.push({
        path: ["fields", i, "transforms"],
        message:
          "direction none moves no value, so these transforms never run; remove them or set a direction",
      });
    }
    if (f.direction !== "both" && f.direction !== "to_marketing") return;
    f.transforms.forEach((t, j) => {
      if (t.kind !== "value_map") return;
      const key = t.caseInsensitive ? (v: string) => v.toLowerCase() : (v: string) => v;
      const from = new Map<string, string>();
      const pairs = [
        ...Object.entries(t.values),
        ...Object.entries(t.readBack ?? {}).map(([c, mk]) => [mk, c] as const),
      ];
      for (const [marketing, crm] of pairs) {
        const earlier = from.get(key(crm));
        if (earlier !== undefined && earlier !== marketing) {
          findings.push({
            path: ["fields", i, "transforms", j, "map", "values", marketing],
            message: `"${crm}" comes from both ${earlier} and ${marketing}, so read back towards marketing it is ambiguous; keep one, or set direction to_crm`,
          });
        } else from.set(key(crm), marketing);
      }
    });
  });
  return findings;
}

/** Two files joining the same two objects would fight over the same records. */
function duplicatePairs(mappings: readonly ObjectMapping[]): ConfigProblem[] {
  const seen = new Map<string, ObjectMapping>();
  const problems: ConfigProblem[] = [];
  for (const m of mappings) {
    const id = `${m.marketingObject}>${m.crmObject}`;
    const earlier = seen.get(id);
    if (earlier) {
      problems.push({
        file: m.source,
        line: 0,
        column: 0,
        key: "crm.object",
        message: `${m.marketingObject} ↔ ${m.crmObject} is already mapped in ${earlier.source}`,
      });
    } else seen.set(id, m);
  }
  return problems;
}

