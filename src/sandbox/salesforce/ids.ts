// Salesforce record Ids: a 3-character key prefix per object, and the 18-character case-insensitive form
// whose last three characters encode the case of the first fifteen (REST API Developer Guide, "Working
// with Record IDs"; the algorithm is the one documented for the CASESAFEID formula).

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/** The 18-character form of a 15-character Id. */
export function caseSafeId(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= "A" && c <= "Z") bits |= 1 << i;
    }
    suffix += SUFFIX.charAt(bits);
  }
  return id15 + suffix;
}

/** Makes Ids for one org: prefix + a fixed pod/instance part + a base-62 sequence. */
export class IdFactory {
  private sequence = 0;

  next(prefix: string): string {
    this.sequence += 1;
    let n = this.sequence;
    let digits = "";
    while (n > 0) {
      digits = BASE62.charAt(n % 62) + digits;
      n = Math.floor(n / 62);
    }
    return caseSafeId(`${prefix}Hs${digits.padStart(10, "0")}`);
  }
}

/** Accepts a 15- or 18-character Id and returns the 18-character form, or undefined for a non-Id. */
export function normaliseId(value: string): string | undefined {
  if (/^[a-zA-Z0-9]{18}$/.test(value)) return caseSafeId(value.slice(0, 15));
  if (/^[a-zA-Z0-9]{15}$/.test(value)) return caseSafeId(value);
  return undefined;
}
