// A logger at info, as `leadloop sync` runs by default, whose JSON lines a test reads back (a run's
// retry lines, its written counts), without a child process.
import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/log/logger.js";

export function infoLog(): { log: Logger; lines: () => Record<string, unknown>[] } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const log = createLogger({ level: "info", pretty: false, stream });
  return { log, lines: () => text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}
