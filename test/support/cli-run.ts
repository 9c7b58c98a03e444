// Runs the `leadloop` CLI in-process with captured stdout and stderr, as a shell would see it.
import { Readable, Writable } from "node:stream";
import { main } from "../../src/cli/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a person types: the text on stdin, and whether stdin is a terminal. */
export interface CliInput {
  text: string;
  terminal: boolean;
}

export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: CliInput,
  options: { now?: () => Date } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const stdin = input ? Object.assign(Readable.from([input.text]), { isTTY: input.terminal }) : undefined;
  const code = await main(["node", "leadloop", ...args], {
    stdin,
    stdout: sink((s) => {
      stdout += s;
    }),
    stderr: sink((s) => {
      stderr += s;
    }),
    env: { TZ: "UTC", ...env },
    now: options.now,
    outcome: { exitCode: 0 },
  });
  return { code, stdout, stderr };
}
