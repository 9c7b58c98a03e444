// A mapping's date pattern is UTC wall-clock time whatever the server's time zone (core/transforms/date.ts):
// on a server in a zone with summer time, the hours its clocks skip or repeat (Paris on 28 March and
// 31 October 2027, New York on 14 March and 7 November) are UTC hours like any other, read and written as
// they stand. The test's own process runs in UTC, so the built transforms (`npm run build` first) run in a
// node process started in the zone, as leadloop runs on such a server.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

/** A form's "Date de rendez-vous" as the marketing side holds it, and the instant the CRM holds. */
const STAMPS = [
  ["28/03/2027 02:30", "2027-03-28T02:30:00.000Z"],
  ["14/03/2027 02:30", "2027-03-14T02:30:00.000Z"],
  ["31/10/2027 02:30", "2027-10-31T02:30:00.000Z"],
  ["07/11/2027 01:30", "2027-11-07T01:30:00.000Z"],
  ["31/12/2027 23:55", "2027-12-31T23:55:00.000Z"],
] as const;

const CONVERT = `
  const { applyToCrm, applyToMarketing } = await import(${JSON.stringify(`${DIST}core/transforms/apply.js`)});
  const field = {
    marketing: "date_de_rendez_vous",
    crm: "Rendez_vous__c",
    direction: "both",
    conflict: "most_recent",
    transforms: [{ kind: "date", marketing: { pattern: "dd/MM/yyyy HH:mm" }, crm: "datetime" }],
  };
  const stamps = ${JSON.stringify(STAMPS)};
  console.log(JSON.stringify({
    // The zone's own offsets on its spring-forward day: proof the process runs in the zone.
    offsets: [new Date(2027, 2, 1).getTimezoneOffset(), new Date(2027, 6, 1).getTimezoneOffset()],
    toCrm: stamps.map(([text]) => applyToCrm(field, text)),
    toMarketing: stamps.map(([, instant]) => applyToMarketing(field, instant)),
  }));
`;

describe.each([
  ["Europe/Paris", [-60, -120]],
  ["America/New_York", [300, 240]],
])("a date pattern on a server in %s", (zone, offsets) => {
  it("reads and writes the hours summer time skips or repeats as the UTC hours they are", () => {
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", CONVERT], {
      encoding: "utf8",
      env: { ...process.env, TZ: zone },
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const seen = JSON.parse(child.stdout.trim()) as { offsets: number[]; toCrm: unknown[]; toMarketing: unknown[] };
    expect(seen).toEqual({
      offsets,
      toCrm: STAMPS.map(([, instant]) => ({ ok: true, value: instant })),
      toMarketing: STAMPS.map(([text]) => ({ ok: true, value: text })),
    });
  }, 60_000);
});
