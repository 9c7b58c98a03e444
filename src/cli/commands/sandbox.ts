// `leadloop sandbox`: placeholder registration replaced once the emulators land.
import type { Command } from "commander";
import type { CommandIo } from "../context.js";

export function registerSandbox(_program: Command, _io: CommandIo): void {}
