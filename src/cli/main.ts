// The `leadloop` command line: registers one file per command and turns errors into exit statuses.
// Results go to stdout, logs and progress to stderr.
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { ConfigError } from "../config/config-error.js";
import { LOG_LEVELS } from "../log/logger.js";
import { registerDaemon } from "./commands/daemon.js";
import { registerDigest } from "./commands/digest.js";
import { registerErrors } from "./commands/errors.js";
import { registerExplain } from "./commands/explain.js";
import { registerForecast } from "./commands/forecast.js";
import { registerHot } from "./commands/hot.js";
import { registerNearQualified } from "./commands/near-qualified.js";
import { registerReport } from "./commands/report.js";
import { registerRequalify } from "./commands/requalify.js";
import { registerRoute } from "./commands/route.js";
import { registerSandbox } from "./commands/sandbox.js";
import { registerSla } from "./commands/sla.js";
import { registerStore } from "./commands/store.js";
import { registerSync } from "./commands/sync.js";
import { registerUnlock } from "./commands/unlock.js";
import { registerValidate } from "./commands/validate.js";
import type { CommandIo } from "./context.js";
import { EXIT } from "./exit-codes.js";
import { classifyFailure } from "./failure.js";

export function buildProgram(io: CommandIo): Command {
  const program = new Command("leadloop")
    .description("Closed-loop lead sync between HubSpot marketing and your CRM (Salesforce or HubSpot CRM).")
    .version(packageVersion())
    .option("-c, --config <file>", "configuration file (default: $LEADLOOP_CONFIG or ./leadloop.yaml)")
    .addOption(new Option("--log-level <level>", "log detail on stderr").choices(LOG_LEVELS).default("info"))
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  registerSync(program, io);
  registerDaemon(program, io);
  registerErrors(program, io);
  registerUnlock(program, io);
  registerExplain(program, io);
  registerNearQualified(program, io);
  registerHot(program, io);
  registerSla(program, io);
  registerDigest(program, io);
  registerRoute(program, io);
  registerRequalify(program, io);
  registerReport(program, io);
  registerValidate(program, io);
  registerForecast(program, io);
  registerStore(program, io);
  registerSandbox(program, io);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and resolves to the exit status; never calls process.exit itself. */
export async function main(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return io.outcome.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage mistakes with 1, which we report as 2.
      return err.exitCode === 0 ? EXIT.ok : EXIT.config;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`leadloop: configuration error\n${err.message}\n`);
      return EXIT.config;
    }
    const failure = classifyFailure(err);
    io.stderr.write(`leadloop: ${failure.message}\n`);
    return failure.exitCode;
  }
}

function processIo(): CommandIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    outcome: { exitCode: EXIT.ok },
  };
}

/** The version in leadloop's own package.json (two levels up from src/cli and from dist/cli). */
function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
