// A Salesforce record id in the one form the API answers with: 18 characters, case-safe. The UI and
// reports show the 15-character form, which is case-sensitive; the last three characters of the
// 18-character form encode, five characters each, which letters of the first fifteen are capitals, so
// an 18-character id is the same id in any letter case (Salesforce Help, "What is a Salesforce ID?";
// Apex Reference, Id.to15 and CASESAFEID).
const SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/** The 18-character form of a 15- or 18-character id, or undefined for text that is no id. */
export function caseSafeId(id: string): string | undefined {
  if (/^[a-zA-Z0-9]{15}$/.test(id)) return id + suffixOf(id);
  if (!/^[a-zA-Z0-9]{18}$/.test(id)) return undefined;
  const suffix = id.slice(15).toUpperCase();
  let restored = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX.indexOf(suffix.charAt(chunk));
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const c = id.charAt(chunk * 5 + i);
      restored += bits & (1 << i) ? c.toUpperCase() : c.toLowerCase();
    }
  }
  // Digits have no case: an id whose suffix marks a digit as a capital was never one Salesforce made.
  return suffixOf(restored) === suffix ? restored + suffix : undefined;
}

function suffixOf(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= "A" && c <= "Z") bits |= 1 << i;
    }
    suffix += SUFFIX.charAt(bits);
  }
  return suffix;
}
