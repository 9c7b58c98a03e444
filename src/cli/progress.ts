// Progress a person can read while a run works, on stderr and only when stderr is a terminal (logs and
// scripts see nothing of it): one live line for the phase in hand; when the next phase starts, the
// finished one stays above as a line of its own with its totals and time. A log line never lands on the
// live line: the log stream clears it, writes the log line, and draws it again below.
import { Writable } from "node:stream";
import type { CommandIo } from "./context.js";

export interface ProgressEvent {
  /** The phase at work ("qualification", "hubspot contacts", "handoff"); "write" adds to the phase in hand. */
  phase: string;
  read: number;
  written: number;
}

export interface ProgressLine {
  update(event: ProgressEvent): void;
  /** Leaves the last phase's line finished; safe to call twice. */
  done(): void;
}

type Stderr = CommandIo["stderr"];

interface LivePhase {
  name: string;
  read: number;
  written: number;
  startedAt: number;
}

/** The live line drawn on each terminal stream, for the log stream to step around. */
const liveLines = new WeakMap<object, { clear(): void; redraw(): void }>();

const CLEAR = "\r\x1b[2K";
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function progressLine(io: CommandIo, enabled: boolean, clock: () => number = Date.now): ProgressLine {
  const out = io.stderr;
  if (!enabled || !out.isTTY) return { update: () => {}, done: () => {} };
  let phase: LivePhase | undefined;
  let drawn = false;
  let lastDraw = 0;
  let frame = 0;
  const text = (p: LivePhase) =>
    `${p.name}: ${p.read.toLocaleString("en-US")} read, ${p.written.toLocaleString("en-US")} written`;
  const draw = () => {
    if (!phase) return;
    out.write(`${CLEAR}${SPINNER[frame++ % SPINNER.length]} ${text(phase)}`);
    drawn = true;
    lastDraw = clock();
  };
  const clear = () => {
    if (drawn) out.write(CLEAR);
    drawn = false;
  };
  const finish = () => {
    if (!phase) return;
    const seconds = ((clock() - phase.startedAt) / 1000).toFixed(1);
    out.write(`${CLEAR}✓ ${text(phase)} (${seconds} s)\n`);
    drawn = false;
    phase = undefined;
  };
  liveLines.set(out, { clear, redraw: draw });
  return {
    update(event) {
      const name = event.phase === "write" ? (phase?.name ?? "write") : event.phase;
      if (phase?.name !== name) {
        finish();
        phase = { name, read: 0, written: 0, startedAt: clock() };
        phase.read += event.read;
        phase.written += event.written;
        draw();
        return;
      }
      phase.read += event.read;
      phase.written += event.written;
      // A terminal need not redraw faster than the eye reads.
      if (clock() - lastDraw >= 100) draw();
    },
    done() {
      finish();
      if (liveLines.get(out)?.clear === clear) liveLines.delete(out);
    },
  };
}

/**
 * The stream logs are written to: `stderr` itself, which first clears a live progress line and draws it
 * again after the log line, so the two never share a line.
 */
export function logStream(stderr: Stderr): Stderr {
  if (!stderr.isTTY) return stderr;
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      const live = liveLines.get(stderr);
      live?.clear();
      const text = String(chunk);
      stderr.write(text.endsWith("\n") ? text : `${text}\n`);
      live?.redraw();
      callback();
    },
  });
  return Object.assign(stream, { isTTY: true });
}
