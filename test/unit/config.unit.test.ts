import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { problemsOf } from "../support/config-problems.js";
import { parseDuration } from "../../src/config/duration.js";
import { loadConfig } from "../../src/config/load-config.js";

const example = readFileSync(new URL("../../config/leadloop.example.yaml", import.meta.url), "utf8");

function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "leadloop-config-"));
  const file = join(dir, "leadloop.yaml");
  writeFileSync(file, text);
  return file;
}


describe("loadConfig", () => {
  it("accepts the shipped example and resolves its paths against the file's folder", () => {
    const file = writeConfig(example);
    const { config } = loadConfig(file, {});
    expect(config.crm).toBe("salesforce");
    expect(config.salesforce?.apiVersion).toBe("62.0");
    expect(config.hubspot.baseUrl).toBe("https://api.hubapi.com");
    expect(config.schedule.every).toBe(5 * 60_000);
    expect(config.qualification).toBe(join(file, "..", "qualification.yaml"));
    expect(config.store.path).toBe(join(file, "..", "..", ".leadloop", "state.db"));
  });

  it("names the line, the key and a suggestion for a misspelt key", () => {
    const file = writeConfig(example.replace("  apiVersion:", "  apiVersoin:"));
    const problems = problemsOf(() => loadConfig(file, {}));
    const line = example.split("\n").findIndex((l) => l.startsWith("  apiVersion:")) + 1;
    expect(problems).toEqual([
      expect.objectContaining({
        file,
        line,
        key: "salesforce.apiVersoin",
        message: 'unknown key (did you mean "apiVersion"?)',
      }),
    ]);
  });

  it("names the line and key of a wrong type, and of a missing section", () => {
    const file = writeConfig("hubspot:\n  accessToken: 12345\ncrm: hubspot\nschedule:\n  every: 5 minutes\n");
    const problems = problemsOf(() => loadConfig(file, {}));
    expect(problems.map((p) => [p.line, p.key])).toEqual([
      [2, "hubspot.accessToken"],
      [5, "schedule.every"],
    ]);
    expect(problems[1]?.message).toContain('"5 minutes" is not a duration');

    const noCrm = writeConfig("hubspot:\n  accessToken: abc\ncrm: salesforce\n");
    expect(problemsOf(() => loadConfig(noCrm, {}))).toEqual([
      expect.objectContaining({ line: 1, key: "salesforce", message: "required when crm is salesforce" }),
    ]);
  });

  it("reads sync.retryPatience as a duration, five minutes unless given, and names its line when wrong", () => {
    expect(loadConfig(writeConfig(example), {}).config.sync.retryPatience).toBe(5 * 60_000);
    const base = "hubspot:\n  accessToken: abc\ncrm: hubspot\n";
    expect(loadConfig(writeConfig(base), {}).config.sync.retryPatience).toBe(300_000);
    const short = writeConfig(`${base}sync:\n  include: all\n  retryPatience: 1m30s\n`);
    expect(loadConfig(short, {}).config.sync.retryPatience).toBe(90_000);

    const file = writeConfig(`${base}sync:\n  include: all\n  retryPatience: a while\n`);
    expect(problemsOf(() => loadConfig(file, {}))).toEqual([
      expect.objectContaining({
        file,
        line: 6,
        key: "sync.retryPatience",
        message: expect.stringContaining('"a while" is not a duration'),
      }),
    ]);
  });

  it("interpolates ${VAR} and ${VAR:-default}, and reports an unset variable with its line", () => {
    const text =
      "hubspot:\n  accessToken: ${HS_TOKEN}\n  baseUrl: ${HS_URL:-http://127.0.0.1:9}\ncrm: hubspot\n" +
      "store:\n  path: ${STORE_PATH:-./state.db}\n";
    const { config, secrets } = loadConfig(writeConfig(text), {
      HS_TOKEN: "pat-na1-5f1c9a7e-$ecret&",
      STORE_PATH: "/var/lib/leadloop/données/état.db",
    });
    expect(config.hubspot.accessToken).toBe("pat-na1-5f1c9a7e-$ecret&");
    expect(config.hubspot.baseUrl).toBe("http://127.0.0.1:9");
    expect(config.store.path).toBe("/var/lib/leadloop/données/état.db");
    expect(secrets).toContain("pat-na1-5f1c9a7e-$ecret&");

    const problems = problemsOf(() => loadConfig(writeConfig(text), {}));
    expect(problems).toEqual([
      expect.objectContaining({
        line: 2,
        key: "hubspot.accessToken",
        message: "environment variable HS_TOKEN is not set",
      }),
    ]);
  });

  it("never repeats a secret value in an error message", () => {
    const file = writeConfig(
      "hubspot:\n  accessToken: pat-na1-super-secret-value\nsalesforce:\n  instanceUrl: not a url\n  accessToken: 00Dxx!SECRET\n",
    );
    const err = (() => {
      try {
        loadConfig(file, {});
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected an error");
    })();
    expect(err.message).toContain("salesforce.instanceUrl");
    expect(err.message).not.toContain("super-secret");
    expect(err.message).not.toContain("SECRET");
  });

  it("requires salesforce credentials in one form only", () => {
    const file = writeConfig(
      "hubspot: { accessToken: t }\nsalesforce:\n  instanceUrl: https://acme.my.salesforce.com\n",
    );
    expect(problemsOf(() => loadConfig(file, {}))).toEqual([
      expect.objectContaining({ key: "salesforce.accessToken", message: "give accessToken or oauth" }),
    ]);
  });

  it("reads salesforce.lookback as a duration, allows 0s to turn it off, and names a bad one", () => {
    const salesforce =
      "hubspot: { accessToken: t }\nsalesforce:\n  instanceUrl: https://acme.my.salesforce.com\n  accessToken: t\n";
    const lookback = (text: string) =>
      loadConfig(writeConfig(`${salesforce}  lookback: ${text}\n`), {}).config;
    expect(lookback("2m").salesforce?.lookback).toBe(120_000);
    expect(lookback("0s").salesforce?.lookback).toBe(0);
    expect(loadConfig(writeConfig(salesforce), {}).config.salesforce?.lookback).toBeUndefined();
    const problems = problemsOf(() => lookback("a while"));
    expect(problems).toEqual([
      expect.objectContaining({
        line: 5,
        key: "salesforce.lookback",
        message: expect.stringContaining('"a while" is not a duration'),
      }),
    ]);
  });

  it("requires daemon.token when the daemon binds beyond loopback, naming the file and key", () => {
    const onLan = writeConfig(example.replace("daemon:\n", "daemon:\n  host: 0.0.0.0\n"));
    expect(problemsOf(() => loadConfig(onLan, {}))).toEqual([
      expect.objectContaining({
        file: onLan,
        key: "daemon.token",
        message: expect.stringContaining("required when daemon.host (0.0.0.0) is not a loopback address"),
      }),
    ]);
    const withToken = writeConfig(
      example.replace("daemon:\n", "daemon:\n  host: 0.0.0.0\n  token: ${CONSOLE_TOKEN}\n"),
    );
    const loaded = loadConfig(withToken, { CONSOLE_TOKEN: "s3cr3t-T0k3n-0123456789" });
    expect(loaded.config.daemon).toMatchObject({ host: "0.0.0.0", token: "s3cr3t-T0k3n-0123456789" });
    expect(loaded.secrets).toContain("s3cr3t-T0k3n-0123456789");
    // Prometheus sends it in a header, which cannot carry "ö": refused at load, not a 401 for ever.
    expect(problemsOf(() => loadConfig(withToken, { CONSOLE_TOKEN: "s3cr3t-Tökén-0123456789" }))).toEqual([
      expect.objectContaining({ key: "daemon.token", message: expect.stringContaining("at character 9") }),
    ]);
    for (const host of ["127.0.0.1", "localhost", "::1", "127.8.0.2"]) {
      const file = writeConfig(example.replace("daemon:\n", `daemon:\n  host: "${host}"\n`));
      expect(loadConfig(file, {}).config.daemon.token).toBeUndefined();
    }
    const short = writeConfig(example.replace("daemon:\n", "daemon:\n  token: abc\n"));
    expect(problemsOf(() => loadConfig(short, {}))).toEqual([
      expect.objectContaining({ key: "daemon.token", message: expect.stringContaining("at least 16 characters") }),
    ]);
  });

  it("reports YAML syntax errors with their line", () => {
    const file = writeConfig("hubspot:\n  accessToken: t\n  baseUrl: [unclosed\ncrm: salesforce\n");
    const problems = problemsOf(() => loadConfig(file, {}));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it("uses LEADLOOP_CONFIG when no flag is given and says when the file is missing", () => {
    const problems = problemsOf(() => loadConfig(undefined, { LEADLOOP_CONFIG: "/nonexistent/léad.yaml" }));
    expect(problems).toEqual([
      expect.objectContaining({ file: "/nonexistent/léad.yaml", message: "file not found" }),
    ]);
  });
});

describe("parseDuration", () => {
  it.each([
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["2d", 172_800_000],
    ["250ms", 250],
    [" 1.5h ", 5_400_000],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "5", "soon", "5 minutes", "m5"])("rejects %p", (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
