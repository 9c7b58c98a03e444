// HubSpot's answers parsed with every integer past 2^53 kept as its decimal digits: record ids are int64,
// and associations v4 gives `toObjectId` as a JSON number (associations v4 reference, batch read), which
// JSON.parse would round to the nearest double, naming another record (ARCHITECTURE.md, "ids past 2^53").
// The schemas read ids with z.coerce.string(), so an id kept as digits reads exactly; a field read as a
// number that held such an integer is refused by its schema rather than read wrong.

// A run of 16 digits anywhere: without one, no integer can be past 2^53 and the text parses as it is.
const LONG_RUN = /\d{16}/;

export function parseExactJson(text: string): unknown {
  return JSON.parse(LONG_RUN.test(text) ? quoteUnsafeIntegers(text) : text);
}

/** `text` with each integer literal that is no safe integer written as a string of its digits. */
export function quoteUnsafeIntegers(text: string): string {
  let out = "";
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i);
      continue;
    }
    if (c !== 0x2d && !isDigit(c)) {
      i++;
      continue;
    }
    let end = c === 0x2d ? i + 1 : i;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    let tokenEnd = end;
    // A fraction or an exponent makes it no integer: the whole number is passed over.
    while (tokenEnd < text.length && isNumberPart(text.charCodeAt(tokenEnd))) tokenEnd++;
    if (tokenEnd === end && end - i >= 16 && !Number.isSafeInteger(Number(text.slice(i, end)))) {
      out += `${text.slice(copied, i)}"${text.slice(i, end)}"`;
      copied = end;
    }
    i = tokenEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The index after the string that opens at `start`, its escapes passed over. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The characters a JSON number goes on with after its integer part: `.`, digits, `e`/`E`, a sign. */
function isNumberPart(c: number): boolean {
  return isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}
