// A one-line progress display on stderr while a run works, only when stderr is a terminal; logs and
// scripts see nothing of it.
import type { CommandIo } from "./context.js";

export interface ProgressLine {
  update(event: { phase: string; read: number; written: number }): void;
  done(): void;
}

export function progressLine(io: CommandIo, enabled: boolean): ProgressLine {
  if (!enabled || !io.stderr.isTTY) return { update: () => {}, done: () => {} };
  let read = 0;
  let written = 0;
  let last = 0;
  return {
    update(event) {
      read += event.read;
      written += event.written;
      const t = Date.now();
      if (t - last < 100) return; // a terminal need not redraw faster than the eye reads
      last = t;
      io.stderr.write(`\r\x1b[2K${event.phase}: ${read} read, ${written} written`);
    },
    done() {
      if (last > 0) io.stderr.write("\r\x1b[2K");
    },
  };
}
