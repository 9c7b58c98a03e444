// Date-times read from HubSpot and Salesforce come out as `Date#toISOString` writes them. Most already
// are in that form, and the edges keep such a text as it is instead of converting it: these check that a
// kept text is always what the conversion would have given, and that anything else is still converted.
import { isIsoInstant, isoInstant, isoInstantMs } from "../../src/core/text/iso-instant.js";
import { fromHubspotObject, fromHubspotValue } from "../../src/systems/hubspot/values.js";
import { toCanonical } from "../../src/systems/salesforce/values.js";

/** Texts a property may hold: canonical instants, ones `Date` reads differently, and other text. */
const TEXTS = [
  "2026-11-03T10:20:30.123Z",
  "2024-02-29T23:59:59.999Z",
  "2000-02-29T00:00:00.000Z",
  "0000-01-01T00:00:00.000Z",
  "9999-12-31T23:59:59.999Z",
  "2024-02-30T00:00:00.000Z",
  "2023-02-29T10:00:00.000Z",
  "1900-02-29T10:00:00.000Z",
  "2024-04-31T10:00:00.000Z",
  "2024-02-29T24:00:00.000Z",
  "2024-01-01T23:60:00.000Z",
  "2024-01-01T23:59:60.000Z",
  "2024-13-01T10:00:00.000Z",
  "2024-00-10T10:00:00.000Z",
  "2024-01-00T10:00:00.000Z",
  "2026-11-03T10:20:30Z",
  "2026-11-03T10:20:30.1Z",
  "2026-11-03T10:20:30.123+02:00",
  "2026-11-03T10:20:30.123-0530",
  "2026-11-03t10:20:30.123Z",
  "2026-11-03T10:20:30.123z",
  "2026-1l-03T10:20:30.123Z",
  "Zoë Ångström, Head of Marketing",
  "  ",
  "",
];

describe("date-times kept as read when already canonical", () => {
  it("takes a text as canonical only when converting it would give the same text back", () => {
    const canonical = TEXTS.filter(isIsoInstant);
    expect(canonical).toEqual([
      "2026-11-03T10:20:30.123Z",
      "2024-02-29T23:59:59.999Z",
      "2000-02-29T00:00:00.000Z",
      "0000-01-01T00:00:00.000Z",
      "9999-12-31T23:59:59.999Z",
    ]);
    for (const text of canonical) expect(new Date(text).toISOString()).toBe(text);
    // Each of the others either names no instant or is written differently once converted.
    for (const text of TEXTS.filter((t) => !isIsoInstant(t))) {
      const ms = Date.parse(text);
      if (!Number.isNaN(ms)) expect(new Date(ms).toISOString()).not.toBe(text);
    }
  });

  it("reads a canonical instant's epoch milliseconds as Date.parse does, and no other text's", () => {
    // Every day of leap and common years, before and after 1970 and 2000, and the ends of the range.
    const days = Array.from({ length: 3 * 366 }, (_, d) => Date.UTC(1967, 11, 30) + d * 86_400_000);
    const spread = Array.from({ length: 400 }, (_, k) => -62_167_219_200_000 + k * 631_152_000_000 + k * 86_399_999);
    for (const ms of [...days, ...spread, 0, -1, 253_402_300_799_999, Date.UTC(2000, 1, 29, 23, 59, 59, 999)]) {
      const text = new Date(ms).toISOString();
      if (isIsoInstant(text)) expect([text, isoInstantMs(text)]).toEqual([text, ms]);
    }
    for (const text of TEXTS) {
      expect([text, isoInstantMs(text)]).toEqual([text, isIsoInstant(text) ? Date.parse(text) : Number.NaN]);
    }
  });

  it("gives HubSpot's values as converting each would: canonical date-times kept, others converted, blanks null", () => {
    // The conversion as it was before canonical texts were kept (values.ts, ISO_DATETIME).
    const converted = (text: string): string | null => {
      if (text.trim() === "") return null;
      const at = new Date(text);
      const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text);
      return dateTime && !Number.isNaN(at.getTime()) ? at.toISOString() : text;
    };
    for (const text of TEXTS) expect([text, fromHubspotValue(text)]).toEqual([text, converted(text)]);
    expect(fromHubspotValue("2026-11-03T10:20:30.123+02:00")).toBe("2026-11-03T08:20:30.123Z");
    expect(fromHubspotValue("2024-02-30T00:00:00.000Z")).toBe("2024-03-01T00:00:00.000Z");
    expect(fromHubspotValue("\u00a0 ")).toBeNull();
    expect(fromHubspotValue(" Zoë ")).toBe(" Zoë ");
    expect(fromHubspotValue(42)).toBe("42");
    const record = fromHubspotObject(
      "contacts",
      {
        id: "501",
        properties: { email: "zoë@nordlicht.se", lastmodifieddate: "2026-11-04T10:00:00.000Z", createdate: "2026-01-05T12:00:00+01:00", city: "" },
      },
      ["email", "createdate", "city"],
    );
    expect(record).toEqual({
      object: "contacts",
      id: "501",
      fields: { email: "zoë@nordlicht.se", createdate: "2026-01-05T11:00:00.000Z", city: null },
      modifiedAt: "2026-11-04T10:00:00.000Z",
    });
  });

  it("gives Salesforce's UTC dateTimes in canonical form, a day past the month's end rolled over as before", () => {
    expect(toCanonical("2026-11-23T12:00:00.000+0000")).toBe("2026-11-23T12:00:00.000Z");
    expect(toCanonical("2024-02-29T23:59:59.999+0000")).toBe("2024-02-29T23:59:59.999Z");
    expect(toCanonical("2024-02-30T12:00:00.000+0000")).toBe("2024-03-01T12:00:00.000Z");
    expect(toCanonical("2026-11-23T12:00:00.000+0100")).toBe("2026-11-23T11:00:00.000Z");
    expect(toCanonical("2026-11-23T12:00:00+0000")).toBe("2026-11-23T12:00:00.000Z");
    expect(toCanonical("Société Générale")).toBe("Société Générale");
  });

  it("writes an instant's milliseconds as toISOString does, in order, out of order and at the edges", () => {
    const DAY = 86_400_000;
    // A behaviour read's times: in order, several to a day, across month, year and leap-day ends.
    const times: number[] = [];
    for (let ms = Date.parse("2023-12-30T22:59:59.990Z"); ms < Date.parse("2024-03-02T00:00:00Z"); ms += 7_777_777) times.push(ms);
    // Back and forth between days, each at its first and last millisecond and between.
    for (const day of ["2024-02-29", "1970-01-01", "2026-11-03", "2024-02-29", "9999-12-31", "2000-02-29"]) {
      const start = Date.parse(`${day}T00:00:00.000Z`);
      times.push(start, start + 1, start + 9, start + 10, start + 99, start + 100, start + 59_999, start + 3_599_999, start + DAY - 1);
    }
    for (const ms of times) expect([ms, isoInstant(ms)]).toEqual([ms, new Date(ms).toISOString()]);
    // Before 1970, past year 9999 and between milliseconds: as toISOString writes them.
    for (const ms of [-1, -DAY, Date.parse("0000-01-01T00:00:00.000Z"), 253_402_300_800_000, 1_700_000_000_000.5]) {
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => isoInstant(Number.NaN)).toThrow(RangeError);
  });
});
