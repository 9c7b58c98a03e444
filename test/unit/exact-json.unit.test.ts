// HubSpot answers parsed with integers past 2^53 kept as their digits (systems/hubspot/exact-json.ts).
import { hasLongDigitRun, parseExactJson } from "../../src/systems/hubspot/exact-json.js";

describe("parseExactJson", () => {
  it("keeps an int64 past 2^53 as its digits, wherever it stands", () => {
    const text =
      '{"results":[{"from":{"id":"9007199254740993"},"to":[{"toObjectId":9007199254740995,"associationTypes":[]},' +
      '{"toObjectId":-9223372036854775807},{"toObjectId":12}]}],"total":9007199254740991}';
    expect(parseExactJson(text)).toEqual({
      results: [
        {
          from: { id: "9007199254740993" },
          to: [{ toObjectId: "9007199254740995", associationTypes: [] }, { toObjectId: "-9223372036854775807" }, { toObjectId: 12 }],
        },
      ],
      // The largest safe integer is a number still.
      total: 9007199254740991,
    });
  });

  it("leaves long digits inside strings, fractions and exponents as JSON.parse reads them", () => {
    const text =
      '{"note":"Zoë \\"called\\" 12345678901234567890 times: 9007199254740993","ratio":0.12345678901234567891,' +
      '"big":1.5e300,"mixed":123456789012345678.5,"phone":"+33 12345678901234567"}';
    expect(parseExactJson(text)).toEqual(JSON.parse(text));
  });

  it("finds a run of 16 digits at every place it can stand, and no shorter one", () => {
    for (let before = 0; before < 40; before++) {
      const pad = "x".repeat(before);
      expect([before, hasLongDigitRun(`${pad}9007199254740993`)]).toEqual([before, true]);
      expect([before, hasLongDigitRun(`${pad}900719925474099 1234567890123456x`)]).toEqual([before, true]);
      expect([before, hasLongDigitRun(`${pad}900719925474099:"2026-12-06T10:00:00Z",123456789012345`)]).toEqual([before, false]);
    }
    expect(hasLongDigitRun("")).toBe(false);
    expect(hasLongDigitRun("1234567890123456")).toBe(true);
  });

  it("agrees with /\\d{16}/ on strings of digits broken at random", () => {
    let seed = 20261206;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 2000; n++) {
      let text = "";
      const length = Math.floor(next() * 120);
      for (let i = 0; i < length; i++) text += next() < 0.93 ? String(Math.floor(next() * 10)) : '":,é'[Math.floor(next() * 4)];
      expect([text, hasLongDigitRun(text)]).toEqual([text, /\d{16}/.test(text)]);
    }
  });
});
