// leadloop.yaml's `report` keys: defaults, the shipped example, and errors naming line and key.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load-config.js";
import { problemsOf } from "../support/config-problems.js";

const example = readFileSync(new URL("../../config/leadloop.example.yaml", import.meta.url), "utf8");
const withoutReport = example.slice(0, example.indexOf("\nreport:"));

function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "leadloop-report-config-")), "leadloop.yaml");
  writeFileSync(file, text);
  return file;
}

describe("report settings in leadloop.yaml", () => {
  it("reads the example's rate shift alert, targets and campaign types", () => {
    const { config } = loadConfig(writeConfig(example), {});
    expect(config.report).toEqual({
      rateShiftAlert: 0.1,
      targets: [
        { metric: "mqls", per: "quarter", value: 300 },
        { metric: "revenue", per: "quarter", value: 250_000 },
      ],
      campaignTypes: { "Webinaire Été 2026": "Webinar" },
    });
  });

  it("defaults to a ten-point alert, no targets and no campaign types", () => {
    const { config } = loadConfig(writeConfig(withoutReport), {});
    expect(config.report).toEqual({ rateShiftAlert: 0.1, targets: [], campaignTypes: {} });
  });

  it("names the line and key of an unknown target metric and of an alert given in percent", () => {
    const text = `${withoutReport}\nreport:\n  rateShiftAlert: 10\n  targets:\n    - { metric: leads, per: quarter, value: 3 }\n`;
    const file = writeConfig(text);
    const problems = problemsOf(() => loadConfig(file, {}));
    const lines = text.split("\n");
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: "report.rateShiftAlert", line: lines.indexOf("  rateShiftAlert: 10") + 1 }),
        expect.objectContaining({ key: "report.targets[0].metric", line: lines.indexOf("    - { metric: leads, per: quarter, value: 3 }") + 1 }),
      ]),
    );
  });
});
