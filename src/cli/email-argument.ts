// The command line's email arguments (`explain <email>`, `route <email>`, `requalify <email>`, `--owner
// <email>`), read one way: blanks around a pasted email are not part of it, and a word that is no email
// address is a usage error naming the argument (exit 2, README "Exit statuses"), not a person or rep the
// store does not know (exit 1), which would send an admin looking for someone who was never asked for.
import { type Command, InvalidArgumentError } from "commander";

/** One `@` between a name and a domain, no blanks inside: what every email HubSpot and Salesforce keep has. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

export function emailArgument(value: string): string {
  const email = value.trim();
  if (!EMAIL_SHAPE.test(email)) throw new InvalidArgumentError("expected an email address (name@domain)");
  return email;
}

/** `command` with its `<email>` operand (declared by its usage, command-list.ts) read by emailArgument. */
export function withEmailOperand(command: Command): Command {
  const operand = command.registeredArguments.find((a) => a.name() === "email");
  if (!operand) throw new Error(`leadloop ${command.name()} declares no <email> argument`);
  operand.argParser(emailArgument);
  return command;
}
