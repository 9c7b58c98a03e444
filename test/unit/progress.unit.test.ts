// The progress display a person watches on a terminal: one live line for the phase in hand, each finished
// phase left above with its totals, and log lines that never share a line with the live one.
import { Writable } from "node:stream";
import type { CommandIo } from "../../src/cli/context.js";
import { makeLogger } from "../../src/cli/context.js";
import { progressLine } from "../../src/cli/progress.js";

/** A stderr that says it is a terminal and keeps every byte written to it. */
function terminal(isTTY = true): { io: CommandIo; raw: () => string } {
  let raw = "";
  const stderr = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        raw += String(chunk);
        done();
      },
    }),
    { isTTY },
  );
  const io: CommandIo = { stderr, stdout: stderr, env: {}, outcome: { exitCode: 0 } };
  return { io, raw: () => raw };
}

/** What the screen shows: carriage return goes to the line's start, ESC[2K blanks it, \n ends it. */
function screen(raw: string): string[] {
  const lines: string[] = [""];
  const ESC = String.fromCharCode(27);
  for (const part of raw.split(new RegExp(`(\r|${ESC}\\[2K|\n)`))) {
    if (part === "\r" || part === "") continue;
    if (part === "\x1b[2K") lines[lines.length - 1] = "";
    else if (part === "\n") lines.push("");
    else lines[lines.length - 1] += part;
  }
  return lines;
}

test("each phase keeps a line of its own with its totals; writes count under the phase in hand", () => {
  const { io, raw } = terminal();
  let now = 0;
  const progress = progressLine(io, true, () => now);
  progress.update({ phase: "qualification", read: 0, written: 0 });
  now += 400;
  progress.update({ phase: "hubspot contacts", read: 0, written: 0 });
  progress.update({ phase: "hubspot contacts", read: 200, written: 0 });
  progress.update({ phase: "write", read: 0, written: 150 });
  now += 200;
  progress.update({ phase: "hubspot contacts", read: 1_050, written: 0 });
  progress.update({ phase: "write", read: 0, written: 1_000 });
  now += 1_300;
  progress.update({ phase: "salesforce Lead", read: 12, written: 0 });
  expect(screen(raw()).at(-1)).toMatch(/^. salesforce Lead: 12 read, 0 written$/);
  now += 100;
  progress.done();
  progress.done();
  expect(screen(raw())).toEqual([
    "✓ qualification: 0 read, 0 written (0.4 s)",
    "✓ hubspot contacts: 1,250 read, 1,150 written (1.5 s)",
    "✓ salesforce Lead: 12 read, 0 written (0.1 s)",
    "",
  ]);
});

test("a log line clears the live line, stands on its own line, and the live line comes back below it", () => {
  const { io, raw } = terminal();
  const log = makeLogger(io, "info");
  const progress = progressLine(io, true, () => 0);
  progress.update({ phase: "handoff", read: 0, written: 0 });
  log.warn("handoff.unroutable", { personId: "901", reason: "no rep for Åsa Öberg <asa@örebro.se>" });
  const shown = screen(raw());
  expect(shown).toHaveLength(2);
  expect(shown[0]).toMatch(/warn.* handoff\.unroutable personId=901 reason=no rep for Åsa Öberg/);
  expect(shown[0]).not.toContain("written");
  expect(shown[1]).toMatch(/^. handoff: 0 read, 0 written$/);
  progress.done();
  log.info("run.finished", { status: "succeeded" });
  const after = screen(raw());
  expect(after[1]).toBe("✓ handoff: 0 read, 0 written (0.0 s)");
  expect(after[2]).toMatch(/info.* run\.finished status=succeeded$/);
});

test("nothing is drawn when stderr is not a terminal or the output is JSON", () => {
  const piped = terminal(false);
  const quiet = progressLine(piped.io, true);
  quiet.update({ phase: "hubspot contacts", read: 5, written: 0 });
  quiet.done();
  expect(piped.raw()).toBe("");
  const json = terminal();
  const off = progressLine(json.io, false);
  off.update({ phase: "hubspot contacts", read: 5, written: 0 });
  off.done();
  expect(json.raw()).toBe("");
});
