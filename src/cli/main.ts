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
import { releaseStop } from "./stop-request.js";
import { UsageError } from "./usage-error.js";

/**
 * The program for the words `argv` names (`namesAsked`): every command is listed, and the one being run
 * (or asked for help) is defined in full from its own module; only that module and what it imports are
 * loaded (command-list.ts).
 */
async function buildProgram(io: CommandIo, names: readonly string[] | undefined): Promise<Command> {
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
  const wanted = commandAsked(names);
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
 * The command the words run or ask help for (`leadloop help <command>`); null when they name none
 * (`--help`, `--version`, a mistyped name), undefined when the arguments cannot be told apart without the
 * commands' own options, which are then all defined.
 */
function commandAsked(names: readonly string[] | undefined): CommandEntry | null | undefined {
  if (names === undefined) return undefined;
  const asked = names[0] === "help" ? names[1] : names[0];
  return asked === undefined ? null : (COMMANDS.find((c) => commandName(c) === asked) ?? null);
}

/**
 * The words before the first option a command defines (`errors`, `list`), read past the global options by
 * commander itself; undefined when the arguments cannot be told apart without the commands' own options.
 */
function namesAsked(argv: readonly string[]): string[] | undefined {
  const probe = withGlobalOptions(new Command("leadloop")).helpOption(false).allowUnknownOption().exitOverride();
  probe.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  let parsed: { operands: string[]; unknown: string[] };
  try {
    // The help option is read apart (helpArguments): unknown to the probe, it would hide the words after
    // it, so `leadloop --help report` would name no command.
    parsed = probe.parseOptions(argv.slice(2).filter((_, i) => !isHelpOption(argv, i + 2)));
  } catch {
    return undefined;
  }
  if (parsed.operands.length > 0) return parsed.operands;
  // Commander leaves what follows an option it does not know unread: a word there may be the command.
  return parsed.unknown.some((arg) => !arg.startsWith("-")) ? undefined : [];
}

/** The global options that take a value: the word after one is that value, never a command's name. */
const VALUED_GLOBALS = new Set(["-c", "--config", "--log-level"]);

/** Whether `argv[i]` asks for help (`--help`, `-h`), rather than being the value of a global option. */
function isHelpOption(argv: readonly string[], i: number): boolean {
  return i >= 2 && (argv[i] === "--help" || argv[i] === "-h") && !VALUED_GLOBALS.has(argv[i - 1] ?? "");
}

/**
 * The arguments commander is given for help, at any depth. Commander's `help` takes one name, so
 * `leadloop help report funnel` is read as `report funnel --help`; the help option is put last, so
 * `leadloop --help report` is `report --help` too (commander reads it where it stands: the program's help).
 * Help asked of a name that does not exist (`leadloop runs --help`, `leadloop errors lst -h`, `leadloop
 * help runs`) would print the nearest parent's help and exit 0, as if all were well: without the help
 * option or word, commander says the name is unknown (suggesting a near one) and the exit is 2. After the
 * help word every word names a command, so one past a command without subcommands (`leadloop help errors
 * list extra`) is unknown as well, not an argument to run it with. `program` holds the asked command in full.
 */
function helpArguments(program: Command, argv: readonly string[], operands: readonly string[] | undefined): readonly string[] {
  if (!operands) return argv;
  const helpWord = operands[0] === "help" && operands.length > 1;
  const helpOption = argv.some((_, i) => isHelpOption(argv, i));
  const at = helpWord ? argv.findIndex((arg, i) => i >= 2 && arg === "help" && !VALUED_GLOBALS.has(argv[i - 1] ?? "")) : -1;
  const withoutHelp = argv.filter((_, i) => i !== at && !isHelpOption(argv, i));
  let parent = program;
  for (const name of helpWord ? operands.slice(1) : operands) {
    if (parent.commands.length === 0) {
      if (!helpWord) break; // with the help option, the rest are the command's own arguments
      // Throws commander's usage error (exit 2), worded as its unknown-command one.
      parent.error(`error: unknown command '${name}' ('${commandPath(parent)}' has no subcommands)`, {
        code: "commander.unknownCommand",
      });
    }
    const sub = parent.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!sub) return withoutHelp;
    parent = sub;
  }
  if (helpOption && parent !== program && parent.commands.length === 0) refuseExcessArguments(parent, withoutHelp);
  return helpWord || helpOption ? [...withoutHelp, "--help"] : argv;
}

/**
 * With the help option, more operands than `command` takes (`leadloop errors list extra --help`) are the
 * usage error they are without it (commander's own wording, exit 2), where commander printed the help
 * and exited 0. `argv` is without the help option; the command's own options are read as it reads them
 * (a value after an option that takes one is no operand), the global options and their values left out.
 */
function refuseExcessArguments(command: Command, argv: readonly string[]): void {
  if (command.registeredArguments.some((a) => a.variadic)) return;
  const words: string[] = [];
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUED_GLOBALS.has(arg)) i++;
    else if (![...VALUED_GLOBALS].some((g) => g.startsWith("--") && arg.startsWith(`${g}=`))) words.push(arg);
  }
  // The words name the command first (`errors`, `list`), then its own operands.
  const depth = commandPath(command).split(" ").length;
  const given = command.parseOptions(words).operands.slice(depth);
  if (given.length <= command.registeredArguments.length) return;
  const expected = command.registeredArguments.length;
  command.error(
    `error: too many arguments for '${command.name()}'. Expected ${expected} argument${expected === 1 ? "" : "s"} but got ${given.length}.`,
    { code: "commander.excessArguments" },
  );
}

/** `errors list` for that subcommand: its names from below the program down. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Runs the CLI and resolves to the exit status; never calls process.exit itself. */
export async function main(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  // The listed command whose action ran, if any: a failure is said as that command's (classifyFailure).
  let running: CommandEntry | undefined;
  try {
    // The words are read once: they choose the command module to load and the help to print.
    const names = namesAsked(argv);
    const program = await buildProgram(io, names);
    program.hook("preAction", (_program, action) => {
      let top = action;
      while (top.parent && top.parent !== program) top = top.parent;
      running = COMMANDS.find((c) => commandName(c) === top.name());
      // A command that does not stop after the batch in hand lets the stop signals end it, as by default.
      if (!running?.takesStop) releaseStop();
    });
    await program.parseAsync([...helpArguments(program, argv, names)]);
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
    const failure = classifyFailure(err, { runsSync: running?.runsSync === true });
    io.stderr.write(`leadloop: ${failure.message}\n`);
    return failure.exitCode;
  } finally {
    // No command took the stop request (help, a usage error): a stop that came meanwhile ends the process.
    releaseStop();
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
