// The problems of the ConfigError a call throws; fails the test when it throws nothing or something else.
import { ConfigError } from "../../src/config/config-error.js";

export function problemsOf(fn: () => unknown): ConfigError["problems"] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}
