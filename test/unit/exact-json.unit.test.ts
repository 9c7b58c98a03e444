// HubSpot answers parsed with integers past 2^53 kept as their digits (systems/hubspot/exact-json.ts).
import { parseExactJson } from "../../src/systems/hubspot/exact-json.js";

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
});
