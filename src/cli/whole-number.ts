// The command line's whole-number options, read one way: digits (`_` or `,` may group thousands), within
// the option's range. Anything else is a usage error naming the option (exit 2), never NaN passed on.
import { InvalidArgumentError } from "commander";

export function wholeNumber(min = 0, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  return (value) => {
    const digits = value.trim().replace(/(?<=\d)[_,](?=\d{3}(?:\D|$))/g, "");
    const n = /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number ${range}`);
    return n;
  };
}
