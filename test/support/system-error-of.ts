// The SystemError a call ends with, for tests that assert how a failure reads: anything else it throws is
// passed on, and a call that succeeds fails the test.
import { SystemError } from "../../src/sync/system-error.js";

export async function thrown(promise: Promise<unknown>): Promise<SystemError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SystemError) return err;
    throw err;
  }
  throw new Error("expected a SystemError");
}
