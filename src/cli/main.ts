// The `leadloop` command line: registers the commands of command-list.ts, each command's file loaded
// only when it runs, and turns errors into exit statuses. Results go to stdout, logs and progress to stderr.
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { ConfigError } from "../config/config-error.js";
import { LOG_LEVELS } from "../log/levels.js";
import { COMMANDS, commandName, type CommandEntry, declareEntry } from "./command-list.js";
import type { CommandIo } from "./context.js";
import { EXIT } from "./exit-codes.js";
import { classifyFailure } from "./failure.js";
import { quietWhenReaderLeaves } from "./closed-pipe.js";
import { UsageError } from "./usage-error.js";

/**
 * The program for `argv`: every command is listed, and the one being run (or asked for help) is defined
 * in full from its own module; only that module and what it imports are loaded (command-list.ts).
 */
export async function buildProgram(io: CommandIo, argv: readonly string[]): Promise<Command> {
  const program = withGlobalOptions(
    new Command("leadloop")
      .description("Closed-loop lead sync between HubSpot marketing and your CRM (Salesforce or HubSpot CRM).")
      .version(packageVersion()),
  )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  const wanted = commandAsked(argv);
  for (const entry of COMMANDS) {
    if (wanted === undefined || wanted === entry) (await entry.load())(program, io);
    else declareEntry(program, entry);
  }
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** The options every command takes, given before or after the command's name. */
function withGlobalOptions(program: Command): Command {
  return program
    .option("-c, --config <file>", "configuration file (default: $LEADLOOP_CONFIG or ./leadloop.yaml)")
    .addOption(new Option("--log-level <level>", "log detail on stderr").choices(LOG_LEVELS).default("info"));
}

/**
 * The command `argv` runs or asks help for (`leadloop help <command>`), read past the global options by
 * commander itself; null when it names none (`--help`, `--version`, a mistyped name), undefined when the
 * arguments cannot be told apart without the commands' own options, which are then all defined.
 */
function commandAsked(argv: readonly string[]): CommandEntry | null | undefined {
  const asked = nameAsked(argv);
  if (asked === undefined) return undefined;
  return asked === null ? null : (COMMANDS.find((c) => commandName(c) === asked) ?? null);
}

/**
 * The word where the command's name goes, read past the global options; null when there is none,
 * undefined when the arguments cannot be told apart without the commands' own options.
 */
function nameAsked(argv: readonly string[]): string | null | undefined {
  const probe = withGlobalOptions(new Command("leadloop")).helpOption(false).allowUnknownOption().exitOverride();
  probe.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  let parsed: { operands: string[]; unknown: string[] };
  try {
    parsed = probe.parseOptions(argv.slice(2));
  } catch {
    return undefined;
  }
  const [first, second] = parsed.operands;
  const name = first === "help" ? second : first;
  if (name !== undefined) return name;
  // Commander leaves what follows an option it does not know unread: a word there may be the command.
  return parsed.unknown.some((arg) => !arg.startsWith("-")) ? undefined : null;
}

/**
 * `leadloop runs --help`, a name that is no command with a help option: commander would print the
 * program's help and exit 0, as if all were well. Without the help option it says the command is
 * unknown (suggesting a near name) and the exit is 2.
 */
function helpOfUnknownCommand(argv: readonly string[]): readonly string[] {
  const asked = nameAsked(argv);
  if (typeof asked !== "string" || COMMANDS.some((c) => commandName(c) === asked)) return argv;
  return argv.filter((arg) => arg !== "--help" && arg !== "-h");
}

/** Runs the CLI and resolves to the exit status; never calls process.exit itself. */
export async function main(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  try {
    const args = helpOfUnknownCommand(argv);
    const program = await buildProgram(io, args);
    await program.parseAsync([...args]);
    return io.outcome.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage mistakes with 1, which we report as 2.
      return err.exitCode === 0 ? EXIT.ok : EXIT.config;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`leadloop: ${err.message}\n`);
      return EXIT.config;
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
  quietWhenReaderLeaves(process.stdout);
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
