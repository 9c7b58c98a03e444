// A file leadloop.yaml names (mappings, qualification, routing, SLA) that is not there is said where the
// admin fixes it: at the leadloop.yaml line and key that named it, with the path that key resolved to
// (relative paths resolve against leadloop.yaml's folder, README "Configuration"), where it was only the
// resolved path and "file not found", which left the admin to find which key, in which file, named it.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCli } from "../support/cli-run.js";

const example = new URL("../../config/leadloop.example.yaml", import.meta.url).pathname;
const shipped = dirname(example);

interface Problem {
  source: string;
  line: number;
  key: string;
  message: string;
}

/**
 * The example leadloop.yaml in a folder of its own with the shipped files beside it, `edits` applied; the
 * systems at a closed loopback port, though a configuration error stops each command before any call.
 */
function configWith(edits: [from: RegExp, to: string][]) {
  const dir = mkdtempSync(join(tmpdir(), "leadloop-named-file-"));
  for (const name of ["qualification.yaml", "routing.yaml", "sla.yaml"]) copyFileSync(join(shipped, name), join(dir, name));
  let text = readFileSync(example, "utf8")
    .replace(/^mappings: .*$/m, `mappings: ${join(shipped, "..", "mappings")}`)
    .replace(/^ {2}path: .*$/m, "  path: ./state.db")
    .replace(/^ {2}instanceUrl: .*$/m, "  instanceUrl: http://127.0.0.1:9")
    .replace(/^ {2}# baseUrl: .*$/m, "  baseUrl: http://127.0.0.1:9");
  for (const [from, to] of edits) {
    expect(text).toMatch(from);
    text = text.replace(from, to);
  }
  const config = join(dir, "leadloop.yaml");
  writeFileSync(config, text);
  const lineOf = (key: string) => text.split("\n").findIndex((l) => l.startsWith(`${key}:`)) + 1;
  return { dir, config, lineOf };
}

describe("a file leadloop.yaml names that is not there", () => {
  it("is named at the leadloop.yaml line and key that name it, with the path resolved, by validate and sync alike", async () => {
    const { dir, config, lineOf } = configWith([[/^qualification: .*$/m, "qualification: ./qualificaton.yaml"]]);
    const problem = `${config}:${lineOf("qualification")}:1: qualification: file not found: ${join(dir, "qualificaton.yaml")} (./qualificaton.yaml)`;

    const validate = await runCli(["validate", "--json", "--config", config]);
    expect(validate.code).toBe(2);
    expect((JSON.parse(validate.stdout) as { problems: Problem[] }).problems.map((p) => [p.source, p.line, p.key, p.message])).toEqual([
      [config, lineOf("qualification"), "qualification", `file not found: ${join(dir, "qualificaton.yaml")} (./qualificaton.yaml)`],
    ]);
    expect(validate.stderr).toContain(problem);

    const sync = await runCli(["--log-level", "error", "sync", "--json", "--config", config]);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain(`leadloop: configuration error\n${problem}\n`);
    expect(JSON.parse(sync.stdout)).toMatchObject({ runId: null, status: "failed", failure: problem });
  });

  it("names the mappings key for a folder that is not there, and the default a key left out stands for", async () => {
    const { dir, config, lineOf } = configWith([
      [/^mappings: .*$/m, "mappings: ./mapings"],
      // No routing key: the default ./config/routing.yaml, which this folder does not have.
      [/^routing: .*\n/m, ""],
    ]);
    expect(existsSync(join(dir, "config", "routing.yaml"))).toBe(false);

    const validate = await runCli(["validate", "--json", "--config", config]);

    expect(validate.code).toBe(2);
    expect((JSON.parse(validate.stdout) as { problems: Problem[] }).problems.map((p) => [p.source, p.line, p.key, p.message])).toEqual([
      [config, lineOf("mappings"), "mappings", `mappings folder not found: ${join(dir, "mapings")} (./mapings)`],
      [config, 0, "routing", `file not found: ${join(dir, "config", "routing.yaml")} (the default ./config/routing.yaml, as the file sets no routing)`],
    ]);
  });

  it.each(["qualification", "routing", "sla"])("stops sync at a missing %s file before it makes a store: exit 2, no store file", async (key) => {
    const { dir, config } = configWith([[new RegExp(`^${key}: .*$`, "m"), `${key}: ./missing-${key}.yaml`]]);

    const sync = await runCli(["--log-level", "error", "sync", "--json", "--config", config]);

    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain(`${key}: file not found: ${join(dir, `missing-${key}.yaml`)}`);
    // A configuration error leaves the folder as it found it: no state.db (nor its -wal, -shm) to mistake
    // for a store a later run could take as its own.
    expect(readdirSync(dir).filter((f) => f.startsWith("state.db"))).toEqual([]);
  });
});
